// A batch's results read line by line against mock_server over TLS: typed
// lines, random order, bounded memory for a large file, errors that keep
// what was read, cancellation mid-download.
#include "../client/fixture.hpp"
#include "support/allocation_counter.hpp"

#include <anthropic/batch_results.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <string>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;

namespace {

struct results_fixture : client_fixture {
  results_fixture() : client_fixture(quick_batches()) {}

  static anthropic::testing::mock_server_options quick_batches() {
    auto opts = with_key();
    opts.batch_processing_time = std::chrono::milliseconds(100);
    opts.tokens_per_reply = 3;
    return opts;
  }

  static std::vector<anthropic::batch_request> requests(std::size_t n) {
    std::vector<anthropic::batch_request> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back({"r" + std::to_string(i), sample_request("hello " + std::to_string(i))});
    return out;
  }

  /// Creates a batch of `n` requests and returns its id once it has ended.
  std::string ended_batch(anthropic::client& client, std::size_t n) {
    std::string id;
    auto reqs = requests(n);
    run([&]() -> asio::awaitable<void> {
      auto batch = co_await client.async_create_batch(reqs);
      id = batch.id;
      asio::steady_timer wait(co_await asio::this_coro::executor);
      for (;;) {
        auto now = co_await client.async_get_batch(id);
        if (now.ended()) break;
        wait.expires_after(std::chrono::milliseconds(20));
        co_await wait.async_wait(asio::use_awaitable);
      }
    }());
    return id;
  }

  struct read_outcome {
    boost::system::error_code error;
    anthropic::diagnostics diag;
    std::vector<anthropic::batch_result> lines;
  };

  read_outcome read_all(anthropic::client& client, const std::string& id) {
    read_outcome out;
    run([&]() -> asio::awaitable<void> {
      auto results = co_await client.async_batch_results(id);
      for (;;) {
        auto [ec, line] = co_await results.async_next(out.diag, asio::as_tuple(asio::use_awaitable));
        out.error = ec;
        if (ec || !line) break;
        out.lines.push_back(std::move(*line));
      }
    }());
    return out;
  }
};



}  // namespace

BOOST_AUTO_TEST_SUITE(batch_results)

BOOST_FIXTURE_TEST_CASE(every_request_has_one_typed_line_in_random_order, results_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string id = ended_batch(client, 20);
  auto out = read_all(client, id);
  BOOST_TEST(!out.error, out.error.message());
  BOOST_REQUIRE_EQUAL(out.lines.size(), 20u);
  std::set<std::string> ids;
  std::vector<std::string> order;
  for (const auto& line : out.lines) {
    ids.insert(line.custom_id);
    order.push_back(line.custom_id);
    BOOST_TEST(line.succeeded());
    BOOST_REQUIRE(line.message.has_value());
    BOOST_TEST(!line.message->text().empty());
    BOOST_TEST(line.message->usage.output_tokens > 0u);
  }
  BOOST_TEST(ids.size() == 20u);
  std::vector<std::string> request_order;
  for (int i = 0; i < 20; ++i) request_order.push_back("r" + std::to_string(i));
  BOOST_TEST((order != request_order));  // "in any order": 1 chance in 20! to fail

  auto requests = server.requests();
  const auto& get = requests.back();
  BOOST_TEST(get.method == "GET");
  BOOST_TEST(get.target == "/v1/messages/batches/" + id + "/results");
  BOOST_TEST(get.headers["accept"] == "application/binary");
}

BOOST_FIXTURE_TEST_CASE(errored_canceled_and_expired_lines_are_typed, results_fixture) {
  anthropic::client client(io.get_executor(), options());
  auto reqs = requests(2);
  reqs[1].params.messages[0].role = "robot";
  auto errored = reqs;
  std::string errored_id, canceled_id, expired_id;
  run([&]() -> asio::awaitable<void> {
    auto first = co_await client.async_create_batch(errored);
    errored_id = first.id;
    auto second = co_await client.async_create_batch(reqs);
    canceled_id = second.id;
    co_await client.async_cancel_batch(canceled_id);
    auto third = co_await client.async_create_batch(reqs);
    expired_id = third.id;
  }());
  BOOST_TEST(server.expire_batch(expired_id));
  std::this_thread::sleep_for(std::chrono::milliseconds(120));  // the first batch's processing time

  std::map<std::string, anthropic::batch_result> by_id;
  for (auto& line : read_all(client, errored_id).lines) by_id[line.custom_id] = line;
  BOOST_REQUIRE_EQUAL(by_id.size(), 2u);
  BOOST_TEST(by_id["r0"].type == "succeeded");
  BOOST_TEST(by_id["r1"].type == "errored");
  BOOST_TEST(!by_id["r1"].message.has_value());
  BOOST_TEST(by_id["r1"].error_type.value_or("") == "invalid_request_error");
  BOOST_TEST(by_id["r1"].error_message.value_or("").find("role") != std::string::npos);

  for (const auto& [id, kind] : {std::pair{canceled_id, "canceled"}, std::pair{expired_id, "expired"}}) {
    auto out = read_all(client, id);
    BOOST_TEST(!out.error, out.error.message());
    BOOST_REQUIRE_EQUAL(out.lines.size(), 2u);
    for (const auto& line : out.lines) {
      BOOST_TEST(line.type == kind);
      BOOST_TEST(!line.message.has_value());
    }
  }
}

BOOST_FIXTURE_TEST_CASE(results_before_the_end_are_the_apis_error, results_fixture) {
  anthropic::client client(io.get_executor(), options());
  auto reqs = requests(1);
  run([&]() -> asio::awaitable<void> {
    auto batch = co_await client.async_create_batch(reqs);
    anthropic::diagnostics diag;
    auto [ec, results] = co_await client.async_batch_results(batch.id, diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::api_errc::invalid_request_error), ec.message());
    BOOST_TEST(diag.server_message.find("not ended") != std::string::npos, diag.server_message);
    BOOST_TEST(!results);
    auto [next_ec, line] = co_await results.async_next(asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((next_ec == asio::error::not_connected), next_ec.message());
  }());
}

BOOST_FIXTURE_TEST_CASE(a_large_results_file_is_read_in_flat_memory, results_fixture) {
  if (!anthropic::test::allocation_counting_enabled()) return;  // the sanitizers' allocator has no mallinfo
  anthropic::client client(io.get_executor(), options());
  constexpr std::size_t lines = 100'000;
  const std::string id = ended_batch(client, lines);
  std::size_t count = 0, body_bytes_estimate = 0, heap_after_first = 0, heap_peak = 0;
  run(
      [&]() -> asio::awaitable<void> {
        auto results = co_await client.async_batch_results(id);
        while (auto line = co_await results.async_next()) {
          if (++count == 1) heap_after_first = anthropic::test::heap_bytes_in_use();
          if (count % 1000 == 0) heap_peak = std::max(heap_peak, anthropic::test::heap_bytes_in_use());
          body_bytes_estimate += line->custom_id.size() + line->message->text().size() + 300;
        }
        BOOST_TEST(results.lines_read() == lines);
      }(),
      std::chrono::seconds(120));
  BOOST_TEST(count == lines);
  const std::size_t growth = heap_peak > heap_after_first ? heap_peak - heap_after_first : 0;
  BOOST_TEST_MESSAGE("results of about " << body_bytes_estimate / (1024 * 1024) << " MB read; client heap grew by "
                                         << growth / 1024 << " KiB while reading");
  // The mock built the whole body before sending it; what grows now is the client's.
  BOOST_TEST(growth < 4u * 1024 * 1024, "the heap grew by " << growth << " bytes");
  BOOST_TEST(body_bytes_estimate > 30u * 1024 * 1024);
}

BOOST_FIXTURE_TEST_CASE(a_body_cut_short_fails_after_the_complete_lines, results_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string id = ended_batch(client, 10);
  server.enqueue(anthropic::testing::reply::default_reply().close_after_bytes(1500));
  auto out = read_all(client, id);
  BOOST_TEST((out.error == anthropic::client_errc::response_truncated), out.error.message());
  BOOST_TEST(!out.lines.empty());
  BOOST_TEST(out.lines.size() < 10u);
  BOOST_TEST(out.diag.client_message.find("after " + std::to_string(out.lines.size())) != std::string::npos,
             out.diag.client_message);
}

BOOST_FIXTURE_TEST_CASE(a_line_that_is_not_a_result_fails_and_keeps_failing, results_fixture) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(anthropic::testing::reply::json(
      "{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n{\"custom_id\":\"b\",\"result\":{\"type\":\"brand_new\",\"x\":1}}\n"
      "not json\n{\"custom_id\":\"c\",\"result\":{\"type\":\"canceled\"}}\n"));
  std::vector<std::string> seen;
  run([&]() -> asio::awaitable<void> {
    auto results = co_await client.async_batch_results("msgbatch_x");
    for (int i = 0; i < 2; ++i) {
      auto line = co_await results.async_next();
      seen.push_back(line.value().type);
    }
    for (int i = 0; i < 2; ++i) {
      anthropic::diagnostics diag;
      auto [ec, line] = co_await results.async_next(diag, asio::as_tuple(asio::use_awaitable));
      BOOST_TEST((ec == anthropic::client_errc::invalid_json), ec.message());
      BOOST_TEST(diag.client_message.find("line 3") != std::string::npos, diag.client_message);
      BOOST_TEST(!line.has_value());
    }
  }());
  BOOST_TEST(seen == (std::vector<std::string>{"canceled", "brand_new"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_line_over_the_limit_is_refused, results_fixture) {
  auto opts = options();
  opts.max_response_size = 1024;
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(anthropic::testing::reply::json(
      "{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n" + std::string(5000, 'x') + "\n"));
  run([&]() -> asio::awaitable<void> {
    auto results = co_await client.async_batch_results("msgbatch_x");
    auto first = co_await results.async_next();
    BOOST_TEST(first.value().custom_id == "a");
    auto [ec, line] = co_await results.async_next(asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::client_errc::line_too_large), ec.message());
  }());
}

BOOST_FIXTURE_TEST_CASE(cancelling_mid_download_closes_only_that_connection, results_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string id = ended_batch(client, 10);
  server.enqueue(anthropic::testing::reply::default_reply().stall_after_bytes(600, std::chrono::seconds(30)));
  asio::cancellation_signal cancel;
  std::optional<boost::system::error_code> outcome;
  std::size_t before_cancel = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto results = co_await client.async_batch_results(id);
    for (;;) {
      auto [ec, line] = co_await results.async_next(
          asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
      if (ec || !line) {
        outcome = ec;
        break;
      }
      ++before_cancel;
    }
  }, asio::detached);
  // The lines before the stall arrive; then the reader waits for bytes that do not come.
  BOOST_REQUIRE(run_until([&] { return before_cancel > 0; }));
  io.run_for(std::chrono::milliseconds(100));
  BOOST_TEST(!outcome.has_value());
  cancel.emit(asio::cancellation_type::terminal);
  BOOST_REQUIRE(run_until([&] { return outcome.has_value(); }, std::chrono::seconds(5)));
  BOOST_TEST((*outcome == asio::error::operation_aborted), outcome->message());
  // The client goes on: its pool slot came back.
  BOOST_TEST(client.connection_slots_in_use() == client.idle_connections());
  run([&]() -> asio::awaitable<void> { co_await client.async_get_batch(id); }());
}

BOOST_AUTO_TEST_SUITE_END()
