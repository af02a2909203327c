// Per-call settings (request_options) over the client's, the response metadata
// of creates, errors and streams, and creates whose max_tokens needs streaming.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;
using anthropic::testing::reply;
using namespace std::chrono_literals;

namespace {

constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

struct options_fixture : client_fixture {
  // A create on the no-throw path, with or without per-call settings.
  struct create_result {
    boost::system::error_code ec;
    anthropic::message msg;
    anthropic::diagnostics diag;
  };
  create_result create(anthropic::client& client, const anthropic::message_request& req,
                       const anthropic::request_options* call_options = nullptr) {
    create_result out;
    run([&]() -> asio::awaitable<void> {
      if (call_options) {
        auto [ec, msg] = co_await client.async_create(req, *call_options, out.diag, no_throw);
        out.ec = ec;
        out.msg = std::move(msg);
      } else {
        auto [ec, msg] = co_await client.async_create(req, out.diag, no_throw);
        out.ec = ec;
        out.msg = std::move(msg);
      }
    }());
    return out;
  }

  std::string header_of(std::size_t request, std::string_view name) const {
    const auto seen = server.requests();
    BOOST_REQUIRE_LT(request, seen.size());
    return std::string(seen[request].headers[name]);
  }

  std::size_t header_count(std::size_t request, std::string_view name) const {
    const auto seen = server.requests();
    BOOST_REQUIRE_LT(request, seen.size());
    return static_cast<std::size_t>(std::distance(seen[request].headers.equal_range(name).first,
                                                  seen[request].headers.equal_range(name).second));
  }
};

bool body_streams(const anthropic::testing::recorded_request& request) {
  const auto body = boost::json::parse(request.body).as_object();
  const auto* stream = body.if_contains("stream");
  return stream && stream->is_bool() && stream->as_bool();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(request_options, options_fixture)

BOOST_AUTO_TEST_CASE(per_call_headers_and_betas_extend_the_clients_for_that_call_only) {
  auto opts = options();
  opts.betas = {"client-beta"};
  opts.headers = {{"x-team", "client"}, {"x-kept", "yes"}};
  anthropic::client client(io.get_executor(), opts);
  anthropic::request_options call;
  call.headers = {{"X-Team", "call"}};
  call.betas = {"call-beta", "client-beta"};
  call.idempotency_key = "order-42";

  BOOST_TEST(!create(client, sample_request(), &call).ec);
  BOOST_TEST(header_of(0, "x-team") == "call");
  BOOST_TEST(header_count(0, "x-team") == 1u);  // replaced, not added
  BOOST_TEST(header_of(0, "x-kept") == "yes");
  BOOST_TEST(header_of(0, "anthropic-beta") == "client-beta,call-beta");
  BOOST_TEST(header_of(0, "idempotency-key") == "order-42");

  // The next call without options has the client's headers again.
  BOOST_TEST(!create(client, sample_request()).ec);
  BOOST_TEST(header_of(1, "x-team") == "client");
  BOOST_TEST(header_of(1, "anthropic-beta") == "client-beta");
  BOOST_TEST(header_count(1, "idempotency-key") == 0u);
}

BOOST_AUTO_TEST_CASE(a_per_call_header_the_client_refuses_sends_nothing) {
  anthropic::client client(io.get_executor(), options());
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"content-length", "0"}, {"Transfer-Encoding", "chunked"}, {"host", "elsewhere"},
           {"x-secret", "SECRET-VALUE\r\nx-injected: 1"}, {"bad name", "v"}}) {
    anthropic::request_options call;
    call.headers = {{name, value}};
    auto result = create(client, sample_request(), &call);
    BOOST_TEST((result.ec == anthropic::client_errc::invalid_header_value), name);
    BOOST_TEST(result.diag.client_message.find("SECRET-VALUE") == std::string::npos);
    BOOST_TEST(result.diag.client_message.find(name) != std::string::npos);
  }
  anthropic::request_options bad_key;
  bad_key.idempotency_key = "a\nb";
  BOOST_TEST((create(client, sample_request(), &bad_key).ec == anthropic::client_errc::invalid_header_value));
  BOOST_TEST(server.requests().empty());
}

BOOST_AUTO_TEST_CASE(a_per_call_timeout_fires_where_the_clients_would_not) {
  auto opts = options();
  opts.timeouts.response_head = 30s;
  anthropic::client client(io.get_executor(), opts);
  anthropic::request_options call;
  call.timeouts = opts.timeouts;
  call.timeouts->response_head = 100ms;
  call.retry = anthropic::retry_policy{.max_retries = 0};

  server.enqueue(reply::default_reply().delay_head(600ms), 2);
  const auto started = std::chrono::steady_clock::now();
  auto fast = create(client, sample_request(), &call);
  BOOST_TEST((fast.ec == anthropic::client_errc::response_head_timeout));
  BOOST_TEST((std::chrono::steady_clock::now() - started < 590ms));
  // The same delay is fine under the client's own timeout.
  BOOST_TEST(!create(client, sample_request()).ec);
}

BOOST_AUTO_TEST_CASE(a_per_call_retry_policy_replaces_the_clients_and_keeps_the_idempotency_key) {
  auto opts = options();
  opts.retry.max_retries = 0;
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(reply::error(529, "overloaded_error", "Overloaded"));
  BOOST_TEST((create(client, sample_request()).ec == anthropic::api_errc::overloaded_error));

  server.enqueue(reply::error(529, "overloaded_error", "Overloaded"));
  anthropic::request_options call;
  call.retry = opts.retry;
  call.retry->max_retries = 1;
  call.idempotency_key = "same-every-time";
  auto retried = create(client, sample_request(), &call);
  BOOST_TEST(!retried.ec);
  BOOST_REQUIRE_EQUAL(server.requests().size(), 3u);
  BOOST_TEST(header_of(1, "idempotency-key") == "same-every-time");
  BOOST_TEST(header_of(2, "idempotency-key") == "same-every-time");
}

BOOST_AUTO_TEST_CASE(a_create_reports_the_response_head_and_its_rate_limits) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(reply::default_reply()
                     .header("anthropic-ratelimit-requests-limit", "50")
                     .header("anthropic-ratelimit-requests-remaining", "49")
                     .header("anthropic-ratelimit-requests-reset", "2026-12-04T15:32:42Z")
                     .header("anthropic-ratelimit-output-tokens-remaining", "8000")
                     .header("anthropic-ratelimit-input-tokens-limit", "not a number")
                     .header("x-router", "Edge \xc3\xbc"));
  auto result = create(client, sample_request());
  BOOST_REQUIRE(!result.ec);
  const auto& response = result.diag.response;
  BOOST_TEST(response.http_status == 200);
  BOOST_TEST(!response.request_id.empty());
  BOOST_TEST(response.request_id == result.diag.request_id);
  BOOST_TEST(response.header("Content-Type").value_or("") == "application/json");
  BOOST_TEST(response.header("x-router").value_or("") == "Edge \xc3\xbc");  // verbatim
  BOOST_TEST(!response.header("x-absent"));

  const auto& limits = response.rate_limits();
  BOOST_TEST(limits.requests.limit.value_or(0) == 50u);
  BOOST_TEST(limits.requests.remaining.value_or(0) == 49u);
  BOOST_REQUIRE(limits.requests.reset);
  using namespace std::chrono;
  BOOST_TEST((*limits.requests.reset == sys_days{2026y / December / 4} + 15h + 32min + 42s));
  BOOST_TEST(limits.output_tokens.remaining.value_or(0) == 8000u);
  BOOST_TEST(!limits.output_tokens.limit);
  BOOST_TEST(!limits.input_tokens.limit);  // sent, but not a number
  BOOST_TEST(!limits.tokens.present());    // absent
  BOOST_TEST(!limits.retry_after);
}

BOOST_AUTO_TEST_CASE(an_api_error_keeps_its_response_head) {
  auto opts = options();
  opts.retry.max_retries = 0;
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(reply::error(429, "rate_limit_error", "slow down")
                     .header("retry-after", "7")
                     .header("anthropic-ratelimit-tokens-remaining", "0"));
  auto result = create(client, sample_request());
  BOOST_TEST((result.ec == anthropic::api_errc::rate_limit_error));
  BOOST_TEST(result.diag.response.http_status == 429);
  BOOST_TEST(result.diag.response.rate_limits().retry_after.value_or(0ms) == 7000ms);
  BOOST_TEST(result.diag.response.rate_limits().tokens.remaining.value_or(1) == 0u);
  BOOST_TEST(result.diag.response.request_id == result.diag.request_id);

  // Nothing arrived: no head.
  anthropic::client fresh(io.get_executor(), opts);
  server.fail_next_connections(anthropic::testing::connection_fault::reset);
  auto refused = create(fresh, sample_request());
  BOOST_TEST(refused.ec);
  BOOST_TEST(refused.diag.response.http_status == 0);
  BOOST_TEST(refused.diag.response.headers.empty());
}

BOOST_AUTO_TEST_CASE(a_stream_and_the_hook_see_the_response_head) {
  auto opts = options();
  std::vector<int> statuses;
  std::vector<std::uint64_t> remaining;
  opts.hooks.on_response = [&](const anthropic::request_info& info, const anthropic::response_metadata& response) {
    BOOST_TEST(info.operation == "stream");
    statuses.push_back(response.http_status);
    remaining.push_back(response.rate_limits().requests.remaining.value_or(0));
  };
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(reply::error(529, "overloaded_error", "Overloaded").header("anthropic-ratelimit-requests-remaining", "3"));
  server.enqueue(reply::default_reply().header("anthropic-ratelimit-requests-remaining", "2"));
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    // Available from the moment the head arrived, before any event.
    BOOST_TEST(stream.response().http_status == 200);
    BOOST_TEST(stream.response().header("content-type").value_or("").starts_with("text/event-stream"));
    BOOST_TEST(stream.response().rate_limits().requests.remaining.value_or(0) == 2u);
    BOOST_TEST(stream.response().request_id == stream.request_id());
    while (co_await stream.async_next()) {
    }
  }());
  BOOST_TEST((statuses == std::vector<int>{529, 200}));
  BOOST_TEST((remaining == std::vector<std::uint64_t>{3, 2}));
  BOOST_TEST(anthropic::message_stream().response().http_status == 0);
}

BOOST_AUTO_TEST_CASE(a_create_whose_max_tokens_needs_streaming_is_streamed_and_returns_the_same_message) {
  auto opts = options();
  std::vector<std::string> ends;
  unsigned usages = 0;
  opts.hooks.on_request_end = [&](const anthropic::request_info& info, boost::system::error_code ec) {
    ends.push_back(std::string(info.operation) + (ec ? " failed" : " ok"));
  };
  opts.hooks.on_usage = [&](const anthropic::request_info&, const anthropic::usage&) { ++usages; };
  anthropic::client client(io.get_executor(), opts);

  auto req = sample_request();
  req.max_tokens = 21'333;  // 599.99 s at 128,000 tokens an hour: not streamed
  auto plain = create(client, req);
  BOOST_REQUIRE(!plain.ec);
  req.max_tokens = 21'334;  // 600.02 s: streamed
  auto streamed = create(client, req);
  BOOST_REQUIRE(!streamed.ec);

  const auto seen = server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(!body_streams(seen[0]));
  BOOST_TEST(body_streams(seen[1]));
  BOOST_TEST(seen[1].headers["accept"] == "text/event-stream");
  BOOST_TEST(streamed.msg.text() == plain.msg.text());
  BOOST_TEST((streamed.msg.stop_reason == plain.msg.stop_reason));
  BOOST_TEST(streamed.msg.usage.output_tokens == plain.msg.usage.output_tokens);
  BOOST_TEST(streamed.msg.model == plain.msg.model);
  BOOST_TEST(streamed.diag.response.http_status == 200);
  BOOST_TEST((ends == std::vector<std::string>{"create ok", "create ok"}));
  BOOST_TEST(usages == 2u);
  BOOST_TEST(client.idle_connections() == client.connection_slots_in_use());
}

BOOST_AUTO_TEST_CASE(a_model_with_a_lower_non_streaming_cap_is_streamed_above_it) {
  BOOST_TEST(!anthropic::detail::long_request_needs_stream("claude-opus-4-1@20250805", 8192));
  BOOST_TEST(anthropic::detail::long_request_needs_stream("claude-opus-4-1@20250805", 8193));
  BOOST_TEST(!anthropic::detail::long_request_needs_stream("claude-sonnet-4-5", 8193));
  BOOST_TEST(anthropic::detail::long_request_needs_stream("claude-sonnet-4-5", 64'000));
}

BOOST_AUTO_TEST_CASE(a_long_create_fails_fast_when_streaming_is_turned_off) {
  auto opts = options();
  opts.stream_long_requests = false;
  anthropic::client client(io.get_executor(), opts);
  auto req = sample_request();
  req.max_tokens = 64'000;
  auto refused = create(client, req);
  BOOST_TEST((refused.ec == anthropic::client_errc::streaming_required));
  BOOST_TEST(!refused.diag.client_message.empty());
  BOOST_TEST(server.requests().empty());

  // A call may turn it back on (and a client's default off per call).
  anthropic::request_options call;
  call.stream_long_requests = true;
  BOOST_TEST(!create(client, req, &call).ec);
  anthropic::client streaming_client(io.get_executor(), options());
  call.stream_long_requests = false;
  BOOST_TEST((create(streaming_client, req, &call).ec == anthropic::client_errc::streaming_required));
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_long_create_cut_short_fails_like_a_stream_and_keeps_the_head) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(reply::default_reply().reset_after_events(3).header("anthropic-ratelimit-requests-remaining", "5"));
  auto req = sample_request();
  req.max_tokens = 64'000;
  auto result = create(client, req);
  BOOST_TEST(result.ec);
  BOOST_TEST(result.diag.http_status == 200);
  BOOST_TEST(result.diag.response.rate_limits().requests.remaining.value_or(0) == 5u);
  BOOST_TEST(server.requests().size() == 1u);  // once the head arrived, never retried
  BOOST_TEST(run_until([&] { return client.idle_connections() == client.connection_slots_in_use(); }));
}

BOOST_AUTO_TEST_CASE(every_page_of_a_pager_carries_the_call_options) {
  anthropic::client client(io.get_executor(), options());
  anthropic::request_options call;
  call.headers = {{"x-trace", "walk-1"}};
  auto pager = client.list_all_models(anthropic::list_params{.limit = 1}, call);
  std::size_t models = 0;
  run([&]() -> asio::awaitable<void> {
    while (auto model = co_await pager.async_next()) ++models;
  }());
  const auto seen = server.requests();
  BOOST_TEST(models >= 2u);
  BOOST_REQUIRE_GE(seen.size(), 2u);
  for (const auto& request : seen) BOOST_TEST(request.headers["x-trace"] == "walk-1");
}

BOOST_AUTO_TEST_CASE(every_endpoint_takes_call_options) {
  anthropic::client client(io.get_executor(), options());
  anthropic::request_options call;
  call.headers = {{"x-trace", "t"}};
  anthropic::diagnostics diag;
  run([&]() -> asio::awaitable<void> {
    const auto req = sample_request();
    co_await client.async_count_tokens(req, call);
    const anthropic::list_params first_page;  // (named: g++ 12 and co_await temporaries)
    co_await client.async_list_models(first_page, call, diag);
    co_await client.async_get_model("claude-sonnet-4-5-20250929", call);
    auto [ec, stream] = co_await client.async_stream(req, call, diag, no_throw);
    BOOST_TEST(!ec);
    BOOST_TEST(stream.response().http_status == 200);
  }());
  const auto seen = server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 4u);
  for (const auto& request : seen) BOOST_TEST(request.headers["x-trace"] == "t");
}

BOOST_AUTO_TEST_SUITE_END()
