// TLS over a connected TCP socket, with OpenSSL reading and writing the socket
// itself: a Beast AsyncReadStream and AsyncWriteStream that Beast's HTTP
// parser and serializer use as they would any other.
//
// Why not asio::ssl::stream: it moves every byte through a BIO pair and two
// buffers of its own (about 17 kB each, for the life of the connection), and
// hands out one TLS record per read, so a stream whose server writes one
// record per event pays a trip through the scheduler per event. Here OpenSSL's
// own record buffers are the only ones, released while idle
// (SSL_MODE_RELEASE_BUFFERS), and a read returns every record already
// received that fits the caller's buffer.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <utility>

namespace anthropic::detail {

/// What the socket did the last time OpenSSL asked it for bytes or gave it
/// some: OpenSSL says only "syscall failed", this says which failure.
struct socket_bio_state {
  int fd = -1;
  int error = 0;     ///< errno of the last failed recv or send (not EAGAIN)
  bool eof = false;  ///< recv found the peer's end of the stream
};

/// A minimal BIO on a non-blocking socket: recv and send (MSG_NOSIGNAL: a peer
/// that hung up must not raise SIGPIPE, which OpenSSL's socket BIO would),
/// "retry" when the socket has nothing to give or no room.
inline BIO_METHOD* socket_bio_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "anthropic socket");
    if (!m) return m;
    BIO_meth_set_read(m, [](BIO* bio, char* out, int size) -> int {
      auto* s = static_cast<socket_bio_state*>(BIO_get_data(bio));
      BIO_clear_retry_flags(bio);
      const ssize_t n = ::recv(s->fd, out, static_cast<std::size_t>(size), 0);
      if (n > 0) return static_cast<int>(n);
      if (n == 0) {
        s->eof = true;
        return 0;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        BIO_set_retry_read(bio);
      else
        s->error = errno;
      return -1;
    });
    BIO_meth_set_write(m, [](BIO* bio, const char* in, int size) -> int {
      auto* s = static_cast<socket_bio_state*>(BIO_get_data(bio));
      BIO_clear_retry_flags(bio);
      const ssize_t n = ::send(s->fd, in, static_cast<std::size_t>(size), MSG_NOSIGNAL);
      if (n >= 0) return static_cast<int>(n);
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        BIO_set_retry_write(bio);
      else
        s->error = errno;
      return -1;
    });
    BIO_meth_set_ctrl(m, [](BIO*, int cmd, long, void*) -> long {
      return cmd == BIO_CTRL_FLUSH ? 1 : 0;  // writes go straight to the socket
    });
    BIO_meth_set_create(m, [](BIO* bio) -> int {
      BIO_set_init(bio, 1);
      return 1;
    });
    return m;
  }();
  return method;
}

/// One TLS client connection on `socket`, which must be connected before
/// `async_handshake` and outlive this object. Closing the socket makes the
/// operation in progress complete with operation_aborted. One read and one
/// write may be in progress at a time (Beast's HTTP operations never do more).
///
/// Errors read as asio::ssl::stream's do, so that callers tell them apart the
/// same way: asio::error::eof after the peer's close_notify,
/// ssl::error::stream_truncated when the connection ended without one, the
/// socket's errno (connection_reset, ...), or OpenSSL's error code in the SSL
/// category (a failed verification, a bad record, a fatal alert).
class tls_socket {
 public:
  using executor_type = boost::asio::any_io_executor;

  tls_socket(boost::asio::ip::tcp::socket& socket, boost::asio::ssl::context& context)
      : socket_(socket), ssl_(SSL_new(context.native_handle())) {
    if (!ssl_) throw std::bad_alloc();
    BIO* bio = BIO_new(socket_bio_method());
    if (!bio) throw std::bad_alloc();
    BIO_set_data(bio, &bio_state_);
    SSL_set_bio(ssl_.get(), bio, bio);
    SSL_set_connect_state(ssl_.get());
    // Records in flight are the only buffers: freed whenever nothing is
    // pending, and read as many bytes at a time as the socket has (read
    // ahead), so that one recv fetches many small records.
    SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                                 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_read_ahead(ssl_.get(), 1);
  }
  tls_socket(const tls_socket&) = delete;
  tls_socket& operator=(const tls_socket&) = delete;

  SSL* native_handle() const noexcept { return ssl_.get(); }
  executor_type get_executor() noexcept { return socket_.get_executor(); }

  /// Performs the client handshake. The socket is made non-blocking here.
  template <class CompletionToken>
  auto async_handshake(CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code)>(
        io_op<handshake_step, false>(this, {}), token, socket_);
  }

  /// Reads decrypted bytes: every record already received, as far as they fit
  /// in `buffers` (at least one byte unless an error is reported).
  template <class MutableBufferSequence, class CompletionToken>
  auto async_read_some(const MutableBufferSequence& buffers, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code, std::size_t)>(
        io_op<read_step<MutableBufferSequence>, true>(this, {buffers}), token, socket_);
  }

  /// Writes bytes from `buffers` (at least one byte unless an error is reported).
  template <class ConstBufferSequence, class CompletionToken>
  auto async_write_some(const ConstBufferSequence& buffers, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code, std::size_t)>(
        io_op<write_step<ConstBufferSequence>, true>(this, write_step<ConstBufferSequence>{buffers, {}, {}}), token, socket_);
  }

 private:
  // What one attempt at a step came to.
  enum class progress { done, want_read, want_write };

  struct handshake_step {
    progress operator()(tls_socket& t, boost::system::error_code& ec, std::size_t&) {
      return t.check(SSL_do_handshake(t.ssl_.get()), ec);
    }
  };

  template <class Buffers>
  struct read_step {
    Buffers buffers;
    // Reads record after record while OpenSSL holds unread bytes (received
    // with an earlier recv) and there is room; stops without asking the socket
    // again, so that a wake-up costs one recv. A failure after some bytes is
    // kept for the next read.
    progress operator()(tls_socket& t, boost::system::error_code& ec, std::size_t& total) {
      if (t.kept_error_) {
        ec = std::exchange(t.kept_error_, {});
        return progress::done;
      }
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        boost::asio::mutable_buffer b = *it;
        while (b.size() > 0) {
          if (total > 0 && !SSL_has_pending(t.ssl_.get())) return progress::done;
          std::size_t n = 0;
          const int r = SSL_read_ex(t.ssl_.get(), b.data(), b.size(), &n);
          if (r == 1) {
            total += n;
            b += n;
            continue;
          }
          return t.after_failure(r, total, ec, &t.kept_error_);
        }
      }
      return progress::done;
    }
  };

  template <class Buffers>
  struct write_step {
    Buffers buffers;
    // A sequence of several buffers (Beast serializes a request head as one
    // buffer per field) is copied into one first, up to a record's worth:
    // each SSL_write makes a record and a send, so writing them one by one
    // would cost a dozen of each per request.
    std::unique_ptr<char[]> gathered;
    boost::asio::const_buffer pending;

    progress operator()(tls_socket& t, boost::system::error_code& ec, std::size_t& total) {
      if (total == 0 && pending.size() == 0) pending = gather();
      while (pending.size() > 0) {
        std::size_t n = 0;
        // Retried after a wait with the same bytes, as OpenSSL requires.
        const int r = SSL_write_ex(t.ssl_.get(), pending.data(), pending.size(), &n);
        if (r == 1) {
          total += n;
          pending += n;
          continue;
        }
        return t.after_failure(r, total, ec, nullptr);  // a failure shows again on the next write
      }
      return progress::done;
    }

    boost::asio::const_buffer gather() {
      auto first = boost::asio::buffer_sequence_begin(buffers);
      const auto end = boost::asio::buffer_sequence_end(buffers);
      if (first == end) return {};
      if (std::next(first) == end) return *first;
      const std::size_t size = std::min<std::size_t>(boost::asio::buffer_size(buffers), max_gathered);
      gathered = std::make_unique_for_overwrite<char[]>(size);
      boost::asio::buffer_copy(boost::asio::buffer(gathered.get(), size), buffers);
      return {gathered.get(), size};
    }
  };

  // A TLS record's payload.
  static constexpr std::size_t max_gathered = 16 * 1024;

  // Runs a step; while OpenSSL wants the socket, waits for it and runs the
  // step again. A step done without waiting completes through a post, never
  // inside the initiating call.
  template <class Step, bool Counts>
  struct io_op {
    io_op(tls_socket* socket, Step s) : t(socket), step(std::move(s)) {}

    tls_socket* t;
    Step step;
    std::size_t total = 0;
    boost::system::error_code result;
    enum { starting, waited, posted } phase = starting;

    template <class Self>
    void operator()(Self& self, boost::system::error_code wait_ec = {}) {
      if (phase == posted) return finish(self);
      if (wait_ec) {
        result = wait_ec;
        return finish(self);
      }
      if (!t->socket_.is_open()) {
        result = boost::asio::error::operation_aborted;
      } else {
        if (phase == starting && !t->socket_.non_blocking()) {
          t->socket_.non_blocking(true, result);
          if (result) return post_finish(self);
        }
        t->bio_state_.fd = static_cast<int>(t->socket_.native_handle());
        ERR_clear_error();
        const progress p = step(*t, result, total);
        if (p != progress::done) {
          // Waiting with nothing half-read and no handshake under way: OpenSSL's
          // record buffers go back to the heap (SSL_MODE_RELEASE_BUFFERS alone
          // keeps the read buffer of an SSL_read that found the socket empty,
          // 16.5 kB for every idle connection).
          if (!SSL_has_pending(t->ssl_.get()) && !SSL_in_init(t->ssl_.get())) SSL_free_buffers(t->ssl_.get());
          phase = waited;
          using wait = boost::asio::ip::tcp::socket::wait_type;
          t->socket_.async_wait(p == progress::want_read ? wait::wait_read : wait::wait_write, std::move(self));
          return;
        }
      }
      if (phase == starting) return post_finish(self);
      finish(self);
    }

    template <class Self>
    void post_finish(Self& self) {
      phase = posted;
      boost::asio::post(std::move(self));
    }

    template <class Self>
    void finish(Self& self) {
      if constexpr (Counts)
        self.complete(result, total);
      else
        self.complete(result);
    }
  };

  // A failed SSL call in a step that may have moved bytes already: with none
  // moved, the call's outcome is the step's (wait, or fail with `ec`); after
  // some, the step is done, and an error is put in `keep` (if given) for the
  // next step to report.
  progress after_failure(int r, std::size_t total, boost::system::error_code& ec, boost::system::error_code* keep) {
    boost::system::error_code failure;
    const progress p = check(r, failure);
    if (total == 0) {
      ec = failure;
      return p;
    }
    if (keep && p == progress::done) *keep = failure;
    return progress::done;
  }

  // The outcome of an SSL call that returned `r` != 1 (a "progress" other
  // than done means: wait for the socket, then call again).
  progress check(int r, boost::system::error_code& ec) {
    if (r == 1) return progress::done;
    switch (SSL_get_error(ssl_.get(), r)) {
      case SSL_ERROR_WANT_READ: return progress::want_read;
      case SSL_ERROR_WANT_WRITE: return progress::want_write;
      case SSL_ERROR_ZERO_RETURN: ec = boost::asio::error::eof; break;
      case SSL_ERROR_SYSCALL: ec = socket_failure(); break;
      case SSL_ERROR_SSL: {
        const unsigned long code = ERR_get_error();
        if (bio_state_.error || bio_state_.eof)
          ec = socket_failure();
        else
          ec = boost::system::error_code(static_cast<int>(code), boost::asio::error::get_ssl_category());
        ERR_clear_error();
        break;
      }
      default: ec = boost::asio::ssl::error::unspecified_system_error; break;
    }
    return progress::done;
  }

  boost::system::error_code socket_failure() const {
    if (bio_state_.error) return {bio_state_.error, boost::system::system_category()};
    if (bio_state_.eof) return boost::asio::ssl::error::stream_truncated;
    return boost::asio::ssl::error::unspecified_system_error;
  }

  struct ssl_free {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
  };

  boost::asio::ip::tcp::socket& socket_;
  std::unique_ptr<SSL, ssl_free> ssl_;
  socket_bio_state bio_state_;
  boost::system::error_code kept_error_;
};

}  // namespace anthropic::detail
