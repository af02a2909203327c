// The code of README's "Using it from C++" section, compiled and run against the
// mock server, so the README cannot drift from the API. Keep the two in sync.
#include "fixture.hpp"

#include <anthropic/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/test/unit_test.hpp>

#include <iostream>
#include <sstream>

namespace readme {

// --- README: create and stream ---------------------------------------------
boost::asio::awaitable<void> story(anthropic::client& client) {
  anthropic::message_request req{
      .model = "claude-sonnet-4-5@20250929",
      .max_tokens = 150,
      .messages = {anthropic::user("Write a one-sentence bedtime story about a unicorn.")},
      .temperature = 0.7,
  };
  anthropic::message msg = co_await client.async_create(req);  // throws anthropic::error_with_diagnostics
  std::cout << msg.text() << " (" << msg.usage.output_tokens << " tokens)\n";

  auto stream = co_await client.async_stream(req);
  while (auto ev = co_await stream.async_next()) {  // null after message_stop
    if (auto text = ev->text_delta()) std::cout << *text;  // a view into the receive buffer
  }
  const anthropic::message& final_message = stream.message();  // accumulated
  std::cout << "\n" << final_message.usage.output_tokens << " tokens\n";
}

// --- README: errors -----------------------------------------------------------
boost::asio::awaitable<void> errors(anthropic::client& client, const anthropic::message_request& req) {
  try {
    co_await client.async_create(req);
  } catch (const anthropic::error_with_diagnostics& e) {
    // "rate_limit_error: ... (HTTP 429, request-id req_...)"
    std::cerr << e.what() << "\n";
  }

  // Without exceptions: the same details in a diagnostics object.
  anthropic::diagnostics diag;
  auto [ec, msg] = co_await client.async_create(req, diag, boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec == anthropic::api_errc::overloaded_error || ec == anthropic::client_errc::idle_timeout)
    std::cerr << "try later: " << diag.server_message << "\n";
  else if (ec)
    std::cerr << ec.message() << " (HTTP " << diag.http_status << ", " << diag.request_id << ")\n";
}

// --- README: timeouts and cancellation ---------------------------------------
anthropic::client_options patient_options() {
  auto opts = anthropic::client_options::from_env();
  opts.timeouts.idle = std::chrono::seconds(30);      // longest silence inside a stream
  opts.timeouts.request = std::chrono::minutes(2);    // the whole request, retries included
  opts.retry.max_retries = 4;
  return opts;
}

boost::asio::awaitable<void> first_event_or_give_up(anthropic::client& client, const anthropic::message_request& req,
                                                    std::chrono::milliseconds patience) {
  using namespace boost::asio::experimental::awaitable_operators;
  auto stream = co_await client.async_stream(req);
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, patience);
  // Whichever finishes first cancels the other; a cancelled stream closes only
  // its own connection. (On Boost >= 1.85: stream.async_next(asio::cancel_after(patience)).)
  auto result = co_await (stream.async_next() || timer.async_wait(boost::asio::use_awaitable));
  if (result.index() == 1) std::cerr << "no event in time\n";
}

}  // namespace readme

BOOST_FIXTURE_TEST_SUITE(readme_snippets, anthropic::test::client_fixture)

BOOST_AUTO_TEST_CASE(snippets_run) {
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  {
    auto opts = readme::patient_options();
    opts.base_url = server.base_url();
    opts.api_key = anthropic::test::test_api_key;
    opts.tls.ca_pem = server.ca_pem();
    opts.retry.max_retries = 0;
    anthropic::client client(io.get_executor(), opts);
    run(readme::story(client));
    server.enqueue(anthropic::testing::reply::error(429, "rate_limit_error", "slow down"));
    server.enqueue(anthropic::testing::reply::error(529, "overloaded_error", "Overloaded"));
    run(readme::errors(client, sample_request()));
    server.enqueue(anthropic::testing::reply::stream().stall_after_events(0, std::chrono::seconds(8)));
    run(readme::first_event_or_give_up(client, sample_request(), std::chrono::milliseconds(200)));
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  BOOST_TEST(out.str().find("tokens") != std::string::npos, out.str());
  BOOST_TEST(err.str().find("rate_limit_error: slow down (HTTP 429, request-id req_") != std::string::npos, err.str());
  BOOST_TEST(err.str().find("try later: Overloaded") != std::string::npos, err.str());
  BOOST_TEST(err.str().find("no event in time") != std::string::npos, err.str());
}

BOOST_AUTO_TEST_SUITE_END()
