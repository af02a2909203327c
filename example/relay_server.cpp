// relay_server: embedding the client in an asynchronous server.
//
// A small Beast HTTP server: a client POSTs a prompt to /chat and receives the
// model's reply re-streamed to it as server-sent events while it is generated:
//
//   event: delta   data: {"text":"Once upon"}      (one per text delta)
//   event: done    data: {"stop_reason":"end_turn","output_tokens":12}
//   event: error   data: {"type":"overloaded_error","message":"..."}
//
// Every connection is one coroutine on the same io_context thread, sharing one
// anthropic::client (and its connection pool). While relaying, the session also
// watches its client's socket: when the client hangs up, the `||` operator
// cancels the upstream stream, which closes that stream's connection to the API
// at once instead of paying for tokens nobody reads.
//
//   relay_server [--port N]    serve on 127.0.0.1:N (default 8080) until killed;
//                              try: curl -N -d 'Write a story about a fox.' http://127.0.0.1:8080/chat
//   relay_server --self-test   start on an ephemeral port, drive 200 concurrent
//                              clients (20 of them hang up early), verify, exit
// Upstream is the real API when ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN is set,
// else mock_server in-process (always in --self-test).
#include <anthropic/client.hpp>
#include <anthropic/testing/mock_server.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace net = boost::asio;
namespace http = boost::beast::http;
using net::ip::tcp;
using namespace std::chrono_literals;

/// What the server observed; the self-test checks it.
struct relay_stats {
  std::size_t sessions_active = 0;
  std::size_t upstream_completed = 0;  // streams that reached message_stop
  std::size_t upstream_cancelled = 0;  // streams cancelled because their client left
};

std::string sse_event(std::string_view name, const boost::json::value& data) {
  return "event: " + std::string(name) + "\ndata: " + boost::json::serialize(data) + "\n\n";
}

// By value: a coroutine's reference parameters are easy to leave dangling.
net::awaitable<bool> send(tcp::socket& socket, std::string bytes) {
  auto [ec, n] = co_await net::async_write(socket, net::buffer(bytes), net::as_tuple(net::use_awaitable));
  co_return !ec;
}

// The client sends nothing after its request, so any completed read means it
// hung up (EOF or reset). Runs alongside relay_reply.
net::awaitable<void> wait_for_hang_up(tcp::socket& socket) {
  char byte;
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(net::buffer(&byte, 1), net::as_tuple(net::use_awaitable));
    if (ec) co_return;
  }
}

// Streams the model's reply to `prompt` onto `socket` as SSE.
net::awaitable<void> relay_reply(anthropic::client& client, tcp::socket& socket, std::string prompt) {
  // The head first: the client sees at once that its request was accepted. The
  // body ends when the connection closes (the SSE way; no Content-Length).
  if (!co_await send(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                             "Connection: close\r\n\r\n"))
    co_return;
  anthropic::message_request req{
      .model = "claude-sonnet-4-5",
      .max_tokens = 512,
      .messages = {anthropic::user(std::move(prompt))},
  };
  // The no-throw path: a failure becomes an `error` event for this client only.
  anthropic::diagnostics diag;
  auto fail = [&](boost::system::error_code ec) {
    return sse_event("error", {{"type", diag.error_type.empty() ? ec.message() : diag.error_type},
                               {"message", diag.server_message.empty() ? diag.client_message : diag.server_message}});
  };
  auto [ec, stream] = co_await client.async_stream(req, diag, net::as_tuple(net::use_awaitable));
  if (ec) {
    co_await send(socket, fail(ec));
    co_return;
  }
  for (;;) {
    auto [next_ec, event] = co_await stream.async_next(diag, net::as_tuple(net::use_awaitable));
    if (next_ec) {
      co_await send(socket, fail(next_ec));
      co_return;
    }
    if (!event) break;
    // Each event is built before the co_await: g++ 12 rejects a braced JSON
    // initializer inside a co_await expression ("array used as initializer").
    if (auto text = event->text_delta()) {
      std::string delta = sse_event("delta", {{"text", *text}});
      if (!co_await send(socket, std::move(delta))) co_return;
    }
  }
  const anthropic::message& msg = stream.message();
  std::string done = sse_event("done", {{"stop_reason", msg.stop_reason.value_or("")},
                                        {"output_tokens", msg.usage.output_tokens}});
  co_await send(socket, std::move(done));
}

net::awaitable<void> session(tcp::socket socket, anthropic::client& client, relay_stats& stats) {
  ++stats.sessions_active;
  struct leave {
    relay_stats& s;
    ~leave() { --s.sessions_active; }
  } guard{stats};

  boost::beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);  // a prompt, not an upload
  auto [ec, n] = co_await http::async_read(socket, buffer, parser, net::as_tuple(net::use_awaitable));
  if (ec) co_return;
  const auto& req = parser.get();
  if (req.method() != http::verb::post || req.target() != "/chat" || req.body().empty()) {
    co_await send(socket, "HTTP/1.1 404 Not Found\r\nContent-Length: 29\r\nConnection: close\r\n\r\n"
                          "POST a prompt to /chat, please");
    co_return;
  }
  // Whichever ends first cancels the other: a hang-up cancels the upstream stream.
  using namespace net::experimental::awaitable_operators;
  co_await (relay_reply(client, socket, req.body()) || wait_for_hang_up(socket));
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, anthropic::client& client, relay_stats& stats) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;  // e.g. out of descriptors for a moment
    net::co_spawn(acceptor.get_executor(), session(std::move(socket), client, stats), net::detached);
  }
}

//------------------------------------------------------------------------------
// --self-test: many concurrent clients against the relay, some of them rude.

struct self_test_results {
  std::size_t complete = 0;  // replies with the right text and a done event
  std::size_t hung_up = 0;
  std::size_t wrong = 0;
};

net::awaitable<void> test_client(tcp::endpoint relay, int n, bool hang_up_early, self_test_results& results) {
  tcp::socket socket(co_await net::this_coro::executor);
  co_await socket.async_connect(relay, net::use_awaitable);
  std::string prompt = "Write a one-sentence bedtime story about client " + std::to_string(n) + ".";
  std::string request = "POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " +
                        std::to_string(prompt.size()) + "\r\n\r\n" + prompt;
  co_await net::async_write(socket, net::buffer(request), net::use_awaitable);
  std::string received;
  char chunk[4096];
  for (;;) {
    auto [ec, got] = co_await socket.async_read_some(net::buffer(chunk), net::as_tuple(net::use_awaitable));
    if (ec) break;
    received.append(chunk, got);
    if (hang_up_early && received.find("event: delta") != std::string::npos) {
      ++results.hung_up;
      co_return;  // the socket closes here, mid-reply
    }
  }
  // Reassemble the text from the delta events.
  std::string text;
  for (std::size_t pos = 0; (pos = received.find("event: delta\ndata: ", pos)) != std::string::npos;) {
    pos += std::strlen("event: delta\ndata: ");
    auto end = received.find('\n', pos);
    text += boost::json::parse(received.substr(pos, end - pos)).at("text").as_string();
  }
  bool ok = received.starts_with("HTTP/1.1 200") && received.find("event: done") != std::string::npos &&
            text.find("client " + std::to_string(n)) != std::string::npos;
  ++(ok ? results.complete : results.wrong);
}

net::awaitable<bool> self_test(tcp::endpoint relay, const relay_stats& stats) {
  constexpr int clients = 200, rude_every = 10;
  auto ex = co_await net::this_coro::executor;
  self_test_results results;
  int running = clients;
  net::steady_timer all_done(ex, net::steady_timer::time_point::max());
  for (int n = 0; n < clients; ++n) {
    net::co_spawn(ex, test_client(relay, n, n % rude_every == 0, results), [&](std::exception_ptr e) {
      if (e) ++results.wrong;
      if (--running == 0) all_done.cancel();
    });
  }
  co_await all_done.async_wait(net::as_tuple(net::use_awaitable));
  // Hang-ups are noticed asynchronously: give the sessions a moment to wind down.
  net::steady_timer poll(ex);
  for (int i = 0; i < 500 && stats.sessions_active > 0; ++i) {
    poll.expires_after(10ms);
    co_await poll.async_wait(net::use_awaitable);
  }
  const std::size_t rude = clients / rude_every, polite = clients - rude;
  std::cout << "clients: " << results.complete << " complete, " << results.hung_up << " hung up early, "
            << results.wrong << " wrong; upstream streams: " << stats.upstream_completed << " completed, "
            << stats.upstream_cancelled << " cancelled\n";
  bool passed = results.complete == polite && results.hung_up == rude && results.wrong == 0 &&
                stats.upstream_completed == polite && stats.upstream_cancelled == rude && stats.sessions_active == 0;
  if (passed)
    std::cout << "self-test passed: " << clients << " clients on one io_context, every hang-up cancelled its "
              << "upstream stream\n";
  co_return passed;
}

int main(int argc, char** argv) {
  bool self_testing = false;
  unsigned short port = 8080;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--self-test") {
      self_testing = true;
      port = 0;
    } else if (arg == "--port" && i + 1 < argc) {
      port = static_cast<unsigned short>(std::stoul(argv[++i]));
    } else {
      std::cerr << "usage: relay_server [--port N] | --self-test\n";
      return 2;
    }
  }

  net::io_context io(1);
  auto options = anthropic::client_options::from_env();
  std::unique_ptr<anthropic::testing::mock_server> mock;
  if (self_testing || (options.api_key.empty() && options.auth_token.empty())) {
    anthropic::testing::mock_server_options mock_options;
    mock_options.event_delay = 10ms;  // long enough for streams to overlap and for hang-ups mid-reply
    mock = std::make_unique<anthropic::testing::mock_server>(io.get_executor(), mock_options);
    mock->configure_client(options);
    std::cerr << "upstream: the in-process mock server\n";
  }
  // Every concurrent conversation holds one upstream connection while it streams.
  options.max_connections = 512;
  relay_stats stats;
  options.hooks.on_request_end = [&stats](const anthropic::request_info& info, boost::system::error_code ec) {
    if (info.operation != "stream") return;
    if (!ec) ++stats.upstream_completed;
    else if (ec == net::error::operation_aborted) ++stats.upstream_cancelled;
  };
  anthropic::client client(io.get_executor(), options);

  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  acceptor.listen(net::socket_base::max_listen_connections);
  net::co_spawn(io, accept_loop(acceptor, client, stats), net::detached);

  if (!self_testing) {
    std::cout << "relay listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << "/chat\n";
    io.run();
    return 0;
  }
  int status = 1;
  net::co_spawn(io, self_test(acceptor.local_endpoint(), stats), [&](std::exception_ptr e, bool passed) {
    if (e) std::cerr << "self-test failed with an exception\n";
    status = !e && passed ? 0 : 1;
    io.stop();  // the acceptor, the mock server and pooled connections would keep run() going
  });
  io.run();
  return status;
}
