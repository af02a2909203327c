// The client side of the TLS tests: an io_context on the test's thread, runs
// bounded in time, and a stream read to its end through the public API.
#pragma once

#include "scripted_tls_server.hpp"

#include <anthropic/client.hpp>
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

struct tls_fixture {
  boost::asio::io_context io;

  static message_request sample_request(std::string prompt = "Say hello.") {
    return message_request{.model = "claude-sonnet-4-5", .max_tokens = 100,
                           .messages = {anthropic::user(std::move(prompt))}};
  }

  /// Runs `task` on the io_context; fails the test (instead of hanging) when it
  /// takes longer than `limit`. Exceptions propagate.
  template <class Awaitable>
  void run(Awaitable task, std::chrono::seconds limit = std::chrono::seconds(15)) {
    bool done = false;
    std::exception_ptr error;
    io.restart();  // the last run may have run out of work, which stops the io_context
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
      error = e;
      done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(10));
    BOOST_REQUIRE_MESSAGE(done, "the client did not finish in time");
    if (error) std::rethrow_exception(error);
  }

  /// How a stream read to its end (or first error) went.
  struct stream_outcome {
    boost::system::error_code error;  ///< of async_stream or the failing async_next
    std::size_t events = 0;           ///< events handed out
    std::string delivered_text;       ///< text deltas handed out, joined
    std::string text;                 ///< stream.message().text() at the end
    bool complete = false;
    std::chrono::steady_clock::duration took{};
  };

  stream_outcome read_stream(anthropic::client& client, message_request req = sample_request()) {
    stream_outcome out;
    const auto start = std::chrono::steady_clock::now();
    run([&]() -> boost::asio::awaitable<void> {
      auto op = client.async_stream(req, boost::asio::as_tuple(boost::asio::use_awaitable));
      auto [ec, stream] = co_await std::move(op);
      out.error = ec;
      while (!out.error) {
        auto next = stream.async_next(boost::asio::as_tuple(boost::asio::use_awaitable));
        auto [next_ec, ev] = co_await std::move(next);
        out.error = next_ec;
        if (!ev) break;
        ++out.events;
        if (auto delta = ev->text_delta()) out.delivered_text += *delta;
      }
      out.text = stream.message().text();
      out.complete = stream.complete();
    }());
    out.took = std::chrono::steady_clock::now() - start;
    return out;
  }

  /// Checks that a stream went through whole: no error, every one of `events`
  /// handed out, and `text` both delivered and in the message.
  static void expect_whole_stream(const stream_outcome& streamed, std::size_t events, const std::string& text) {
    BOOST_TEST(!streamed.error, streamed.error.message());
    BOOST_TEST(streamed.complete);
    BOOST_TEST(streamed.events == events);
    BOOST_TEST((streamed.delivered_text == text));
    BOOST_TEST((streamed.text == text));
  }

  /// How a create went: the error, else the message's text.
  struct create_outcome {
    boost::system::error_code error;
    std::string text;
    diagnostics diag;
  };

  create_outcome create(anthropic::client& client, message_request req = sample_request()) {
    create_outcome out;
    run([&]() -> boost::asio::awaitable<void> {
      auto op = client.async_create(req, out.diag, boost::asio::as_tuple(boost::asio::use_awaitable));
      auto [ec, msg] = co_await std::move(op);
      out.error = ec;
      if (!ec) out.text = msg.text();
    }());
    return out;
  }
};

}  // namespace anthropic::test
