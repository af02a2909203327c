// The two main operations against the mock server over TLS: a complete message,
// and a stream whose events add up to the same message.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;

BOOST_AUTO_TEST_SUITE(create_and_stream)

BOOST_FIXTURE_TEST_CASE(create_returns_the_message, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    anthropic::diagnostics diag;
    auto [ec, first] = co_await client.async_create(sample_request(), diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST_REQUIRE(!ec, ec.message() << " / " << diag.message);
    anthropic::message msg = co_await client.async_create(sample_request());
    BOOST_TEST(!msg.text().empty());
    BOOST_TEST(msg.role == "assistant");
    BOOST_TEST(msg.stop_reason.value_or("") == "end_turn");
    BOOST_TEST(msg.usage.output_tokens > 0u);
  }());
  auto requests = server.requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 2u);
  const auto& r = requests[0];
  BOOST_TEST(r.method == "POST");
  BOOST_TEST(r.target == "/v1/messages");
  BOOST_TEST(r.headers["x-api-key"] == anthropic::test::test_api_key);
  BOOST_TEST(r.headers["anthropic-version"] == "2023-06-01");
  BOOST_TEST(r.headers["content-type"] == "application/json");
  BOOST_TEST(std::string(r.headers["user-agent"]).starts_with("anthropic-asio/"));
  BOOST_TEST(r.body.find("\"stream\"") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(stream_hands_out_events_and_accumulates, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto expected = co_await client.async_create(sample_request());
    auto stream = co_await client.async_stream(sample_request());
    std::string text;
    std::size_t events = 0;
    bool saw_stop = false;
    while (auto ev = co_await stream.async_next()) {
      ++events;
      if (auto delta = ev->text_delta()) text += *delta;
      if (ev->type() == anthropic::event_type::message_stop) saw_stop = true;
    }
    BOOST_TEST(saw_stop);
    BOOST_TEST(events >= 7u);
    BOOST_TEST(stream.complete());
    BOOST_TEST(text == expected.text());
    BOOST_TEST(stream.message().text() == expected.text());
    BOOST_TEST(stream.message().usage.output_tokens == expected.usage.output_tokens);
    BOOST_TEST(!stream.request_id().empty());
    // After the end, async_next keeps reporting the end.
    auto again = co_await stream.async_next();
    BOOST_TEST(again == nullptr);
  }());
  auto requests = server.requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 2u);
  BOOST_TEST(requests[1].body.find("\"stream\":true") != std::string::npos);
  BOOST_TEST(requests[1].headers["accept"] == "text/event-stream");
}

BOOST_FIXTURE_TEST_CASE(count_tokens_returns_input_tokens, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    std::uint64_t n = co_await client.async_count_tokens(sample_request());
    BOOST_TEST(n > 0u);
  }());
  auto requests = server.requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 1u);
  BOOST_TEST(requests[0].target == "/v1/messages/count_tokens");
  BOOST_TEST(requests[0].body.find("max_tokens") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connections)

BOOST_FIXTURE_TEST_CASE(sequential_requests_reuse_one_connection, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) co_await client.async_create(sample_request());
    for (int i = 0; i < 2; ++i) {
      auto stream = co_await client.async_stream(sample_request());
      while (co_await stream.async_next()) {
      }
    }
    co_await client.async_count_tokens(sample_request());
  }());
  BOOST_TEST(server.requests().size() == 6u);
  BOOST_TEST(server.connections_accepted() == 1u);
  for (const auto& r : server.requests()) BOOST_TEST(r.connection_id == 1u);
}

BOOST_FIXTURE_TEST_CASE(connection_close_from_the_server_is_respected, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(anthropic::testing::reply::default_reply().connection_close());
  run([&]() -> asio::awaitable<void> {
    co_await client.async_create(sample_request());
    co_await client.async_create(sample_request());
  }());
  BOOST_TEST(server.connections_accepted() == 2u);
}

BOOST_FIXTURE_TEST_CASE(stale_pooled_connection_is_replaced_without_a_retry, client_fixture) {
  auto opts = options();
  opts.retry.max_retries = 0;  // the replacement must not count as a retry
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> {
    co_await client.async_create(sample_request());
    // The pooled connection is dropped by the server without a response byte.
    server.enqueue(anthropic::testing::reply::default_reply().reset_before_head());
    anthropic::message msg = co_await client.async_create(sample_request());
    BOOST_TEST(!msg.text().empty());
  }());
  BOOST_TEST(server.connections_accepted() == 2u);
}

BOOST_FIXTURE_TEST_CASE(requests_over_the_cap_wait_in_fifo_order, client_fixture) {
  auto opts = options();
  opts.max_connections = 1;
  anthropic::client client(io.get_executor(), opts);
  std::vector<int> finished;
  for (int i = 0; i < 6; ++i)
    client.async_create(sample_request("request number " + std::to_string(i)),
                        [&, i](boost::system::error_code ec, anthropic::message) {
                          BOOST_TEST(!ec);
                          finished.push_back(i);
                        });
  BOOST_REQUIRE(run_until([&] { return finished.size() == 6; }));
  BOOST_TEST(finished == (std::vector<int>{0, 1, 2, 3, 4, 5}));
  BOOST_TEST(server.connections_accepted() == 1u);
  auto requests = server.requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 6u);
  for (std::size_t i = 0; i < requests.size(); ++i)
    BOOST_TEST(requests[i].body.find("request number " + std::to_string(i)) != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(idle_connections_expire, client_fixture) {
  auto opts = options();
  opts.idle_connection_expiry = std::chrono::milliseconds(50);
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> {
    co_await client.async_create(sample_request());
    BOOST_TEST(client.idle_connections() == 1u);
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(150));
    co_await timer.async_wait(asio::use_awaitable);
    BOOST_TEST(client.idle_connections() == 0u);
    BOOST_TEST(client.open_connections() == 0u);
    co_await client.async_create(sample_request());
  }());
  BOOST_TEST(server.connections_accepted() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_headers)

BOOST_FIXTURE_TEST_CASE(auth_token_betas_and_extra_headers_are_sent, client_fixture) {
  auto opts = options();
  opts.api_key.clear();
  opts.auth_token = anthropic::test::test_api_key;
  opts.betas = {"feature-a", "feature-b"};
  opts.headers = {{"x-trace", "abc"}};
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> { co_await client.async_create(sample_request()); }());
  auto r = server.requests().at(0);
  BOOST_TEST(r.headers["authorization"] == std::string("Bearer ") + anthropic::test::test_api_key);
  BOOST_TEST(r.headers.count("x-api-key") == 0u);
  BOOST_TEST(r.headers["anthropic-beta"] == "feature-a,feature-b");
  BOOST_TEST(r.headers["x-trace"] == "abc");
}

BOOST_FIXTURE_TEST_CASE(base_url_path_prefix_is_kept, client_fixture) {
  auto opts = options();
  opts.base_url = server.base_url() + "/prefix/";
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> {
    auto [ec, msg] = co_await client.async_create(sample_request(), asio::as_tuple(asio::use_awaitable));
    (void)ec;  // the mock answers 404 for an unknown path; what matters is the target
  }());
  BOOST_TEST(server.requests().at(0).target == "/prefix/v1/messages");
}

BOOST_AUTO_TEST_SUITE_END()
