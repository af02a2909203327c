// Shared set-up of the client tests: an io_context, a mock_server on it over real
// TLS on 127.0.0.1, and a client that trusts the server's CA.
#pragma once

#include <anthropic/client.hpp>
#include <anthropic/testing/mock_server.hpp>
#include <anthropic/types/builders.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace anthropic::test {

inline constexpr const char* test_api_key = "sk-ant-test-SECRET-0123456789";

/// `opts` with retrying off: a test that provokes a failure sees the first one.
inline client_options without_retries(client_options opts) {
  opts.retry.max_retries = 0;
  return opts;
}

struct client_fixture {
  boost::asio::io_context io;
  testing::mock_server server;

  explicit client_fixture(testing::mock_server_options opts = with_key())
      : server(io.get_executor(), std::move(opts)) {}

  static testing::mock_server_options with_key() {
    testing::mock_server_options opts;
    opts.api_key = test_api_key;
    return opts;
  }

  /// Options for a client of this server: its CA trusted, quick retries.
  client_options options() const {
    client_options opts;
    server.configure_client(opts);  // the server checks test_api_key: the client sends it
    opts.retry.initial_delay = std::chrono::milliseconds(5);
    opts.retry.max_delay = std::chrono::milliseconds(20);
    return opts;
  }

  static message_request sample_request(std::string prompt = "Write a one-sentence bedtime story about a unicorn.") {
    return message_request{.model = "claude-sonnet-4-5@20250929",
                           .max_tokens = 150,
                           .messages = {anthropic::user(std::move(prompt))},
                           .temperature = 0.7};
  }

  /// How a stream read to its end went.
  struct stream_outcome {
    boost::system::error_code error;  ///< of async_stream or the failing async_next; none when complete
    std::size_t events = 0;           ///< events handed out
    std::string delivered_text;       ///< the text deltas handed out, joined
    std::string text;                 ///< the accumulated message's text
    bool complete = false;            ///< stream.complete()
    std::string message_id;           ///< the accumulated message's id
  };

  /// Streams `req` and reads every event until the end or the first error, on
  /// the no-throw path.
  stream_outcome read_stream(anthropic::client& client, message_request req = sample_request()) {
    stream_outcome out;
    run([&]() -> boost::asio::awaitable<void> {
      auto [ec, stream] =
          co_await client.async_stream(std::move(req), boost::asio::as_tuple(boost::asio::use_awaitable));
      out.error = ec;
      while (!out.error) {
        auto [next_ec, ev] = co_await stream.async_next(boost::asio::as_tuple(boost::asio::use_awaitable));
        out.error = next_ec;
        if (!ev) break;
        ++out.events;
        if (auto delta = ev->text_delta()) out.delivered_text += *delta;
      }
      out.text = stream.message().text();
      out.complete = stream.complete();
      out.message_id = stream.message().id;
    }());
    return out;
  }

  /// Runs the io_context until `done()` holds; false if `limit` passed first.
  template <class Predicate>
  bool run_until(Predicate done, std::chrono::seconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(10));
    return done();
  }

  /// Runs `task` to completion on the io_context (and whatever else is queued),
  /// failing the test if it takes longer than `limit`. Exceptions propagate.
  template <class Awaitable>
  void run(Awaitable task, std::chrono::seconds limit = std::chrono::seconds(20)) {
    bool done = false;
    std::exception_ptr error;
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
      error = e;
      done = true;
    });
    BOOST_REQUIRE_MESSAGE(run_until([&] { return done; }, limit), "the test coroutine did not finish in time");
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace anthropic::test
