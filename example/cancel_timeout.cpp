// cancel_timeout: bounding how long an operation may take.
//
//  1. A deadline for one request: the request raced against a timer with
//     awaitable operators (`||`); whichever finishes first cancels the other.
//     (Boost >= 1.85 can write client.async_create(req, asio::cancel_after(d)).)
//  2. Two models raced in a parallel group: the first good answer wins, the
//     other request is cancelled. Cancelling closes only that request's connection.
//  3. An idle timeout: a stream that goes silent for longer than
//     client_options::timeouts.idle fails with client_errc::idle_timeout.
// Offline (no ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN): mock_server in-process,
// scripted to be slow where each part needs it.
#include "offline.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <iostream>
#include <string>

using namespace std::chrono_literals;

anthropic::message_request story_request(std::string model) {
  return {.model = std::move(model),
          .max_tokens = 150,
          .messages = {anthropic::user("Write a one-sentence bedtime story about a unicorn.")}};
}

// 1. The request, or the timer: a variant tells which finished first.
boost::asio::awaitable<void> request_with_deadline(anthropic::client& client, std::chrono::milliseconds patience) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, patience);
  auto first = co_await (client.async_create(story_request("claude-sonnet-4-5")) ||
                         timer.async_wait(boost::asio::use_awaitable));
  if (first.index() == 0)
    std::cout << "answered within " << patience.count() << " ms: " << std::get<0>(first).text() << "\n";
  else
    std::cout << "no answer within " << patience.count() << " ms: the request was cancelled\n";
}

// 2. Both requests start at once; wait_for_one_success() cancels the slower one.
boost::asio::awaitable<void> race_two_models(anthropic::client& client) {
  using boost::asio::experimental::make_parallel_group;
  using boost::asio::experimental::wait_for_one_success;
  // deferred: the operations start when the group starts them, not here.
  auto [order, sonnet_ec, sonnet, haiku_ec, haiku] =
      co_await make_parallel_group(client.async_create(story_request("claude-sonnet-4-5"), boost::asio::deferred),
                                   client.async_create(story_request("claude-haiku-4-5"), boost::asio::deferred))
          .async_wait(wait_for_one_success(), boost::asio::use_awaitable);
  const bool sonnet_won = order[0] == 0;
  const auto& winner_ec = sonnet_won ? sonnet_ec : haiku_ec;
  if (winner_ec) {
    std::cout << "both models failed: " << winner_ec.message() << "\n";
    co_return;
  }
  std::cout << "winner: " << (sonnet_won ? sonnet.model : haiku.model) << " (the other request was "
            << (sonnet_won ? haiku_ec : sonnet_ec).message() << ")\n";
}

// 3. A stream that stalls: the idle timeout ends it with its own error code.
boost::asio::awaitable<void> stream_with_idle_timeout(anthropic::client& client) {
  try {
    auto stream = co_await client.async_stream(story_request("claude-sonnet-4-5"));
    while (auto event = co_await stream.async_next())
      if (auto text = event->text_delta()) std::cout << *text << std::flush;
    std::cout << "\nthe stream finished without stalling\n";
  } catch (const anthropic::error_with_diagnostics& e) {
    if (e.code() != anthropic::client_errc::idle_timeout) throw;
    std::cout << "\nidle timeout: " << e.what() << "\n";
  }
}

int main() {
  boost::asio::io_context io;
  auto options = anthropic::client_options::from_env();
  std::chrono::milliseconds patience = 30s;

  auto mock = example::mock_unless_credentials(io, options);
  if (mock) {
    using anthropic::testing::reply;
    mock->enqueue(reply::default_reply().delay_head(5s));                // 1: slower than our patience
    mock->enqueue(reply::default_reply().delay_head(2s));                // 2: the first model is slow
    mock->enqueue(reply::default_reply());                               //    the second is not
    mock->enqueue(reply::stream().stall_after_events(4, 5s));            // 3: goes silent mid-stream
    patience = 300ms;
  }
  options.timeouts.idle = 500ms;  // longest silence accepted inside a response

  anthropic::client client(io.get_executor(), options);
  auto all = [&]() -> boost::asio::awaitable<void> {
    co_await request_with_deadline(client, patience);
    co_await race_two_models(client);
    co_await stream_with_idle_timeout(client);
  };
  return example::run_to_end(io, all(), mock.get());
}
