// Message Batches against mock_server over TLS: create (and what is refused
// before sending), poll until ended, cancel, expire, list, delete.
#include "../client/fixture.hpp"

#include <anthropic/pager.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;

namespace {

struct batch_fixture : client_fixture {
  batch_fixture() : client_fixture(options_with(std::chrono::milliseconds(150))) {}

  static anthropic::testing::mock_server_options options_with(std::chrono::milliseconds processing) {
    auto opts = with_key();
    opts.batch_processing_time = processing;
    return opts;
  }

  static std::vector<anthropic::batch_request> requests(std::size_t n) {
    std::vector<anthropic::batch_request> out;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back({"req-" + std::to_string(i), sample_request("prompt " + std::to_string(i))});
    return out;
  }

  /// Polls until the batch has ended.
  static asio::awaitable<anthropic::message_batch> until_ended(anthropic::client& client, std::string id) {
    for (;;) {
      auto batch = co_await client.async_get_batch(id);
      if (batch.ended()) co_return batch;
      asio::steady_timer wait(co_await asio::this_coro::executor, std::chrono::milliseconds(30));
      co_await wait.async_wait(asio::use_awaitable);
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(batches)

BOOST_FIXTURE_TEST_CASE(create_sends_every_request_without_stream_and_the_batch_ends, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  auto reqs = requests(3);
  reqs[1].params.extra["stream"] = true;  // a batch is never streamed, whatever the request says
  run([&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(reqs);
    BOOST_TEST(batch.id.starts_with("msgbatch_"));
    BOOST_TEST(batch.processing_status == "in_progress");
    BOOST_TEST(batch.request_counts.processing == 3u);
    BOOST_TEST(!batch.results_url.has_value());
    BOOST_TEST(!batch.created_at.empty());

    auto ended = co_await until_ended(client, batch.id);
    BOOST_TEST(ended.request_counts.succeeded == 3u);
    BOOST_TEST(ended.request_counts.processing == 0u);
    BOOST_TEST(ended.request_counts.total() == 3u);
    BOOST_TEST(ended.ended_at.has_value());
    BOOST_TEST(ended.results_url.value_or("").ends_with("/v1/messages/batches/" + batch.id + "/results"));
  }());
  auto requests = server.requests();
  BOOST_REQUIRE(!requests.empty());
  BOOST_TEST(requests[0].method == "POST");
  BOOST_TEST(requests[0].target == "/v1/messages/batches");
  auto body = boost::json::parse(requests[0].body).as_object();
  const auto& sent = body.at("requests").as_array();
  BOOST_REQUIRE_EQUAL(sent.size(), 3u);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    BOOST_TEST(sent[i].at("custom_id").as_string() == "req-" + std::to_string(i));
    BOOST_TEST(sent[i].at("params").at("max_tokens").as_int64() == 150);
    BOOST_TEST(!sent[i].at("params").as_object().contains("stream"));
  }
  for (std::size_t i = 1; i < requests.size(); ++i) {
    BOOST_TEST(requests[i].method == "GET");
    BOOST_TEST(requests[i].target.starts_with("/v1/messages/batches/msgbatch_"));
  }
}

BOOST_FIXTURE_TEST_CASE(what_the_api_would_refuse_is_not_sent, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  struct refused {
    std::vector<anthropic::batch_request> requests;
    std::string says;
  };
  auto duplicate = requests(3);
  duplicate[2].custom_id = duplicate[0].custom_id;
  auto bad_chars = requests(2);
  bad_chars[1].custom_id = "has space";
  auto too_long = requests(1);
  too_long[0].custom_id = std::string(65, 'x');
  auto empty_id = requests(1);
  empty_id[0].custom_id.clear();
  std::vector<refused> cases{{{}, "at least one"},
                             {duplicate, "request 2: custom_id 'req-0' is not unique"},
                             {bad_chars, "request 1: custom_id must be"},
                             {too_long, "request 0: custom_id must be"},
                             {empty_id, "request 0: custom_id must be"},
                             {std::vector<anthropic::batch_request>(anthropic::batch_limits::max_requests + 1),
                              "at most 100000"}};
  run([&]() -> asio::awaitable<void> {
    for (const auto& c : cases) {
      anthropic::diagnostics diag;
      auto [ec, batch] = co_await client.async_create_batch(c.requests, diag, asio::as_tuple(asio::use_awaitable));
      BOOST_TEST((ec == anthropic::client_errc::invalid_argument), ec.message());
      BOOST_TEST(diag.client_message.find(c.says) != std::string::npos, diag.client_message);
    }
    // The default token throws, with the explanation in what().
    try {
      co_await client.async_create_batch(duplicate);
      BOOST_FAIL("no exception");
    } catch (const anthropic::error_with_diagnostics& e) {
      BOOST_TEST(std::string(e.what()).find("not unique") != std::string::npos, e.what());
    }
  }());
  BOOST_TEST(server.requests().empty());
}

BOOST_FIXTURE_TEST_CASE(invalid_params_end_as_errored_requests, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  auto reqs = requests(2);
  reqs[1].params.messages[0].role = "robot";
  run([&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(reqs);
    auto ended = co_await until_ended(client, batch.id);
    BOOST_TEST(ended.request_counts.succeeded == 1u);
    BOOST_TEST(ended.request_counts.errored == 1u);
  }());
}

BOOST_FIXTURE_TEST_CASE(cancel_moves_through_canceling_to_ended, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(requests(4));
    auto canceling = co_await client.async_cancel_batch(batch.id);
    BOOST_TEST(canceling.processing_status == "canceling");
    BOOST_TEST(canceling.cancel_initiated_at.has_value());
    auto ended = co_await client.async_get_batch(batch.id);
    BOOST_TEST(ended.ended());
    BOOST_TEST(ended.request_counts.canceled == 4u);
    BOOST_TEST(ended.request_counts.succeeded == 0u);
  }());
  auto requests = server.requests();
  BOOST_TEST(requests.at(1).method == "POST");
  BOOST_TEST(requests.at(1).target.ends_with("/cancel"));
}

BOOST_FIXTURE_TEST_CASE(an_expired_batch_counts_its_requests_expired, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(requests(2));
    BOOST_TEST(server.expire_batch(batch.id));
    BOOST_TEST(!server.expire_batch("msgbatch_unknown"));
    auto ended = co_await client.async_get_batch(batch.id);
    BOOST_TEST(ended.ended());
    BOOST_TEST(ended.request_counts.expired == 2u);
  }());
}

BOOST_FIXTURE_TEST_CASE(delete_needs_an_ended_batch_and_then_it_is_gone, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(requests(1));
    anthropic::diagnostics diag;
    auto [ec, none] = co_await client.async_delete_batch(batch.id, diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::api_errc::invalid_request_error), ec.message());
    BOOST_TEST(diag.server_message.find("cancel it first") != std::string::npos, diag.server_message);

    co_await until_ended(client, batch.id);
    auto deleted = co_await client.async_delete_batch(batch.id);
    BOOST_TEST(deleted.id == batch.id);
    BOOST_TEST(deleted.type == "message_batch_deleted");
    auto [gone_ec, gone] = co_await client.async_get_batch(batch.id, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((gone_ec == anthropic::api_errc::not_found_error), gone_ec.message());
  }());
  bool saw_delete = false;
  for (const auto& r : server.requests()) saw_delete = saw_delete || r.method == "DELETE";
  BOOST_TEST(saw_delete);
}

BOOST_FIXTURE_TEST_CASE(list_and_pager_show_batches_newest_first, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  std::vector<std::string> created, walked;
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      // (Bound first: GCC 12 destroys a member of a co_await temporary twice.)
      auto batch = co_await client.async_create_batch(requests(1));
      created.push_back(batch.id);
    }
    const anthropic::list_params two{.limit = 2};
    auto page = co_await client.async_list_batches(two);
    BOOST_REQUIRE_EQUAL(page.data.size(), 2u);
    BOOST_TEST(page.data[0].id == created[2]);
    BOOST_TEST(page.has_more);

    auto all = client.list_all_batches({.limit = 2});
    while (auto batch = co_await all.async_next()) walked.push_back(batch->id);
  }());
  // (Compared out here: GCC 12 mishandles initializer lists of strings in coroutines.)
  BOOST_TEST(walked == (std::vector<std::string>{created.rbegin(), created.rend()}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(wait_polls_with_backoff_and_reports_progress, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  std::vector<anthropic::message_batch> progress;
  anthropic::batch_wait_options wait{.initial_interval = std::chrono::milliseconds(20),
                                     .max_interval = std::chrono::milliseconds(40),
                                     .backoff = 2.0,
                                     .on_progress = [&](const anthropic::message_batch& b) { progress.push_back(b); }};
  run([&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(requests(2));
    auto ended = co_await client.async_wait_batch(batch.id, wait);
    BOOST_TEST(ended.ended());
    BOOST_TEST(ended.request_counts.succeeded == 2u);
  }());
  // 150 ms of processing at 20, then 40 ms pauses: a few looks, each reported.
  BOOST_TEST(progress.size() >= 2u);
  BOOST_TEST(progress.size() <= 8u);
  for (const auto& b : progress) BOOST_TEST(b.processing_status == "in_progress");
  BOOST_TEST(server.requests().size() == progress.size() + 2);  // the create, the looks, the last one
}

BOOST_FIXTURE_TEST_CASE(a_wait_can_be_cancelled_and_the_batch_goes_on, batch_fixture) {
  anthropic::client client(io.get_executor(), options());
  std::optional<boost::system::error_code> outcome;
  std::string id;
  auto reqs = requests(1);
  asio::cancellation_signal cancel;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(reqs);
    id = batch.id;
    anthropic::batch_wait_options slow{.initial_interval = std::chrono::seconds(30)};
    auto [ec, b] = co_await client.async_wait_batch(
        id, slow, asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
    outcome = ec;
  }, asio::detached);
  BOOST_REQUIRE(run_until([&] { return server.requests().size() == 2; }));
  io.run_for(std::chrono::milliseconds(50));
  cancel.emit(asio::cancellation_type::terminal);
  BOOST_REQUIRE(run_until([&] { return outcome.has_value(); }, std::chrono::seconds(5)));
  BOOST_TEST((*outcome == asio::error::operation_aborted), outcome->message());
  run([&]() -> asio::awaitable<void> {
    auto ended = co_await client.async_wait_batch(id, asio::use_awaitable);
    BOOST_TEST(ended.ended());
  }());
}

BOOST_AUTO_TEST_SUITE_END()
