// The server behind anthropic::testing::mock_server: its acceptor, TLS context,
// script and records, and the coroutines that serve each connection.
// Included by testing/impl/mock_server.ipp only.
#pragma once

#include <anthropic/testing/mock_server.hpp>
#include <anthropic/testing/detail/default_replies.hpp>
#include <anthropic/testing/detail/mock_batches.hpp>
#include <anthropic/testing/detail/mock_files.hpp>
#include <anthropic/testing/detail/mock_paging.hpp>
#include <anthropic/testing/detail/reply_script.hpp>
#include <anthropic/testing/detail/test_certificate.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace anthropic::testing {

namespace detail {

namespace net = boost::asio;
namespace http = boost::beast::http;

/// A response ready to be written: status, head fields and the planned body.
struct prepared_response {
  unsigned status = 200;
  http::fields headers;
  body_plan body;
  bool is_sse = false;
};

inline const char* reason_phrase(unsigned status) {
  if (status == 529) return "Overloaded";  // Anthropic's own status; Beast does not know it
  auto reason = http::obsolete_reason(http::int_to_status(status));
  return reason == "<unknown-status>" ? "Status" : reason.data();
}

// GCC 12, at -O1 with the sanitizers, inlines the allocation of Asio's coroutine
// frames (aligned_alloc behind awaitable_frame_base's operator new) into the
// coroutines below, then takes the frame's own operator delete for a mismatched
// deallocation (-Wmismatched-new-delete). Both are Asio's matching pair: a false
// positive, silenced for this class's coroutines only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

/// Everything the server and its connections share. Lives as long as the
/// longest-running connection (each holds a shared_ptr), so a mock_server can
/// be destroyed while its executor still runs connection handlers.
class mock_server_state : public std::enable_shared_from_this<mock_server_state> {
 public:
  using executor_type = net::strand<net::any_io_executor>;

  mock_server_state(net::any_io_executor ex, mock_server_options opts)
      : executor_(net::make_strand(std::move(ex))), options_(std::move(opts)), acceptor_(executor_) {
    if (options_.use_tls) {
      tls_.emplace(net::ssl::context::tls_server);
      tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3);
      SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
      // Idle connections give their OpenSSL record buffers back: most of the
      // memory of 10,000 open streams would otherwise be those buffers.
      SSL_CTX_set_mode(tls_->native_handle(), SSL_MODE_RELEASE_BUFFERS);
      test_certificate cert(options_.certificate_names);
      cert.install(*tls_);
      ca_pem_ = cert.ca_pem;
    }
    net::ip::tcp::endpoint ep(net::ip::make_address_v4("127.0.0.1"), options_.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(net::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    batches_.emplace(options_.batch_processing_time, options_.tokens_per_reply,
                     std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_),
                     [this](const char* prefix) { return next_id(prefix); });
    files_.emplace(options_.max_file_size, [this](const char* prefix) { return next_id(prefix); });
  }

  void start() {
    net::co_spawn(executor_, accept_loop(shared_from_this()), net::detached);
  }

  /// Closes the acceptor and every connection. Runs on the strand.
  void close_all() {
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& [id, live] : live_) {
      live.socket->close(ignored);
      live.timer->cancel();
    }
  }

  const executor_type& get_executor() const noexcept { return executor_; }
  unsigned short port() const noexcept { return port_; }
  bool uses_tls() const noexcept { return tls_.has_value(); }
  const std::string& ca_pem() const noexcept { return ca_pem_; }
  const std::string& api_key() const noexcept { return options_.api_key; }
  std::size_t connections_accepted() const noexcept { return connections_.load(); }

  void enqueue(reply r, std::size_t times) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < times; ++i) script_.push_back(r);
  }

  void fail_connections(connection_fault fault, std::size_t count) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < count; ++i) connection_faults_.push_back(fault);
  }

  std::vector<recorded_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  bool expire_batch(std::string_view id) { return batches_->expire(id); }

  std::string add_file(std::string filename, std::string mime_type, std::string bytes, bool downloadable) {
    return files_->add(std::move(filename), std::move(mime_type), std::move(bytes), downloadable);
  }

 private:
  struct live_connection {
    net::ip::tcp::socket* socket;
    net::steady_timer* timer;
  };

  // Removes a connection from the registry when its coroutine ends, however it ends.
  struct registration {
    mock_server_state& state;
    std::size_t id;
    ~registration() { state.live_.erase(id); }
  };

  static net::awaitable<void> accept_loop(std::shared_ptr<mock_server_state> self) {
    net::steady_timer backoff(self->executor_);
    while (!self->stopped_) {
      auto [ec, socket] = co_await self->acceptor_.async_accept(net::as_tuple(net::use_awaitable));
      if (self->stopped_ || ec == net::error::operation_aborted) co_return;
      if (ec) {
        // Out of descriptors (EMFILE) and the like: wait instead of spinning.
        backoff.expires_after(std::chrono::milliseconds(20));
        co_await backoff.async_wait(net::as_tuple(net::use_awaitable));
        continue;
      }
      std::size_t id = ++self->connections_;
      net::co_spawn(self->executor_, run_connection(self, std::move(socket), id), net::detached);
    }
  }

  static net::awaitable<void> run_connection(std::shared_ptr<mock_server_state> self,
                                             net::ip::tcp::socket socket, std::size_t id) {
    try {
      net::steady_timer timer(self->executor_);
      if (auto fault = self->next_connection_fault()) {
        self->live_.emplace(id, live_connection{&socket, &timer});
        registration reg{*self, id};
        co_await inflict(socket, *fault);
        co_return;
      }
      if (self->tls_) {
        net::ssl::stream<net::ip::tcp::socket> stream(std::move(socket), *self->tls_);
        self->live_.emplace(id, live_connection{&stream.next_layer(), &timer});
        registration reg{*self, id};
        auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, net::as_tuple(net::use_awaitable));
        const bool resumed = !ec && SSL_session_reused(stream.native_handle()) == 1;
        if (!ec && !self->stopped_) co_await self->serve(stream, timer, id, resumed);
      } else {
        self->live_.emplace(id, live_connection{&socket, &timer});
        registration reg{*self, id};
        if (!self->stopped_) co_await self->serve(socket, timer, id, false);
      }
    } catch (const std::exception&) {
      // A test server never takes its process down: the connection just ends.
    }
  }

  template <class Stream>
  net::awaitable<void> serve(Stream& stream, net::steady_timer& timer, std::size_t connection_id,
                             bool tls_resumed) {
    // The buffer holds one request head and body chunks at a time; it grows on
    // demand (starting at 512 bytes) and shrinks again between requests.
    boost::beast::flat_buffer buffer(64 * 1024 * 1024);
    for (;;) {
      // Optional so that the request (fields and body) is freed before a long
      // streamed response starts: an open stream keeps only its pending events.
      // The API's request size limit (spec section 2), except for a file
      // upload, which may carry a whole file (and its form framing). Beast
      // checks a Content-Length against the limit while reading the head, so
      // the head is read under the larger one.
      constexpr std::uint64_t request_limit = 32 * 1024 * 1024;
      std::optional<http::request_parser<http::string_body>> parser(std::in_place);
      parser->body_limit(std::max(request_limit, files_->max_size() + 64 * 1024));
      auto [ec, n] = co_await http::async_read_header(stream, buffer, *parser, net::as_tuple(net::use_awaitable));
      if (!ec && !parser->get().target().starts_with("/v1/files")) {
        if (parser->content_length().value_or(0) > request_limit)
          ec = http::error::body_limit;
        else
          parser->body_limit(request_limit);  // a chunked body is checked as it arrives
      }
      if (!ec) std::tie(ec, n) = co_await http::async_read(stream, buffer, *parser, net::as_tuple(net::use_awaitable));
      if (ec) {
        if (ec == http::error::body_limit) {
          co_await write_response(stream, timer, simple_error(413, "request_too_large", "Request exceeds the maximum allowed number of bytes."), false);
        } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
                   ec != http::error::end_of_stream && ec != http::error::partial_message) {
          // A request Beast cannot parse: answer like a server would, then hang up.
          co_await write_response(stream, timer, simple_error(400, "invalid_request_error", "Malformed HTTP request."), false);
        }
        break;
      }
      auto& req = parser->get();
      record(req, connection_id, tls_resumed);
      reply_script script = next_script();
      bool keep_alive = req.keep_alive() && !script.close_connection;
      prepared_response response = prepare(req, script);
      parser.reset();
      buffer.shrink_to_fit();
      if (!keep_alive) response.headers.set(http::field::connection, "close");
      bool completed = co_await write_response(stream, timer, std::move(response), script.one_byte_writes,
                                               &script);
      if (!completed || !keep_alive || stopped_) break;
    }
    co_await graceful_close(stream, timer);
  }

  static prepared_response simple_error(unsigned status, std::string_view type, std::string_view message) {
    prepared_response r;
    r.status = status;
    r.headers.set(http::field::content_type, "application/json");
    r.body.pieces.push_back({error_body(type, message, {}), {}});
    return r;
  }

  void record(const http::request<http::string_body>& req, std::size_t connection_id, bool tls_resumed) {
    recorded_request rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    rec.headers = static_cast<const http::fields&>(req);
    rec.body = req.body();
    rec.connection_id = connection_id;
    rec.tls_resumed = tls_resumed;
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(rec));
  }

  std::optional<connection_fault> next_connection_fault() {
    std::lock_guard lock(mutex_);
    if (connection_faults_.empty()) return std::nullopt;
    auto fault = connection_faults_.front();
    connection_faults_.pop_front();
    return fault;
  }

  static void drop(net::ip::tcp::socket& socket, bool with_reset) {
    boost::system::error_code ignored;
    if (with_reset) socket.set_option(net::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
  }

  static net::awaitable<void> inflict(net::ip::tcp::socket& socket, connection_fault fault) {
    switch (fault) {
      case connection_fault::reset: break;
      case connection_fault::not_tls:
        co_await net::async_write(socket, net::buffer(std::string_view("HTTP/1.1 400 Bad Request\r\n\r\n")),
                                  net::as_tuple(net::use_awaitable));
        break;
      case connection_fault::stall:
        // Reads (and ignores) whatever comes until the client gives up or the server stops.
        for (char sink[1024];;) {
          auto [ec, n] = co_await socket.async_read_some(net::buffer(sink), net::as_tuple(net::use_awaitable));
          if (ec) break;
        }
        break;
    }
    drop(socket, fault == connection_fault::reset);
  }

  reply_script next_script() {
    std::lock_guard lock(mutex_);
    if (script_.empty()) return {};
    reply_script s = script_.front().script();
    script_.pop_front();
    return s;
  }

  std::string next_id(const char* prefix) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%020llu", prefix, static_cast<unsigned long long>(++ids_));
    return buf;
  }

  /// Turns the request and its script into status, head fields and timed body pieces.
  prepared_response prepare(const http::request<http::string_body>& req, const reply_script& script) {
    prepared_response r;
    std::string request_id = next_id("req_mock");
    if (script.kind == reply_script::source::fixed) {
      r.status = script.status;
      std::string body = script.error_type.empty()
                             ? script.body
                             : error_body(script.error_type, script.error_message, request_id);
      if (!script.content_type.empty()) r.headers.set(http::field::content_type, script.content_type);
      r.is_sse = script.body_is_sse;
      if (r.is_sse)
        r.body = plan_sse_body(split_sse_events(body), script, options_.event_delay);
      else
        r.body.pieces.push_back({std::move(body), {}});
    } else {
      answer(req, script.kind == reply_script::source::message_stream, request_id, script, r);
    }
    if (script.status_override) r.status = *script.status_override;
    r.headers.set("request-id", request_id);
    for (const auto& f : script.headers) r.headers.set(f.name_string(), f.value());
    return r;
  }

  void set_json(prepared_response& r, unsigned status, std::string body) {
    r.status = status;
    r.headers.set(http::field::content_type, "application/json");
    r.body.pieces.push_back({std::move(body), {}});
  }

  void set_error(prepared_response& r, unsigned status, std::string_view type, std::string_view message,
                 std::string_view request_id) {
    set_json(r, status, error_body(type, message, request_id));
  }

  bool authorized(const http::request<http::string_body>& req) const {
    if (options_.api_key.empty()) return true;
    if (auto it = req.find("x-api-key"); it != req.end() && it->value() == options_.api_key) return true;
    auto it = req.find(http::field::authorization);
    return it != req.end() && it->value() == "Bearer " + options_.api_key;
  }

  // What the endpoint answers: the API's validation first, then a default reply.
  void answer(const http::request<http::string_body>& req, bool force_stream, const std::string& request_id,
              const reply_script& script, prepared_response& r) {
    if (!authorized(req)) {
      set_error(r, 401, "authentication_error", "invalid x-api-key", request_id);
      return;
    }
    std::string_view target = req.target();
    std::string_view path = target.substr(0, target.find('?'));
    bool is_post = req.method() == http::verb::post, is_get = req.method() == http::verb::get;
    if (is_get && (path == "/v1/models" || path.starts_with("/v1/models/"))) {
      set_answer(r, answer_models(path, target), request_id);
      return;
    }
    if (path == "/v1/files" || path.starts_with("/v1/files/")) {
      set_answer(r,
                 files_->answer(req.method(), path, target, req["anthropic-beta"], req[http::field::content_type],
                                req.body()),
                 request_id);
      return;
    }
    if (path == "/v1/messages/batches" || path.starts_with("/v1/messages/batches/")) {
      set_answer(r, batches_->answer(req.method(), path, target, req.body()), request_id);
      return;
    }
    bool is_messages = is_post && path == "/v1/messages";
    bool is_count = is_post && path == "/v1/messages/count_tokens";
    if (!is_messages && !is_count && !force_stream) {
      set_error(r, 404, "not_found_error", "The requested resource could not be found.", request_id);
      return;
    }
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(req.body(), ec);
    const boost::json::object* request = body.if_object();
    if (force_stream && !request) {
      body = boost::json::object{};
      request = body.if_object();
    } else if (ec || !request) {
      set_error(r, 400, "invalid_request_error", "There was an error parsing the body of your request: it is not a JSON object.", request_id);
      return;
    }
    if (!force_stream) {
      if (auto problem = request_problem(*request, is_messages)) {
        set_error(r, 400, "invalid_request_error", *problem, request_id);
        return;
      }
    }
    if (is_count) {
      set_json(r, 200, boost::json::serialize(boost::json::object{{"input_tokens", estimate_input_tokens(*request)}}));
      return;
    }
    planned_message msg = plan_message(*request, options_.tokens_per_reply, next_id("msg_mock"));
    const auto* stream = request->if_contains("stream");
    if (force_stream || (stream && stream->is_bool() && stream->get_bool())) {
      r.is_sse = true;
      r.headers.set(http::field::content_type, "text/event-stream");
      r.headers.set(http::field::cache_control, "no-cache");
      r.body = plan_sse_body(message_events(msg), script, options_.event_delay);
    } else {
      set_json(r, 200, boost::json::serialize(message_json(msg)));
    }
  }

  static endpoint_answer answer_models(std::string_view path, std::string_view target) {
    boost::json::array models = known_models();
    if (path == "/v1/models") return page_of(models, target);
    auto id = decoded_segment(path.substr(std::string_view("/v1/models/").size()));
    for (const auto& m : models)
      if (m.get_object().at("id").get_string() == id) return endpoint_answer::json(m);
    return endpoint_answer::error(404, "not_found_error", "model: " + id);
  }

  void set_answer(prepared_response& r, const endpoint_answer& a, std::string_view request_id) {
    if (!a.error_type.empty()) return set_error(r, a.status, a.error_type, a.message, request_id);
    r.status = a.status;
    r.headers.set(http::field::content_type, a.content_type);
    r.body.pieces.push_back({a.body, {}});
  }

  template <class Stream>
  static net::ip::tcp::socket& socket_of(Stream& s) {
    if constexpr (std::is_same_v<Stream, net::ip::tcp::socket>)
      return s;
    else
      return s.next_layer();
  }

  template <class Stream>
  static net::awaitable<bool> write_bytes(Stream& stream, std::string_view bytes, bool one_byte) {
    if (!one_byte) {
      auto [ec, n] = co_await net::async_write(stream, net::buffer(bytes), net::as_tuple(net::use_awaitable));
      co_return !ec;
    }
    for (char c : bytes) {
      auto [ec, n] = co_await net::async_write(stream, net::buffer(&c, 1), net::as_tuple(net::use_awaitable));
      if (ec) co_return false;
    }
    co_return true;
  }

  net::awaitable<bool> pause(net::steady_timer& timer, std::chrono::milliseconds d) {
    if (d.count() <= 0) co_return !stopped_;
    timer.expires_after(d);
    auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    co_return !ec && !stopped_;
  }

  /// Writes one response; false when the connection must not be reused
  /// (dropped on purpose, failed, or the server is stopping).
  template <class Stream>
  net::awaitable<bool> write_response(Stream& stream, net::steady_timer& timer, prepared_response r,
                                      bool one_byte, const reply_script* script = nullptr) {
    static const reply_script no_script;
    const reply_script& s = script ? *script : no_script;
    if (!co_await pause(timer, s.head_delay)) co_return false;
    if (s.reset_before_head) {
      drop(socket_of(stream), s.drop_with_reset);
      co_return false;
    }
    if (s.raw_response) {
      if (co_await write_bytes(stream, *s.raw_response, one_byte) && s.hold_body_open)
        co_await hold_open(stream, timer);
      co_return false;
    }
    if (!s.before_head.empty() && !co_await write_bytes(stream, s.before_head, one_byte)) co_return false;
    if (s.body_delay.count() > 0 && !r.body.pieces.empty()) r.body.pieces.front().pause_before += s.body_delay;
    auto framing = s.body_framing;
    if (framing == reply_script::framing::automatic)
      framing = r.is_sse ? reply_script::framing::chunked : reply_script::framing::content_length;
    if (framing == reply_script::framing::chunked) {
      r.headers.set(http::field::transfer_encoding, "chunked");
    } else if (framing == reply_script::framing::content_length) {
      std::size_t total = 0;
      for (const auto& p : r.body.pieces) total += p.bytes.size();
      r.headers.set(http::field::content_length, std::to_string(total));
    }
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) + "\r\n";
    for (const auto& f : r.headers) {
      head.append(f.name_string()).append(": ").append(f.value()).append("\r\n");
    }
    head += "\r\n";
    if (!co_await write_bytes(stream, head, one_byte)) co_return false;

    // Every body fault starts a piece of its own, so the loop below acts
    // between pieces only.
    for (const auto& at : {s.close_after_body_bytes, s.stall_after_body_bytes, s.corrupt_after_body_bytes})
      if (at) split_body_at(r.body, *at);
    std::size_t offset = 0;  // body bytes written so far
    for (auto& piece : r.body.pieces) {
      if (s.close_after_body_bytes && offset >= *s.close_after_body_bytes) {
        co_await drop_after_writes(stream, timer, s.drop_with_reset);
        co_return false;
      }
      if (s.stall_after_body_bytes == offset && !co_await pause(timer, s.body_stall)) co_return false;
      if (!co_await pause(timer, piece.pause_before)) co_return false;
      if (s.corrupt_after_body_bytes && offset >= *s.corrupt_after_body_bytes)
        piece.bytes.assign(piece.bytes.size(), '\x01');
      offset += piece.bytes.size();
      if (piece.bytes.empty()) continue;
      std::string wire;
      if (framing == reply_script::framing::chunked && !piece.unframed) {
        char size[20];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.bytes.size());
        wire.append(size).append(piece.bytes).append("\r\n");
      } else {
        wire = std::move(piece.bytes);
      }
      if (!co_await write_bytes(stream, wire, one_byte)) co_return false;
    }
    if (r.body.abort_after) {
      co_await drop_after_writes(stream, timer, s.drop_with_reset);
      co_return false;
    }
    if (s.hold_body_open) {
      co_await hold_open(stream, timer);
      co_return false;
    }
    if (framing == reply_script::framing::chunked && !co_await write_bytes(stream, "0\r\n\r\n", one_byte))
      co_return false;
    co_return framing != reply_script::framing::close_delimited;
  }

  // A reset discards what the client has not read yet: before one, the client
  // gets a moment (generous, for sanitizer builds on busy machines) to read
  // what was written, as when a connection breaks a while after its last
  // bytes, so that a test sees the fault where it was scripted.
  template <class Stream>
  net::awaitable<void> drop_after_writes(Stream& stream, net::steady_timer& timer, bool with_reset) {
    if (with_reset) co_await pause(timer, std::chrono::milliseconds(200));
    drop(socket_of(stream), with_reset);
  }

  // Waits for the client to give up (or the server to stop), reading nothing.
  template <class Stream>
  net::awaitable<void> hold_open(Stream& stream, net::steady_timer& timer) {
    while (co_await pause(timer, std::chrono::milliseconds(100))) {
      if (!socket_of(stream).is_open()) break;
      char probe;
      boost::system::error_code probe_ec;
      socket_of(stream).non_blocking(true, probe_ec);
      auto n = socket_of(stream).receive(net::buffer(&probe, 1), net::socket_base::message_peek, probe_ec);
      if ((!probe_ec && n == 0) || (probe_ec && probe_ec != net::error::would_block)) break;
    }
  }

  // Ends a connection the way a server should: TLS close_notify (not waiting
  // long for the peer's), then the socket.
  template <class Stream>
  net::awaitable<void> graceful_close(Stream& stream, net::steady_timer& timer) {
    boost::system::error_code ignored;
    if constexpr (!std::is_same_v<Stream, net::ip::tcp::socket>) {
      if (stream.next_layer().is_open() && !stopped_) {
        using namespace net::experimental::awaitable_operators;
        timer.expires_after(std::chrono::milliseconds(500));
        co_await (stream.async_shutdown(net::as_tuple(net::use_awaitable)) ||
                  timer.async_wait(net::as_tuple(net::use_awaitable)));
      }
    }
    socket_of(stream).shutdown(net::socket_base::shutdown_both, ignored);
    socket_of(stream).close(ignored);
  }

  executor_type executor_;
  mock_server_options options_;
  std::optional<net::ssl::context> tls_;
  std::string ca_pem_;
  net::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;

  // Touched only on the strand.
  bool stopped_ = false;
  std::unordered_map<std::size_t, live_connection> live_;
  std::atomic<std::uint64_t> ids_{0};  // the batch store draws ids from other threads too
  std::optional<batch_store> batches_;
  std::optional<file_store> files_;

  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mutex_;  // guards script_ and requests_, which other threads use
  std::deque<reply> script_;
  std::deque<connection_fault> connection_faults_;
  std::vector<recorded_request> requests_;
};

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace detail

}  // namespace anthropic::testing
