// Retries as DESIGN.md promises: which failures are retried, how long the client
// waits, and that a stream is never retried once an event reached the caller.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>

namespace asio = boost::asio;
using anthropic::test::client_fixture;
using anthropic::testing::reply;

namespace {

struct retry_fixture : client_fixture {
  unsigned retries_seen = 0;
  std::vector<std::chrono::milliseconds> delays;

  anthropic::client make_client(unsigned max_retries = 2) {
    auto opts = options();
    opts.retry.max_retries = max_retries;
    opts.hooks.on_retry = [this](const anthropic::request_info&, const anthropic::retry_info& r) {
      ++retries_seen;
      delays.push_back(r.delay);
    };
    return anthropic::client(io.get_executor(), opts);
  }

  // async_create through the no-throw path.
  std::pair<boost::system::error_code, anthropic::diagnostics> create(anthropic::client& client) {
    boost::system::error_code result;
    anthropic::diagnostics diag;
    run([&]() -> asio::awaitable<void> {
      auto [ec, msg] = co_await client.async_create(sample_request(), diag, asio::as_tuple(asio::use_awaitable));
      result = ec;
      if (!ec) BOOST_TEST(!msg.text().empty());
    }());
    return {result, diag};
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(retries, retry_fixture)

BOOST_AUTO_TEST_CASE(rate_limit_waits_for_retry_after) {
  auto client = make_client();
  server.enqueue(reply::error(429, "rate_limit_error", "slow down").header("retry-after", "1"));
  const auto start = std::chrono::steady_clock::now();
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec);
  BOOST_TEST((std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(950)));
  BOOST_TEST(server.requests().size() == 2u);
  BOOST_REQUIRE_EQUAL(delays.size(), 1u);
  BOOST_TEST(delays[0].count() == 1000);
}

BOOST_AUTO_TEST_CASE(retry_after_ms_takes_precedence) {
  auto client = make_client();
  server.enqueue(reply::error(429, "rate_limit_error", "slow down").header("retry-after", "30").header("retry-after-ms", "15"));
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec);
  BOOST_REQUIRE_EQUAL(delays.size(), 1u);
  BOOST_TEST(delays[0].count() == 15);
}

BOOST_AUTO_TEST_CASE(overloaded_529_is_retried) {
  auto client = make_client();
  server.enqueue(reply::error(529, "overloaded_error", "Overloaded"));
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec);
  BOOST_TEST(server.requests().size() == 2u);
  BOOST_TEST(retries_seen == 1u);
}

BOOST_AUTO_TEST_CASE(server_errors_are_retried_until_the_limit) {
  auto client = make_client(2);
  server.enqueue(reply::error(500, "api_error", "Internal server error"), 3);
  auto [ec, diag] = create(client);
  BOOST_TEST((ec == anthropic::api_errc::api_error));
  BOOST_TEST(diag.http_status == 500);
  BOOST_TEST(diag.error_type == "api_error");
  BOOST_TEST(diag.message == "Internal server error");
  BOOST_TEST(!diag.request_id.empty());
  BOOST_TEST(server.requests().size() == 3u);
  BOOST_TEST(retries_seen == 2u);
  // Exponential backoff from the (test-sized) initial delay, with jitter.
  BOOST_REQUIRE_EQUAL(delays.size(), 2u);
  BOOST_TEST(delays[0].count() <= 5);
  BOOST_TEST(delays[1].count() <= 10);
  BOOST_TEST(delays[1].count() >= 7);
}

BOOST_AUTO_TEST_CASE(two_server_errors_then_success) {
  auto client = make_client(2);
  server.enqueue(reply::error(500, "api_error", "Internal server error"), 2);
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec);
  BOOST_TEST(server.requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(reset_before_the_response_head_is_retried) {
  auto client = make_client();
  server.enqueue(reply::default_reply().reset_before_head());
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec);
  BOOST_TEST(retries_seen == 1u);
  BOOST_TEST(server.connections_accepted() == 2u);
}

BOOST_AUTO_TEST_CASE(x_should_retry_false_is_obeyed) {
  auto client = make_client();
  server.enqueue(reply::error(500, "api_error", "do not retry").header("x-should-retry", "false"));
  auto [ec, diag] = create(client);
  BOOST_TEST((ec == anthropic::api_errc::api_error));
  BOOST_TEST(server.requests().size() == 1u);
  BOOST_TEST(retries_seen == 0u);
}

BOOST_AUTO_TEST_CASE(x_should_retry_true_is_obeyed_even_for_a_bad_request) {
  auto client = make_client();
  server.enqueue(reply::error(400, "invalid_request_error", "upstream hiccup").header("x-should-retry", "true"));
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(server.requests().size() == 2u);
  BOOST_TEST(retries_seen == 1u);
}

BOOST_AUTO_TEST_CASE(client_errors_are_not_retried) {
  auto client = make_client();
  for (auto [status, type] : {std::pair{400u, "invalid_request_error"}, std::pair{401u, "authentication_error"},
                              std::pair{403u, "permission_error"}, std::pair{404u, "not_found_error"},
                              std::pair{413u, "request_too_large"}}) {
    const auto before = server.requests().size();
    server.enqueue(reply::error(status, type, "no"));
    auto [ec, diag] = create(client);
    BOOST_TEST((ec.category() == anthropic::api_category()));
    BOOST_TEST(diag.http_status == static_cast<int>(status));
    BOOST_TEST(server.requests().size() == before + 1);
  }
  BOOST_TEST(retries_seen == 0u);
}

BOOST_AUTO_TEST_CASE(stream_is_retried_before_its_head) {
  auto client = make_client();
  server.enqueue(reply::error(529, "overloaded_error", "Overloaded"));
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    while (co_await stream.async_next()) {
    }
    BOOST_TEST(stream.complete());
  }());
  BOOST_TEST(server.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(stream_is_not_retried_after_an_event) {
  auto client = make_client();
  server.enqueue(reply::stream().close_after_bytes(400));
  boost::system::error_code final_ec;
  std::size_t events = 0;
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    for (;;) {
      auto [ec, ev] = co_await stream.async_next(asio::as_tuple(asio::use_awaitable));
      if (ec || !ev) {
        final_ec = ec;
        break;
      }
      ++events;
    }
    // What arrived stays readable.
    BOOST_TEST(!stream.message().id.empty());
    BOOST_TEST(!stream.complete());
  }());
  BOOST_TEST(events >= 1u);
  BOOST_TEST((final_ec == anthropic::client_errc::stream_truncated));
  BOOST_TEST(server.requests().size() == 1u);
  BOOST_TEST(retries_seen == 0u);
}

BOOST_AUTO_TEST_CASE(error_event_fails_the_stream_with_its_type) {
  auto client = make_client();
  server.enqueue(reply::stream().error_event_after(3, "overloaded_error", "Overloaded"));
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    try {
      while (co_await stream.async_next()) {
      }
      BOOST_FAIL("the error event did not fail the stream");
    } catch (const anthropic::api_error& e) {
      BOOST_TEST((e.code() == anthropic::api_errc::overloaded_error));
      BOOST_TEST(e.error_type() == "overloaded_error");
      BOOST_TEST(e.server_message() == "Overloaded");
      BOOST_TEST(!e.request_id().empty());
    }
  }());
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
