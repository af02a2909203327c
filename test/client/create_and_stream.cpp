// The two main operations against the mock server over TLS: a complete message,
// and a stream whose events add up to the same message.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;

BOOST_AUTO_TEST_SUITE(create_and_stream)

BOOST_FIXTURE_TEST_CASE(create_returns_the_message, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    anthropic::diagnostics diag;
    auto [ec, first] = co_await client.async_create(sample_request(), diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST_REQUIRE(!ec, anthropic::error_with_diagnostics::describe(ec, diag));
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

namespace {

// A stream's events, sent as one body in one write (reply::sse would write them
// one by one), so that most events are already received when async_next is
// called: they are handed out without any I/O.
anthropic::testing::reply in_one_write(std::string transcript) {
  return anthropic::testing::reply::json(std::move(transcript)).header("content-type", "text/event-stream");
}

std::string sse_transcript(std::string_view after_deltas) {
  auto event = [](std::string_view type, std::string_view data) {
    return "event: " + std::string(type) + "\ndata: " + std::string(data) + "\n\n";
  };
  std::string t =
      event("message_start",
            R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m",)"
            R"("content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}})") +
      event("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
      event("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})") +
      event("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}})");
  return t + std::string(after_deltas);
}

constexpr std::string_view sse_ending =
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

}  // namespace

BOOST_FIXTURE_TEST_CASE(events_received_together_are_handed_out_in_order, client_fixture) {
  server.enqueue(in_one_write(sse_transcript(sse_ending)));
  auto opts = options();
  int usage_reports = 0;
  opts.hooks.on_usage = [&](const anthropic::request_info&, const anthropic::usage& u) {
    ++usage_reports;
    BOOST_TEST(u.output_tokens == 2u);
  };
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    std::vector<std::string> types;
    std::string text;
    while (auto ev = co_await stream.async_next()) {
      types.emplace_back(ev->type_name());
      if (auto delta = ev->text_delta()) text += *delta;
    }
    const std::vector<std::string> expected{"message_start",       "content_block_start", "content_block_delta",
                                            "content_block_delta", "content_block_stop",  "message_delta",
                                            "message_stop"};
    BOOST_TEST(types == expected, boost::test_tools::per_element());
    BOOST_TEST(text == "Hello there");
    BOOST_TEST(stream.message().text() == "Hello there");
    BOOST_TEST(stream.message().stop_reason.value_or("") == "end_turn");
  }());
  BOOST_TEST(usage_reports == 1);
  // The stream ended cleanly, so its connection goes back to the pool once the
  // rest of its body (the last chunk) was read in the background.
  BOOST_TEST(run_until([&] { return client.idle_connections() == 1u; }));
}

BOOST_FIXTURE_TEST_CASE(bad_event_among_received_ones_fails_after_the_good_ones, client_fixture) {
  server.enqueue(in_one_write(sse_transcript("event: content_block_delta\ndata: {\"type\":\n\n")));
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    std::size_t good = 0;
    anthropic::diagnostics diag;
    for (;;) {
      auto [ec, ev] = co_await stream.async_next(diag, asio::as_tuple(asio::use_awaitable));
      if (!ec) {
        BOOST_TEST_REQUIRE(ev != nullptr);
        ++good;
        continue;
      }
      BOOST_TEST((ec == anthropic::client_errc::invalid_json), ec.message());
      BOOST_TEST(diag.client_message.find("content_block_delta") != std::string::npos, diag.client_message);
      break;
    }
    BOOST_TEST(good == 4u);
    BOOST_TEST(stream.message().text() == "Hello there");  // what arrived stays readable
    auto [again, none] = co_await stream.async_next(asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((again == anthropic::client_errc::invalid_json));
    BOOST_TEST(none == nullptr);
  }());
  BOOST_TEST(client.idle_connections() == 0u);  // a failed stream's connection is closed
}

BOOST_FIXTURE_TEST_CASE(second_next_before_the_first_completes_is_refused, client_fixture) {
  server.enqueue(in_one_write(sse_transcript(sse_ending)));
  anthropic::client client(io.get_executor(), options());
  anthropic::message_stream stream;
  run([&]() -> asio::awaitable<void> {
    stream = co_await client.async_stream(sample_request());
    co_await stream.async_next();  // message_start: the rest is now received
  }());
  std::vector<boost::system::error_code> results;
  auto record = [&](boost::system::error_code ec, const anthropic::stream_event*) { results.push_back(ec); };
  stream.async_next(record);
  stream.async_next(record);
  BOOST_TEST(results.empty());  // never completed inline
  BOOST_TEST(run_until([&] { return results.size() == 2; }));
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  // Whichever completes first (a refusal is posted at once, an event may need a
  // read), one call got its event and the other was refused.
  const auto refused = std::count(results.begin(), results.end(), anthropic::client_errc::operation_in_progress);
  BOOST_TEST(refused == 1);
  BOOST_TEST(std::count(results.begin(), results.end(), boost::system::error_code{}) == 1);
  // The refused call changed nothing: the stream goes on with the next event.
  bool done = false;
  run([&]() -> asio::awaitable<void> {
    std::size_t rest = 0;
    while (co_await stream.async_next()) ++rest;
    BOOST_TEST(rest == 5u);  // both deltas, content_block_stop, message_delta, message_stop
    done = true;
  }());
  BOOST_TEST(done);
}

// The same with two coroutines on the client's executor, whose reads run in
// the awaiting coroutine itself: while the first waits for bytes the server
// holds back, the second is refused at once, and the first then gets its event.
// (The server holds them back long enough for a slow, sanitized build to
// start both coroutines before they arrive.)
BOOST_FIXTURE_TEST_CASE(second_coroutine_awaiting_the_same_stream_is_refused, client_fixture) {
  server.enqueue(anthropic::testing::reply::stream().stall_after_events(2, std::chrono::milliseconds(1500)));
  anthropic::client client(io.get_executor(), options());
  anthropic::message_stream stream;
  run([&]() -> asio::awaitable<void> {
    stream = co_await client.async_stream(sample_request());
    co_await stream.async_next();  // message_start
    co_await stream.async_next();  // content_block_start: the server now stalls
  }());
  std::vector<boost::system::error_code> order;
  const anthropic::stream_event* first_event = nullptr;
  auto await_next = [&](bool first) -> asio::awaitable<void> {
    auto [ec, event] = co_await stream.async_next(asio::as_tuple(asio::use_awaitable));
    order.push_back(ec);
    if (first) first_event = event;
  };
  asio::co_spawn(io, await_next(true), asio::detached);
  asio::co_spawn(io, await_next(false), asio::detached);
  BOOST_REQUIRE(run_until([&] { return order.size() == 2; }));
  BOOST_TEST((order[0] == anthropic::client_errc::operation_in_progress), order[0].message());
  BOOST_TEST(!order[1], order[1].message());
  BOOST_REQUIRE(first_event);  // the third event, after the stall
  // The stream goes on to its end; its text is the whole reply's.
  run([&]() -> asio::awaitable<void> {
    while (co_await stream.async_next()) {
    }
  }());
  BOOST_TEST(stream.complete());
  BOOST_TEST(!stream.message().text().empty());
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
    BOOST_TEST(client.connection_slots_in_use() == 0u);
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
