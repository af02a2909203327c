// A plain Beast HTTP/1.1 client for driving mock_server in tests (deliberately
// not anthropic::client, so the server is tested on its own). It keeps every
// read with its arrival time, so tests can check timing and framing, and it
// never hangs: each exchange runs the io_context for a bounded time.
#pragma once

#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// GCC 12 at -O1 with sanitizers reports -Wmismatched-new-delete for Asio's
// coroutine frames (its frame operator new and delete do match: a known false
// positive of GCC's coroutine lowering, GCC bug 109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace mock_test {

namespace net = boost::asio;
namespace http = boost::beast::http;
using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct sse_event {
  std::string name;
  std::string data;
  boost::json::value json() const { return boost::json::parse(data); }
};

struct timed_read {
  clock::time_point at;
  std::string bytes;
};

/// One response as the client saw it.
struct response {
  bool head_received = false;
  bool complete = false;                // the body ended as its framing says
  boost::system::error_code read_error;  // why reading stopped early, if it did
  unsigned status = 0;
  http::fields headers;
  std::string body;
  bool chunked = false;
  clock::time_point sent_at;
  std::vector<timed_read> reads;  // every read, head included

  std::string header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
  }
  boost::json::value json() const { return boost::json::parse(body); }

  /// The body as SSE events (the mock writes `event:` and `data:` lines, LF endings).
  std::vector<sse_event> events() const {
    std::vector<sse_event> out;
    std::size_t pos = 0;
    while (pos < body.size()) {
      auto end = body.find("\n\n", pos);
      std::string block = body.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos = end == std::string::npos ? body.size() : end + 2;
      sse_event ev;
      std::size_t line_start = 0;
      while (line_start <= block.size()) {
        auto line_end = block.find('\n', line_start);
        std::string line = block.substr(line_start, line_end == std::string::npos ? std::string::npos
                                                                                   : line_end - line_start);
        if (line.rfind("event: ", 0) == 0) ev.name = line.substr(7);
        if (line.rfind("data: ", 0) == 0) {
          // Appended in place: `(cond ? "" : "\n") + line.substr(6)` draws a false
          // -Wrestrict from GCC 12 at -O3 (GCC bug 105329).
          if (!ev.data.empty()) ev.data += '\n';
          ev.data.append(line, 6);
        }
        if (line_end == std::string::npos) break;
        line_start = line_end + 1;
      }
      if (!ev.name.empty() || !ev.data.empty()) out.push_back(std::move(ev));
    }
    return out;
  }
};

/// Runs `aw` on `io` for at most `limit`; throws if it did not finish.
template <class T>
T run_for(net::io_context& io, net::awaitable<T> aw, std::chrono::milliseconds limit = 20s) {
  std::optional<T> result;
  std::exception_ptr error;
  net::co_spawn(io, std::move(aw), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result.emplace(std::move(value));
  });
  io.restart();
  auto deadline = clock::now() + limit;
  while (!result && !error && clock::now() < deadline) io.run_one_for(deadline - clock::now());
  if (error) std::rethrow_exception(error);
  if (!result) throw std::runtime_error("test client: operation timed out");
  return std::move(*result);
}

/// One client connection (TLS trusting the server's CA, or plain TCP).
class connection {
 public:
  /// Connects; `verify_name` is the host name checked against the certificate.
  connection(net::io_context& io, const anthropic::testing::mock_server& server,
             std::string verify_name = "127.0.0.1", bool trust_server_ca = true)
      : io_(io), tls_ctx_(net::ssl::context::tls_client), socket_(io) {
    net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), server.port());
    if (server.base_url().rfind("https", 0) == 0) {
      if (trust_server_ca) tls_ctx_.add_certificate_authority(net::buffer(server.ca_pem()));
      tls_ctx_.set_verify_mode(net::ssl::verify_peer);
      tls_ = std::make_unique<net::ssl::stream<net::ip::tcp::socket>>(io, tls_ctx_);
      tls_->set_verify_callback(net::ssl::host_name_verification(verify_name));
      handshake_error_ = run_for(io, connect_tls(ep));
    } else {
      handshake_error_ = run_for(io, connect_plain(ep));
    }
  }

  /// The error of connect + TLS handshake (empty on success).
  boost::system::error_code handshake_error() const { return handshake_error_; }

  /// Sends one request and reads the response (or as much as the server sent).
  response exchange(http::verb method, std::string target, std::string body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {},
                    std::chrono::milliseconds limit = 20s) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("anthropic-version", "2023-06-01");
    for (auto& [name, value] : headers) req.set(name, value);
    if (!body.empty() || method == http::verb::post) {
      if (req.find(http::field::content_type) == req.end()) req.set(http::field::content_type, "application/json");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    return run_for(io_, do_exchange(std::move(req)), limit);
  }

  response post(std::string target, std::string body,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    return exchange(http::verb::post, std::move(target), std::move(body), std::move(headers));
  }

  /// Sends raw bytes (for malformed requests) and reads the response.
  response raw(std::string bytes) { return run_for(io_, do_raw(std::move(bytes)), 20s); }

 private:
  net::awaitable<boost::system::error_code> connect_tls(net::ip::tcp::endpoint ep) {
    auto [ec] = co_await tls_->next_layer().async_connect(ep, net::as_tuple(net::use_awaitable));
    if (ec) co_return ec;
    auto [hec] = co_await tls_->async_handshake(net::ssl::stream_base::client, net::as_tuple(net::use_awaitable));
    co_return hec;
  }
  net::awaitable<boost::system::error_code> connect_plain(net::ip::tcp::endpoint ep) {
    auto [ec] = co_await socket_.async_connect(ep, net::as_tuple(net::use_awaitable));
    co_return ec;
  }

  template <class Buffers>
  net::awaitable<boost::system::error_code> write(const Buffers& b) {
    if (tls_) {
      auto [ec, n] = co_await net::async_write(*tls_, b, net::as_tuple(net::use_awaitable));
      co_return ec;
    }
    auto [ec, n] = co_await net::async_write(socket_, b, net::as_tuple(net::use_awaitable));
    co_return ec;
  }

  net::awaitable<std::pair<boost::system::error_code, std::size_t>> read_some(net::mutable_buffer b) {
    if (tls_) {
      auto [ec, n] = co_await tls_->async_read_some(b, net::as_tuple(net::use_awaitable));
      co_return std::pair{ec, n};
    }
    auto [ec, n] = co_await socket_.async_read_some(b, net::as_tuple(net::use_awaitable));
    co_return std::pair{ec, n};
  }

  net::awaitable<response> do_exchange(http::request<http::string_body> req) {
    http::request_serializer<http::string_body> sr(req);
    std::string wire;
    // Serialize into a string first, so one write carries the whole request.
    boost::system::error_code ec;
    while (!sr.is_done()) {
      sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
        for (auto b : boost::beast::buffers_range(buffers)) wire.append(static_cast<const char*>(b.data()), b.size());
        sr.consume(boost::beast::buffer_bytes(buffers));
      });
    }
    co_return co_await do_raw(std::move(wire));
  }

  net::awaitable<response> do_raw(std::string wire) {
    response r;
    r.sent_at = clock::now();
    if (auto ec = co_await write(net::buffer(wire))) {
      r.read_error = ec;
      co_return r;
    }
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(256 * 1024 * 1024);
    std::string pending;
    std::vector<char> buf(64 * 1024);
    bool parse_failed = false;
    while (!parser.is_done() && !parse_failed) {
      auto [ec, n] = co_await read_some(net::buffer(buf));
      if (n > 0) {
        r.reads.push_back({clock::now(), std::string(buf.data(), n)});
        pending.append(buf.data(), n);
        for (;;) {
          boost::system::error_code pec;
          auto used = parser.put(net::buffer(pending), pec);
          pending.erase(0, used);
          if (pec == http::error::need_more) break;
          if (pec) {
            r.read_error = pec;
            parse_failed = true;
            break;
          }
          if (parser.is_done() || used == 0) break;
        }
      }
      if (ec && !parse_failed) {
        if (parser.is_header_done() && !parser.is_done()) {
          boost::system::error_code eof_ec;
          parser.put_eof(eof_ec);  // completes a close-delimited body
          if (!eof_ec) break;
        }
        r.read_error = ec;
        break;
      }
    }
    r.head_received = parser.is_header_done();
    r.complete = parser.is_done();
    if (r.head_received) {
      auto& res = parser.get();
      r.status = res.result_int();
      r.headers = static_cast<const http::fields&>(res);
      r.body = res.body();
      r.chunked = parser.chunked();
    }
    co_return r;
  }

  net::io_context& io_;
  net::ssl::context tls_ctx_;
  std::unique_ptr<net::ssl::stream<net::ip::tcp::socket>> tls_;
  net::ip::tcp::socket socket_;
  boost::system::error_code handshake_error_;
};

/// A Messages request body.
inline std::string message_body(std::string prompt, bool stream = false, std::string extra = {}) {
  boost::json::object body{{"model", "claude-sonnet-4-5@20250929"},
                           {"max_tokens", 150},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", prompt}}}}};
  if (stream) body["stream"] = true;
  if (!extra.empty()) {
    boost::json::value overrides = boost::json::parse(extra);
    for (const auto& kv : overrides.as_object()) body[kv.key()] = kv.value();
  }
  return boost::json::serialize(body);
}

inline const std::string story_prompt = "Write a one-sentence bedtime story about a unicorn.";

}  // namespace mock_test

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
