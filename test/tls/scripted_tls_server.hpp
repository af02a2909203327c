// A TLS server for the tests of the client's TLS layer whose every byte the
// test decides: a thread that accepts on 127.0.0.1, does the server side of TLS
// with plain OpenSSL on a blocking socket, and hands each connection to the
// test's script. The script reads requests and writes responses, and can also
// do what no real HTTP server library would let it: key updates, renegotiation,
// closing without close_notify, records written by hand on the raw socket.
//
// The script runs on the server's thread: it must not use Boost.Test (not
// thread-safe). It reports what it saw through `note()`, which the test reads
// after the client is done.
#pragma once

#include <anthropic/detail/ascii.hpp>
#include <anthropic/options.hpp>
#include <anthropic/testing/detail/test_certificate.hpp>

#include <boost/asio/ssl/context.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace anthropic::test {

/// One HTTP request as the server read it.
struct scripted_request {
  std::string head;  ///< request line and header fields, up to the blank line
  std::string body;
};

/// The server's side of one accepted TLS connection (blocking socket).
class scripted_tls_server;

class tls_session {
 public:
  tls_session(scripted_tls_server& server, SSL* ssl, int fd) : server_(server), ssl_(ssl), fd_(fd) {}

  /// Records an observation for the test to check (see scripted_tls_server::notes).
  void note(std::string line);

  /// Sleeps this long before each read of the socket: a slow reader.
  void slow_reads(std::chrono::microseconds pause) { read_pause_ = pause; }

  SSL* ssl() const noexcept { return ssl_; }
  int fd() const noexcept { return fd_; }

  /// Reads one request: the head, then a Content-Length body. Empty when the
  /// client closed the connection (or anything failed) first.
  std::optional<scripted_request> read_request() {
    scripted_request r;
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
      if (!read_more()) return std::nullopt;
    r.head = pending_.substr(0, end + 4);
    pending_.erase(0, end + 4);
    const std::size_t length = content_length(r.head);
    while (pending_.size() < length)
      if (!read_more()) return std::nullopt;
    r.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return r;
  }

  /// Decrypted bytes received but not yet part of a request (should stay empty).
  const std::string& unread() const noexcept { return pending_; }

  /// One SSL_write per call (one record for up to 16 kB): true when all was written.
  bool write(std::string_view bytes) {
    while (!bytes.empty()) {
      std::size_t n = 0;
      if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &n) != 1) return false;
      bytes.remove_prefix(n);
    }
    return true;
  }

  /// Bytes sent on the socket itself, around TLS (forged or captured records).
  bool send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// The records that SSL_write would send for `bytes`, produced but not sent
  /// (the write sequence number moves on all the same): the socket BIO is
  /// swapped for a memory BIO for the duration.
  std::string capture_records(std::string_view bytes) {
    BIO* socket_bio = SSL_get_wbio(ssl_);
    BIO_up_ref(socket_bio);  // SSL_set0_wbio below drops the SSL's reference
    BIO* memory = BIO_new(BIO_s_mem());
    SSL_set0_wbio(ssl_, memory);
    write(bytes);
    char* data = nullptr;
    const long size = BIO_get_mem_data(memory, &data);
    std::string records(data, static_cast<std::size_t>(size));
    SSL_set0_wbio(ssl_, socket_bio);  // frees the memory BIO, gives our reference back
    return records;
  }

  /// Sends close_notify (without waiting for the client's).
  void close_notify() { SSL_shutdown(ssl_); }

  /// Runs the TLS state machine without sending application data, for up to
  /// `limit`: reads and handles whatever the client sent (a renegotiation
  /// ClientHello and the rest of that handshake, a KeyUpdate), until the
  /// client has nothing more to say for a moment. Application data received
  /// is kept for read_request().
  void pump(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    const long old_mode = SSL_get_mode(ssl_);
    SSL_clear_mode(ssl_, SSL_MODE_AUTO_RETRY);  // return after each handshake message
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      // A renegotiation in progress needs the client's next flight: wait for it
      // as long as the limit allows; otherwise a short quiet spell ends the pump.
      const bool waiting_for_client = SSL_renegotiate_pending(ssl_) == 1;
      pollfd p{fd_, POLLIN, 0};
      if (SSL_pending(ssl_) == 0 &&
          ::poll(&p, 1, waiting_for_client ? static_cast<int>(left.count()) : 20) <= 0)
        break;
      char buffer[4096];
      const int n = SSL_read(ssl_, buffer, sizeof buffer);
      if (n > 0) {
        pending_.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      const int error = SSL_get_error(ssl_, n);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) break;
    }
    SSL_set_mode(ssl_, old_mode);
  }

  /// Waits until the client closes its end (or `limit` passes), reading and
  /// dropping whatever arrives; closing with unread bytes would send a reset.
  void wait_for_client_close(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
      char buffer[4096];
      if (::recv(fd_, buffer, sizeof buffer, 0) <= 0) return;
    }
  }

 private:
  static std::size_t content_length(const std::string& head) {
    std::size_t pos = 0;
    while ((pos = head.find("\r\n", pos)) != std::string::npos) {
      pos += 2;
      const std::string_view line(head.data() + pos, head.find("\r\n", pos) - pos);
      constexpr std::string_view name = "content-length:";
      if (line.size() > name.size() && detail::iequals(line.substr(0, name.size()), name))
        return std::stoul(std::string(line.substr(name.size())));
    }
    return 0;
  }

  bool read_more() {
    if (read_pause_.count() > 0) std::this_thread::sleep_for(read_pause_);
    char buffer[16 * 1024];
    std::size_t n = 0;
    if (SSL_read_ex(ssl_, buffer, sizeof buffer, &n) != 1) return false;
    pending_.append(buffer, n);
    return true;
  }

  scripted_tls_server& server_;
  SSL* ssl_;
  int fd_;
  std::string pending_;
  std::chrono::microseconds read_pause_{0};
};

/// The server: accepts connections one after another and runs the script on
/// each, after a completed TLS handshake.
class scripted_tls_server {
 public:
  struct settings {
    int max_version = TLS1_3_VERSION;  ///< TLS1_2_VERSION for a TLS 1.2 server
    int receive_buffer = 0;            ///< > 0: SO_RCVBUF of the listening (and so accepted) sockets
  };
  /// Called once per connection with its number (1, 2, ...).
  using script = std::function<void(tls_session&, std::size_t connection)>;

  explicit scripted_tls_server(script s) : scripted_tls_server(std::move(s), settings{}) {}

  scripted_tls_server(script s, settings opts)
      : script_(std::move(s)), certificate_({"localhost", "127.0.0.1"}),
        context_(boost::asio::ssl::context::tls_server) {
    certificate_.install(context_);
    SSL_CTX* ctx = context_.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, opts.max_version);
    // Counts the client's KeyUpdate messages (decrypted handshake messages pass here).
    SSL_CTX_set_msg_callback(ctx, [](int write_p, int, int content_type, const void* buf, std::size_t len, SSL*,
                                     void* arg) {
      if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
          static_cast<const unsigned char*>(buf)[0] == SSL3_MT_KEY_UPDATE)
        ++static_cast<scripted_tls_server*>(arg)->key_updates_received_;
    });
    SSL_CTX_set_msg_callback_arg(ctx, this);

    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listener_ < 0) throw std::runtime_error("socket failed");
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (opts.receive_buffer > 0)
      ::setsockopt(listener_, SOL_SOCKET, SO_RCVBUF, &opts.receive_buffer, sizeof opts.receive_buffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ::close(listener_);
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  scripted_tls_server(const scripted_tls_server&) = delete;
  scripted_tls_server& operator=(const scripted_tls_server&) = delete;

  /// Stops accepting, wakes a script blocked on its socket (its reads fail) and
  /// joins the thread.
  ~scripted_tls_server() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    {
      std::lock_guard lock(mutex_);
      if (active_fd_ >= 0) ::shutdown(active_fd_, SHUT_RDWR);
    }
    thread_.join();
    ::close(listener_);
  }

  unsigned short port() const noexcept { return port_; }
  const std::string& ca_pem() const noexcept { return certificate_.ca_pem; }

  /// Options for a client of this server: its CA trusted, no retries (a test
  /// sees the first failure), and time limits of a few seconds, so that a
  /// client that waits for bytes that never come fails the test rather than
  /// blocking it.
  client_options client_settings() const {
    client_options opts;
    opts.base_url = "https://127.0.0.1:" + std::to_string(port_);
    opts.api_key = "sk-ant-test-key";
    opts.tls.ca_pem = ca_pem();
    opts.retry.max_retries = 0;
    opts.timeouts.connect = std::chrono::seconds(3);
    opts.timeouts.tls_handshake = std::chrono::seconds(3);
    opts.timeouts.response_head = std::chrono::seconds(5);
    opts.timeouts.idle = std::chrono::seconds(3);
    opts.timeouts.request = std::chrono::seconds(10);
    return opts;
  }

  /// Records an observation of the script (any thread).
  void note(std::string line) {
    std::lock_guard lock(mutex_);
    notes_.push_back(std::move(line));
  }
  std::vector<std::string> notes() const {
    std::lock_guard lock(mutex_);
    return notes_;
  }

  std::size_t connections_accepted() const noexcept { return accepted_; }
  /// Handshakes that failed on the server's side (the script did not run).
  std::size_t failed_handshakes() const noexcept { return failed_handshakes_; }
  /// KeyUpdate messages received from clients.
  std::size_t key_updates_received() const noexcept { return key_updates_received_; }

 private:
  void serve() {
    // OpenSSL's socket BIO writes with write(): a client that has hung up would
    // raise SIGPIPE and kill the test process. Blocked in this thread only, so
    // that a SIGPIPE from the client under test (whose writes must use
    // MSG_NOSIGNAL) would still show.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    while (!stopping_) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) {
        if (stopping_ || errno != EINTR) return;
        continue;
      }
      const std::size_t number = ++accepted_;
      {
        std::lock_guard lock(mutex_);
        active_fd_ = fd;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      // A script that waits for a client that is gone gives up after this.
      const timeval limit{10, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
      SSL* ssl = SSL_new(context_.native_handle());
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        tls_session session(*this, ssl, fd);
        try {
          script_(session, number);
        } catch (const std::exception& e) {
          note(std::string("script threw: ") + e.what());
        }
      } else {
        ++failed_handshakes_;
      }
      ERR_clear_error();
      SSL_free(ssl);  // sends nothing: a script that wants close_notify sends it
      {
        std::lock_guard lock(mutex_);
        active_fd_ = -1;
        ::close(fd);
      }
    }
  }

  script script_;
  testing::detail::test_certificate certificate_;
  boost::asio::ssl::context context_;
  int listener_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> failed_handshakes_{0};
  std::atomic<std::size_t> key_updates_received_{0};
  mutable std::mutex mutex_;
  int active_fd_ = -1;
  std::vector<std::string> notes_;
};

inline void tls_session::note(std::string line) { server_.note(std::move(line)); }

// ---- Response bytes ---------------------------------------------------------

/// The head of a streamed 200 response with a chunked body.
inline std::string stream_head() {
  return "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n"
         "request-id: req_scripted\r\n\r\n";
}

/// `bytes` as one HTTP chunk.
inline std::string chunk(std::string_view bytes) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return std::string(size).append(bytes).append("\r\n");
}

/// The last chunk: the end of a chunked body.
inline constexpr std::string_view last_chunk = "0\r\n\r\n";

/// The SSE events of a message whose text is the concatenation of `pieces`, one
/// text_delta per piece.
inline std::vector<std::string> text_message_events(const std::vector<std::string>& pieces) {
  std::vector<std::string> events;
  events.push_back(
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_scripted\",\"type\":"
      "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
      "\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n");
  events.push_back(
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
      "{\"type\":\"text\",\"text\":\"\"}}\n\n");
  for (const auto& piece : pieces)
    events.push_back(
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
        "\"text_delta\",\"text\":\"" +
        piece + "\"}}\n\n");
  events.push_back("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
  events.push_back(
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
      "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" +
      std::to_string(pieces.size()) + "}}\n\n");
  events.push_back("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  return events;
}

/// The body of a non-streamed message whose text is `text` (JSON-safe text only).
inline std::string message_json(std::string_view text) {
  return "{\"id\":\"msg_scripted\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
         "\"content\":[{\"type\":\"text\",\"text\":\"" +
         std::string(text) +
         "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,"
         "\"output_tokens\":3}}";
}

/// A complete 200 response with a Content-Length body of `json`.
inline std::string json_response(std::string_view json) {
  return "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + std::to_string(json.size()) +
         "\r\nrequest-id: req_scripted\r\n\r\n" + std::string(json);
}

}  // namespace anthropic::test
