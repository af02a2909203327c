// One HTTP/1.1 connection to the API host (plain TCP or TLS, directly or through
// an HTTP proxy) and the I/O steps a request needs: open (resolve, connect, the
// proxy's CONNECT tunnel, handshake), send a request and read the response head,
// read the body piece by piece. The Beast response parser with its buffer_body,
// and the buffers it reads into, live here and nowhere else.
#pragma once

#include <anthropic/detail/io/io_watchdog.hpp>
#include <anthropic/detail/io/tls.hpp>
#include <anthropic/detail/io/tls_socket.hpp>
#include <anthropic/detail/io/upload_body.hpp>
#include <anthropic/detail/sansio/deadline.hpp>
#include <anthropic/detail/sansio/http_request.hpp>
#include <anthropic/detail/sansio/proxy.hpp>
#include <anthropic/detail/sansio/transport_error.hpp>
#include <anthropic/detail/sansio/url.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace anthropic::detail {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

class connection {
 public:
  using response_parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

  /// Bounds of the buffer body bytes are handed out from (stream events are views
  /// into it). It starts small, so that thousands of slow streams, each receiving a
  /// few hundred bytes per read, hold little memory, and doubles whenever a read
  /// fills it, so that a fast stream soon takes up to a whole TLS record per read.
  static constexpr std::size_t min_body_chunk = 512;
  /// Bytes of an upload read and written at a time.
  static constexpr std::size_t upload_piece_size = 64 * 1024;
  static constexpr std::size_t max_body_chunk = 16 * 1024;

  /// `proxy`: null for a direct connection; else the route every connection of
  /// the client takes, which must outlive this connection.
  connection(const boost::asio::any_io_executor& ex, boost::asio::ssl::context& tls_context, bool use_tls,
             const proxy_route* proxy = nullptr)
      : socket_(ex), watchdog_(ex, socket_), use_tls_(use_tls), proxy_(proxy), read_buffer_(max_read_buffer) {
    if (use_tls) tls_.emplace(socket_, tls_context);
  }

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// True once opened and until closed or failed.
  bool is_open() const noexcept { return open_; }

  /// Requests this connection answered completely; > 0 means it came from the pool.
  std::size_t exchanges_completed() const noexcept { return exchanges_; }

  /// When it last became idle (for pool expiry).
  clock::time_point idle_since{};

  /// Closes the socket and stops any pending step; that step completes with an error.
  /// Safe to call at any time on the client's executor.
  void close() noexcept {
    if (resolver_) resolver_->cancel();
    if (gate_wait_) tls_session_cache::gate_of(tls_->native_handle())->cancel_wait(*gate_wait_);
    boost::system::error_code ignored;
    socket_.close(ignored);
    open_ = false;
  }

  /// Resolves the host (skipped for IP literals), connects and, for https,
  /// performs the TLS handshake with SNI and host-name verification. Each phase is
  /// limited by its own timeout and by the request deadline.
  ///
  /// Through a proxy, the host resolved and connected to is the proxy's; for
  /// https, a CONNECT tunnel to the API's host follows (limited by
  /// timeouts.connect again: it is the proxy connecting), then the TLS handshake
  /// with the API's host inside it, as without a proxy.
  boost::asio::awaitable<boost::system::error_code> async_open(const base_url& url, const timeout_options& timeouts,
                                                             clock::time_point deadline, bool verify_peer,
                                                             diagnostics& diag) {
    using boost::asio::ip::tcp;
    const std::string& host = proxy_ ? proxy_->host : url.host;
    const std::string& port_text = proxy_ ? proxy_->port : url.port;
    // Which failures are the proxy's is worth saying: its address is not in the base URL.
    auto at_proxy = [&](boost::system::error_code failure) {
      if (proxy_ && diag.client_message.empty()) diag.client_message = "connecting to the proxy " + proxy_->name;
      return failure;
    };
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host, ec);
    const unsigned short port = static_cast<unsigned short>(std::stoul(port_text));
    if (!ec) {
      endpoints.emplace_back(address, port);
    } else {
      auto [resolve_ec, results] =
          co_await resolve(host, port_text, limit_for(timeouts.resolve, client_errc::resolve_timeout, deadline));
      if (resolve_ec) co_return at_proxy(resolve_ec);
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }

    const auto connect_limit = limit_for(timeouts.connect, client_errc::connect_timeout, deadline);
    arm(connect_limit);
    auto [connect_ec, endpoint] = co_await boost::asio::async_connect(socket_, endpoints, use_tuple);
    (void)endpoint;
    if (connect_ec) co_return at_proxy(translate(connect_ec, connect_limit));
    socket_.set_option(tcp::no_delay(true), ec);
    if (proxy_ && use_tls_) {
      const auto tunnel_limit = limit_for(timeouts.connect, client_errc::connect_timeout, deadline);
      if (auto tunnel_ec = co_await async_open_tunnel(tunnel_limit, diag)) co_return tunnel_ec;
    }

    if (use_tls_) {
      SSL* ssl = tls_->native_handle();
      if (auto tls_ec = prepare_tls_session(ssl, url.host, verify_peer)) co_return tls_ec;
      const auto handshake_limit = limit_for(timeouts.tls_handshake, client_errc::tls_handshake_timeout, deadline);
      handshake_gate* gate = tls_session_cache::gate_of(ssl);
      auto turn = gate ? gate->take_turn() : handshake_gate::turn::go;
      while (turn == handshake_gate::turn::wait) {
        gate_wait_.emplace(socket_.get_executor());
        const auto wait_limit = handshake_limit.unlimited ? std::chrono::steady_clock::duration(std::chrono::seconds(30))
                                                          : handshake_limit.wait;
        auto [wait_ec] = co_await gate->async_wait_turn(*gate_wait_, wait_limit, use_tuple);
        gate_wait_.reset();
        if (!socket_.is_open()) co_return make_error_code(boost::asio::error::operation_aborted);
        if (wait_ec == boost::asio::error::operation_aborted) {  // woken: a turn may be free
          turn = gate->take_turn();
        } else {
          gate->force_turn();
          turn = handshake_gate::turn::go;
        }
      }
      // Offered only now, after any wait: the session may be the one it waited for.
      tls_session_cache::offer(ssl);
      // Every way out of the handshake (cancellation included) ends its turn.
      struct turn_guard {
        handshake_gate* gate;
        bool pioneer;
        bool succeeded = false;
        ~turn_guard() {
          if (gate) gate->handshake_ended(pioneer, succeeded);
        }
      } turn_end{gate, turn == handshake_gate::turn::pioneer};
      arm(handshake_limit);
      auto [handshake_ec] = co_await tls_->async_handshake(use_tuple);
      turn_end.succeeded = !handshake_ec;
      if (handshake_ec) {
        if (is_verification_failure(handshake_ec)) {
          diag.client_message = verification_failure_text(tls_->native_handle(), url.host);
          co_return make_error_code(client_errc::tls_verification_failed);
        }
        co_return translate(handshake_ec, handshake_limit);
      }
    }
    open_ = true;
    co_return boost::system::error_code{};
  }

  /// Writes the request and reads the final response head, both within `limit`.
  /// Interim 1xx heads (100 Continue, 103 Early Hints; RFC 9110 section 15.2) are
  /// skipped; 101 Switching Protocols, which this client never asks for, fails
  /// with client_errc::invalid_response.
  ///
  /// With `upload`, the request's head announces its length and the body
  /// follows in pieces read from `upload` (from its start), each write within
  /// `limit` again: a large upload is bounded per piece, and as a whole by the
  /// request deadline inside `limit`.
  boost::asio::awaitable<boost::system::error_code> async_exchange_head(http_request& request, step_limit limit,
                                                                      upload_body* upload = nullptr) {
    namespace http = boost::beast::http;
    interim_heads_ = 0;
    if (proxy_ && !use_tls_) {
      // Plain http through a proxy: the target names the origin (absolute
      // form; only once, the request may be sent again), and the credentials
      // travel with every request, as there is no tunnel to carry them.
      if (request.target().starts_with('/')) request.target(proxy_->absolute_prefix + std::string(request.target()));
      if (!proxy_->authorization.empty()) request.set(http::field::proxy_authorization, proxy_->authorization);
    }
    arm(limit);
    // (if/else rather than ?: around co_await: GCC 12 mishandles the latter.)
    boost::system::error_code ec;
    if (use_tls_) {
      auto [e, n] = co_await http::async_write(*tls_, request, use_tuple);
      ec = e;
    } else {
      auto [e, n] = co_await http::async_write(socket_, request, use_tuple);
      ec = e;
    }
    if (ec) co_return fail(ec, limit);
    if (upload) {
      if ((ec = upload->rewind())) co_return ec;
      auto piece = std::make_unique_for_overwrite<char[]>(upload_piece_size);
      for (;;) {
        const std::size_t n = upload->read(std::span<char>(piece.get(), upload_piece_size), ec);
        if (ec) co_return ec;
        if (n == 0) break;
        arm(limit);
        if (use_tls_) {
          auto [e, written] = co_await boost::asio::async_write(*tls_, boost::asio::buffer(piece.get(), n), use_tuple);
          ec = e;
        } else {
          auto [e, written] = co_await boost::asio::async_write(socket_, boost::asio::buffer(piece.get(), n), use_tuple);
          ec = e;
        }
        if (ec) co_return fail(ec, limit);
      }
    }
    for (;;) {
      new_parser();
      if (use_tls_) {
        auto [e, n] = co_await http::async_read_header(*tls_, read_buffer_, *parser_, use_tuple);
        ec = e;
      } else {
        auto [e, n] = co_await http::async_read_header(socket_, read_buffer_, *parser_, use_tuple);
        ec = e;
      }
      if (ec) co_return fail(ec, limit);
      const unsigned status = parser_->get().result_int();
      if (status >= 200 || status < 100) break;
      // A flood of interim heads is bounded by `limit` and by this count.
      if (status == 101 || ++interim_heads_ > max_interim_heads) {
        abandon();
        co_return make_error_code(client_errc::invalid_response);
      }
    }
    co_return boost::system::error_code{};
  }

  /// True when the last exchange received at least one response byte (a failure
  /// before that on a pooled connection means the server had closed it).
  bool received_response_bytes() const noexcept {
    return interim_heads_ > 0 || (parser_ && parser_->got_some()) || read_buffer_.size() > 0;
  }

  /// Interim (1xx) heads skipped by the last async_exchange_head.
  unsigned interim_heads() const noexcept { return interim_heads_; }

  /// The head read by async_exchange_head.
  const boost::beast::http::response_header<>& head() const { return parser_->get().base(); }
  std::optional<std::uint64_t> content_length() const {
    if (auto length = parser_->content_length()) return *length;
    return std::nullopt;
  }

  /// Reads the next piece of the body, within `limit`. An empty view without
  /// error means the body is complete. The view is valid until the next call.
  ///
  /// The piece is all of the body that has arrived, up to the chunk's size: the
  /// parser runs eagerly over every byte received (many small HTTP chunks, one
  /// per stream event, in one go), and the socket is read only when no body
  /// byte is at hand. (Beast's read_some stops after each chunk, and each call
  /// is a trip through the scheduler.)
  boost::asio::awaitable<std::pair<boost::system::error_code, std::string_view>> async_read_body_some(
      step_limit limit) {
    namespace http = boost::beast::http;
    // Growing here, not where the last read filled the chunk: the view that read
    // handed out stays valid until this call.
    if (!chunk_ || (chunk_filled_ && chunk_size_ < max_body_chunk)) {
      chunk_size_ = chunk_ ? chunk_size_ * 2 : min_body_chunk;
      chunk_ = std::make_unique_for_overwrite<char[]>(chunk_size_);
    }
    chunk_filled_ = false;
    if (deferred_error_) co_return std::pair{fail(std::exchange(deferred_error_, {}), limit), std::string_view{}};
    auto& body = parser_->get().body();
    body.data = chunk_.get();
    body.size = chunk_size_;
    parser_->eager(true);
    arm(limit);
    boost::system::error_code ec;
    while (!parser_->is_done()) {
      if (read_buffer_.size() > 0) {
        read_buffer_.consume(parser_->put(read_buffer_.data(), ec));
        if (ec == http::error::need_buffer) break;  // the chunk is full
        if (ec && ec != http::error::need_more) {
          // The body before bad framing is handed out first; the error comes next call.
          if (body.size < chunk_size_) {
            deferred_error_ = ec;
            break;
          }
          co_return std::pair{fail(ec, limit), std::string_view{}};
        }
        // Some body arrived: hand it out now rather than wait for more.
        if (body.size < chunk_size_ || parser_->is_done()) break;
      }
      // Reads as large as the chunk: a stream that fills it gets a larger one
      // (above), and so larger reads.
      const std::size_t room = read_buffer_.max_size() - read_buffer_.size();
      if (room == 0) co_return std::pair{fail(http::error::buffer_overflow, limit), std::string_view{}};
      const auto space = read_buffer_.prepare(std::min(room, chunk_size_));
      std::size_t n = 0;
      if (use_tls_) {
        auto [e, got] = co_await tls_->async_read_some(space, use_tuple);
        ec = e;
        n = got;
      } else {
        auto [e, got] = co_await socket_.async_read_some(space, use_tuple);
        ec = e;
        n = got;
      }
      read_buffer_.commit(n);
      if (ec == boost::asio::error::eof) {
        // The end of a body that runs to the connection's end, or a body cut short.
        ec = {};
        parser_->put_eof(ec);
        if (ec) co_return std::pair{fail(ec, limit), std::string_view{}};
        break;
      }
      if (ec) co_return std::pair{fail(ec, limit), std::string_view{}};
    }
    const std::size_t got = chunk_size_ - body.size;
    chunk_filled_ = got == chunk_size_;
    co_return std::pair{boost::system::error_code{}, std::string_view(chunk_.get(), got)};
  }

  /// True when the body is complete.
  bool body_done() const noexcept { return parser_ && parser_->is_done(); }

  /// Marks the exchange finished; returns whether the connection may serve
  /// another request: only when its response was read to the end and nothing
  /// followed it (bytes after a response would be taken for the next request's
  /// answer).
  bool finish_exchange() noexcept {
    const bool reusable =
        open_ && parser_ && parser_->is_done() && parser_->keep_alive() && read_buffer_.size() == 0;
    if (reusable) ++exchanges_;
    parser_.reset();
    watchdog_.expires_never();
    return reusable;
  }

 private:
  static constexpr std::size_t max_read_buffer = 128 * 1024;
  static constexpr std::size_t max_head_size = 64 * 1024;
  static constexpr unsigned max_interim_heads = 16;
  static constexpr std::size_t max_connect_answer = 16 * 1024;

  // Asks the proxy for a tunnel to the API's host and reads its answer's head
  // only. A 2xx answer to CONNECT has no body (RFC 9110 section 9.3.6): the
  // parser is told so (skip), and every byte after the head belongs to the
  // tunnel. None can be due yet (the server speaks TLS only after our
  // ClientHello), so bytes the read took beyond the head are refused rather
  // than handed to TLS. Any failure leaves the connection unusable.
  boost::asio::awaitable<boost::system::error_code> async_open_tunnel(step_limit limit, diagnostics& diag) {
    namespace http = boost::beast::http;
    arm(limit);
    auto [write_ec, written] =
        co_await boost::asio::async_write(socket_, boost::asio::buffer(proxy_->connect_request), use_tuple);
    (void)written;
    if (write_ec) co_return translate(write_ec, limit);
    http::response_parser<http::empty_body> answer;
    answer.skip(true);
    answer.header_limit(max_connect_answer);
    boost::beast::flat_buffer buffer(max_connect_answer);
    auto [read_ec, read] = co_await http::async_read_header(socket_, buffer, answer, use_tuple);
    (void)read;
    if (read_ec) {
      // Half an answer, or one that is not HTTP, is final; no answer at all
      // (closed, reset, too slow) is a connection failure like any other.
      const bool garbled = read_ec != http::error::end_of_stream &&
                           (is_http_syntax_error(read_ec) || is_connection_end(read_ec));
      diag.client_message = (garbled ? "a malformed answer from the proxy " : "no answer from the proxy ") +
                            proxy_->name + " to CONNECT (" + read_ec.message() + ")";
      co_return garbled ? make_error_code(client_errc::invalid_response) : translate(read_ec, limit);
    }
    if (auto ec = check_connect_answer(static_cast<int>(answer.get().result_int()), *proxy_, diag)) co_return ec;
    if (buffer.size() != 0) {
      diag.client_message = "the proxy " + proxy_->name + " sent bytes after its answer to CONNECT, before the TLS handshake";
      co_return make_error_code(client_errc::invalid_response);
    }
    co_return boost::system::error_code{};
  }

  void new_parser() {
    parser_.emplace();
    parser_->header_limit(max_head_size);
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());  // the caller enforces its own limit
  }

  // Resolution has no built-in timeout: a timer cancels the resolver. Both are
  // shared with the timer's handler, which may run after this step returned.
  boost::asio::awaitable<std::pair<boost::system::error_code, boost::asio::ip::tcp::resolver::results_type>> resolve(
      const std::string& host, const std::string& port, step_limit limit) {
    using boost::asio::ip::tcp;
    auto ex = socket_.get_executor();
    resolver_ = std::make_shared<tcp::resolver>(ex);
    auto timer = std::make_shared<boost::asio::steady_timer>(ex);
    auto timed_out = std::make_shared<bool>(false);
    if (!limit.unlimited) {
      timer->expires_after(limit.wait);
      timer->async_wait([resolver = resolver_, timed_out](boost::system::error_code ec) {
        if (!ec) {
          *timed_out = true;
          resolver->cancel();
        }
      });
    }
    auto [ec, results] = co_await resolver_->async_resolve(host, port, use_tuple);
    timer->cancel();
    resolver_.reset();
    if (*timed_out) ec = make_error_code(limit.on_expiry);
    co_return std::pair{ec, std::move(results)};
  }

  void arm(const step_limit& limit) {
    if (limit.unlimited)
      watchdog_.expires_never();
    else
      watchdog_.expires_after(limit.wait);
  }

  // A step the watchdog stopped (by closing the socket) failed for its limit.
  boost::system::error_code translate(boost::system::error_code ec, const step_limit& limit) const {
    if (watchdog_.expired()) return make_error_code(limit.on_expiry);
    return ec;
  }

  boost::system::error_code fail(boost::system::error_code ec, const step_limit& limit) {
    abandon();
    return translate(ec, limit);
  }

  // The connection's state is unknown after a failed step: it is never reused.
  void abandon() noexcept {
    open_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  // Declared before what refers to it: destroyed after the TLS layer and the watchdog.
  boost::asio::ip::tcp::socket socket_;
  io_watchdog watchdog_;
  std::optional<tls_socket> tls_;  // https only
  std::optional<handshake_gate::waiter> gate_wait_;  // while waiting for a handshake turn
  bool use_tls_;
  const proxy_route* proxy_;
  bool open_ = false;
  std::size_t exchanges_ = 0;
  unsigned interim_heads_ = 0;
  boost::beast::flat_buffer read_buffer_;
  std::optional<response_parser> parser_;
  boost::system::error_code deferred_error_;  // found after body bytes that were handed out first
  std::unique_ptr<char[]> chunk_;
  std::size_t chunk_size_ = 0;
  bool chunk_filled_ = false;
  std::shared_ptr<boost::asio::ip::tcp::resolver> resolver_;
};

}  // namespace anthropic::detail
