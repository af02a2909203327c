// GET /v1/models against mock_server over TLS: one page, the cursors, the
// pager that walks every page, one model by id, and the arguments refused
// before anything is sent.
#include "../client/fixture.hpp"

#include <anthropic/pager.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;

namespace {

// The mock's catalogue, newest first.
const std::vector<std::string> catalogue{"claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001",
                                         "claude-opus-4-1-20250805"};

std::vector<std::string> ids_of(const anthropic::page<anthropic::model_info>& p) {
  std::vector<std::string> ids;
  for (const auto& m : p.data) ids.push_back(m.id);
  return ids;
}

std::vector<std::string> targets_of(const anthropic::testing::mock_server& server) {
  std::vector<std::string> targets;
  for (const auto& r : server.requests()) targets.push_back(r.target);
  return targets;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(models)

BOOST_FIXTURE_TEST_CASE(list_models_returns_one_page_as_a_get_without_body, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto page = co_await client.async_list_models();
    BOOST_TEST(ids_of(page) == catalogue);
    BOOST_TEST(!page.has_more);
    BOOST_TEST(page.first_id.value_or("") == catalogue.front());
    BOOST_TEST(page.last_id.value_or("") == catalogue.back());
    BOOST_TEST(page.data[0].display_name == "Claude Sonnet 4.5");
    BOOST_TEST(page.data[0].type == "model");
  }());
  auto requests = server.requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 1u);
  BOOST_TEST(requests[0].method == "GET");
  BOOST_TEST(requests[0].target == "/v1/models");
  BOOST_TEST(requests[0].body.empty());
  BOOST_TEST(requests[0].headers.count("content-type") == 0u);
  BOOST_TEST(requests[0].headers.count("content-length") == 0u);
  BOOST_TEST(requests[0].headers["accept"] == "application/json");
  BOOST_TEST(requests[0].headers["x-api-key"] == anthropic::test::test_api_key);
}

BOOST_FIXTURE_TEST_CASE(limit_and_cursors_choose_the_page, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    // Named, not braced in the co_await: g++ 12 destroys such temporaries twice.
    anthropic::list_params params{.limit = 2};
    auto first = co_await client.async_list_models(params);
    BOOST_TEST(ids_of(first) == std::vector<std::string>(catalogue.begin(), catalogue.begin() + 2));
    BOOST_TEST(first.has_more);
    params.after_id = *first.last_id;
    auto second = co_await client.async_list_models(params);
    BOOST_TEST(ids_of(second) == std::vector<std::string>(catalogue.begin() + 2, catalogue.end()));
    BOOST_TEST(!second.has_more);
    params = {.limit = 1, .before_id = *second.first_id};
    auto back = co_await client.async_list_models(params);
    BOOST_TEST(ids_of(back) == std::vector<std::string>(catalogue.begin() + 1, catalogue.begin() + 2));
    BOOST_TEST(back.has_more);
  }());
  BOOST_TEST(targets_of(server) ==
                 (std::vector<std::string>{"/v1/models?limit=2", "/v1/models?limit=2&after_id=claude-haiku-4-5-20251001",
                                           "/v1/models?limit=1&before_id=claude-opus-4-1-20250805"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(pager_walks_every_page_in_order_and_then_ends, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  std::vector<std::string> seen;
  run([&]() -> asio::awaitable<void> {
    auto models = client.list_all_models({.limit = 1});
    while (auto model = co_await models.async_next()) seen.push_back(model->id);
    // An ended pager stays ended, without asking again.
    auto again = co_await models.async_next();
    BOOST_TEST(!again.has_value());
  }());
  BOOST_TEST(seen == catalogue, boost::test_tools::per_element());
  BOOST_TEST(server.requests().size() == 3u);  // one per page, none after the last
}

BOOST_FIXTURE_TEST_CASE(pager_fetches_a_page_only_when_it_needs_one, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto models = client.list_all_models({.limit = 2});
    auto first = co_await models.async_next();
    auto second = co_await models.async_next();
    BOOST_TEST(first.value().id == catalogue[0]);
    BOOST_TEST(second.value().id == catalogue[1]);
  }());
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(pager_walks_backwards_from_before_id, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  std::vector<std::string> seen;
  run([&]() -> asio::awaitable<void> {
    auto models = client.list_all_models({.limit = 1, .before_id = catalogue[2]});
    while (auto model = co_await models.async_next()) seen.push_back(model->id);
  }());
  BOOST_TEST(seen == (std::vector<std::string>{catalogue[1], catalogue[0]}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_failed_page_can_be_fetched_again, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  std::vector<std::string> seen;
  run([&]() -> asio::awaitable<void> {
    auto models = client.list_all_models({.limit = 2});
    for (int i = 0; i < 2; ++i) {
      // (Bound first: GCC 12 destroys a member of a co_await temporary twice.)
      auto model = co_await models.async_next();
      seen.push_back(model.value().id);
    }
    server.enqueue(anthropic::testing::reply::error(403, "permission_error", "not today"));
    anthropic::diagnostics diag;
    auto [ec, item] = co_await models.async_next(diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::api_errc::permission_error), ec.message());
    BOOST_TEST(diag.server_message == "not today");
    BOOST_TEST(!item.has_value());
    while (auto model = co_await models.async_next()) seen.push_back(model->id);
  }());
  BOOST_TEST(seen == catalogue, boost::test_tools::per_element());
  auto targets = targets_of(server);
  BOOST_REQUIRE_EQUAL(targets.size(), 3u);
  BOOST_TEST(targets[1] == targets[2]);  // the failed page, asked for again
}

BOOST_FIXTURE_TEST_CASE(pager_refuses_a_second_async_next_while_one_runs, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(anthropic::testing::reply::default_reply().delay_head(std::chrono::milliseconds(300)));
  auto models = client.list_all_models();
  std::optional<boost::system::error_code> first_ec, second_ec;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto [ec, item] = co_await models.async_next(asio::as_tuple(asio::use_awaitable));
    first_ec = ec;
    BOOST_TEST(item.value().id == catalogue[0]);
  }, asio::detached);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer wait(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
    co_await wait.async_wait(asio::use_awaitable);
    auto [ec, item] = co_await models.async_next(asio::as_tuple(asio::use_awaitable));
    second_ec = ec;
    BOOST_TEST(!item.has_value());
  }, asio::detached);
  BOOST_REQUIRE(run_until([&] { return first_ec && second_ec; }));
  BOOST_TEST(!*first_ec, first_ec->message());
  BOOST_TEST((*second_ec == anthropic::client_errc::operation_in_progress), second_ec->message());
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(get_model_by_id_and_unknown_ids, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto model = co_await client.async_get_model(catalogue[1]);
    BOOST_TEST(model.id == catalogue[1]);
    BOOST_TEST(model.display_name == "Claude Haiku 4.5");

    anthropic::diagnostics diag;
    auto [ec, none] = co_await client.async_get_model("no-such-model", diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::api_errc::not_found_error), ec.message());
    BOOST_TEST(diag.http_status == 404);
    BOOST_TEST(!diag.request_id.empty());
  }());
  BOOST_TEST(server.requests().at(0).target == "/v1/models/" + catalogue[1]);
}

BOOST_FIXTURE_TEST_CASE(ids_cannot_leave_their_path_segment, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    for (std::string id : {"../../v1/messages?x=1#y", "a b\r\nx-injected: 1", "..", "é"}) {
      auto [ec, m] = co_await client.async_get_model(id, asio::as_tuple(asio::use_awaitable));
      BOOST_TEST((ec == anthropic::api_errc::not_found_error), id << ": " << ec.message());
    }
  }());
  auto targets = targets_of(server);
  BOOST_TEST(targets == (std::vector<std::string>{"/v1/models/..%2F..%2Fv1%2Fmessages%3Fx%3D1%23y",
                                                  "/v1/models/a%20b%0D%0Ax-injected%3A%201", "/v1/models/%2E%2E",
                                                  "/v1/models/%C3%A9"}),
             boost::test_tools::per_element());
  for (const auto& r : server.requests()) BOOST_TEST(r.headers.count("x-injected") == 0u);
}

BOOST_FIXTURE_TEST_CASE(arguments_the_api_would_refuse_are_not_sent, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    for (anthropic::list_params params : {anthropic::list_params{.limit = 0u}, anthropic::list_params{.limit = 1001u},
                                          anthropic::list_params{.after_id = "a", .before_id = "b"}}) {
      anthropic::diagnostics diag;
      auto [ec, page] = co_await client.async_list_models(params, diag, asio::as_tuple(asio::use_awaitable));
      BOOST_TEST((ec == anthropic::client_errc::invalid_argument), ec.message());
      BOOST_TEST(diag.client_message.find("list_params") != std::string::npos, diag.client_message);
    }
    auto [ec, model] = co_await client.async_get_model("", asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::client_errc::invalid_argument), ec.message());
    auto bad_pager = client.list_all_models({.limit = 5000u});
    auto [pager_ec, item] = co_await bad_pager.async_next(asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((pager_ec == anthropic::client_errc::invalid_argument), pager_ec.message());
  }());
  BOOST_TEST(server.requests().empty());
}

BOOST_FIXTURE_TEST_CASE(members_this_library_does_not_know_pass_through, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(anthropic::testing::reply::json(
      R"({"type":"model","id":"m1","display_name":"M","created_at":"2026-01-01T00:00:00Z",)"
      R"("max_input_tokens":200000,"max_tokens":64000,"capabilities":{"thinking":{"supported":true}},)"
      R"("brand_new":[1,2]})"));
  run([&]() -> asio::awaitable<void> {
    auto model = co_await client.async_get_model("m1");
    BOOST_TEST(model.max_input_tokens.value_or(0) == 200000u);
    BOOST_TEST(model.max_tokens.value_or(0) == 64000u);
    BOOST_REQUIRE(model.capabilities.has_value());
    BOOST_TEST(model.capabilities->at("thinking").at("supported").as_bool());
    BOOST_TEST(boost::json::serialize(model.extra.at("brand_new")) == "[1,2]");
  }());
}

BOOST_FIXTURE_TEST_CASE(a_body_that_is_not_a_page_is_invalid_message, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(anthropic::testing::reply::json(R"({"data":[{"no_id":1}],"has_more":false})"));
  server.enqueue(anthropic::testing::reply::json(R"(<html>)"));
  run([&]() -> asio::awaitable<void> {
    anthropic::diagnostics diag;
    const anthropic::list_params first_page;
    auto [ec, page] = co_await client.async_list_models(first_page, diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::client_errc::invalid_message), ec.message());
    BOOST_TEST(diag.client_message.find("no_id") != std::string::npos, diag.client_message);
    auto [ec2, page2] = co_await client.async_list_models(asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec2 == anthropic::client_errc::invalid_json), ec2.message());
  }());
}

BOOST_AUTO_TEST_SUITE_END()
