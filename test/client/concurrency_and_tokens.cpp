// Many streams on one thread, a multi-threaded io_context with a strand, and every
// completion token style compiled and run.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;

namespace {

// Each connection needs a descriptor at both ends (client and mock server).
bool raise_open_file_limit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= wanted;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_FIXTURE_TEST_CASE(thousand_concurrent_streams_on_one_thread, client_fixture) {
  constexpr int streams = 1000;
  if (!raise_open_file_limit(2 * streams + 256)) {
    BOOST_TEST_MESSAGE("RLIMIT_NOFILE cannot be raised to " << 2 * streams + 256 << "; skipped");
    return;
  }
  auto opts = options();
  opts.max_connections = streams;
  anthropic::client client(io.get_executor(), opts);
  std::string expected;
  run([&]() -> asio::awaitable<void> { expected = (co_await client.async_create(sample_request())).text(); }());

  int complete = 0, correct = 0, failed = 0;
  std::size_t max_open = 0;
  for (int i = 0; i < streams; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto [ec, stream] = co_await client.async_stream(sample_request(), asio::as_tuple(asio::use_awaitable));
          if (ec) {
            ++failed;
            co_return;
          }
          max_open = std::max(max_open, client.open_connections());
          std::string text;
          for (;;) {
            auto [next_ec, ev] = co_await stream.async_next(asio::as_tuple(asio::use_awaitable));
            if (next_ec) {
              ++failed;
              co_return;
            }
            if (!ev) break;
            if (auto t = ev->text_delta()) text += *t;
          }
          ++complete;
          if (text == expected && stream.message().text() == expected) ++correct;
        },
        asio::detached);
  }
  const auto start = std::chrono::steady_clock::now();
  BOOST_REQUIRE(run_until([&] { return complete + failed == streams; }, std::chrono::seconds(60)));
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(streams << " concurrent streams in " << elapsed << " s, " << max_open
                             << " connections open at most");
  BOOST_TEST(failed == 0);
  BOOST_TEST(correct == streams);
  BOOST_TEST(server.requests().size() == static_cast<std::size_t>(streams + 1));
}

// A client on a strand shared by four threads (run this one under ThreadSanitizer).
BOOST_AUTO_TEST_CASE(four_threads_with_a_strand) {
  anthropic::testing::mock_server server(client_fixture::with_key());  // its own thread
  asio::thread_pool pool(4);
  auto opts = anthropic::client_options{};
  opts.base_url = server.base_url();
  opts.api_key = anthropic::test::test_api_key;
  opts.tls.ca_pem = server.ca_pem();
  opts.max_connections = 8;
  anthropic::client client(asio::make_strand(pool), opts);

  constexpr int tasks = 40;
  std::atomic<int> ok{0}, done{0};
  for (int i = 0; i < tasks; ++i) {
    // Started from this thread and completed on the pool's threads.
    asio::co_spawn(
        pool,
        [&, i]() -> asio::awaitable<void> {
          try {
            if (i % 2 == 0) {
              auto msg = co_await client.async_create(client_fixture::sample_request());
              if (!msg.text().empty()) ++ok;
            } else {
              auto stream = co_await client.async_stream(client_fixture::sample_request());
              while (co_await stream.async_next()) {
              }
              if (stream.complete()) ++ok;
            }
          } catch (const std::exception& e) {
            BOOST_TEST_MESSAGE("task failed: " << e.what());
          }
          ++done;
        },
        asio::detached);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (done < tasks && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  BOOST_TEST(done.load() == tasks);
  BOOST_TEST(ok.load() == tasks);
  pool.join();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(completion_tokens, client_fixture)

BOOST_AUTO_TEST_CASE(callback) {
  anthropic::client client(io.get_executor(), options());
  bool called = false;
  client.async_create(sample_request(), [&](boost::system::error_code ec, anthropic::message msg) {
    BOOST_TEST(!ec);
    BOOST_TEST(!msg.text().empty());
    called = true;
  });
  BOOST_TEST(!called);  // never inline from the initiating call
  BOOST_TEST(run_until([&] { return called; }));
}

BOOST_AUTO_TEST_CASE(callback_with_diagnostics) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(anthropic::testing::reply::error(404, "not_found_error", "nope"));
  anthropic::diagnostics diag;
  bool called = false;
  client.async_count_tokens(sample_request(), diag, [&](boost::system::error_code ec, std::uint64_t) {
    BOOST_TEST((ec == anthropic::api_errc::not_found_error));
    called = true;
  });
  BOOST_TEST(run_until([&] { return called; }));
  BOOST_TEST(diag.message == "nope");
}

BOOST_AUTO_TEST_CASE(use_future) {
  anthropic::client client(io.get_executor(), options());
  std::future<anthropic::message> f = client.async_create(sample_request(), asio::use_future);
  BOOST_TEST(run_until([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }));
  BOOST_TEST(!f.get().text().empty());

  server.enqueue(anthropic::testing::reply::error(400, "invalid_request_error", "bad request"));
  auto failing = client.async_create(sample_request(), asio::use_future);
  BOOST_TEST(run_until([&] { return failing.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }));
  BOOST_CHECK_THROW(failing.get(), boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(use_future_with_diagnostics_throws_api_error) {
  anthropic::client client(io.get_executor(), options());
  server.enqueue(anthropic::testing::reply::error(400, "invalid_request_error", "bad request"));
  auto f = client.async_create(sample_request(), anthropic::with_diagnostics(asio::use_future));
  BOOST_TEST(run_until([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }));
  try {
    f.get();
    BOOST_FAIL("expected an api_error");
  } catch (const anthropic::api_error& e) {
    BOOST_TEST(e.http_status() == 400);
    BOOST_TEST(e.server_message() == "bad request");
  }
}

BOOST_AUTO_TEST_CASE(deferred) {
  anthropic::client client(io.get_executor(), options());
  auto op = client.async_count_tokens(sample_request(), asio::deferred);
  BOOST_TEST(server.requests().empty());  // nothing starts before the op is launched
  std::uint64_t tokens = 0;
  std::move(op)([&](boost::system::error_code ec, std::uint64_t n) {
    BOOST_TEST(!ec);
    tokens = n;
  });
  BOOST_TEST(run_until([&] { return tokens > 0; }));
}

BOOST_AUTO_TEST_CASE(as_tuple_and_default_token_in_coroutines) {
  anthropic::client client(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    auto [ec, msg] = co_await client.async_create(sample_request(), asio::as_tuple(asio::use_awaitable));
    BOOST_TEST(!ec);
    auto [stream_ec, stream] = co_await client.async_stream(sample_request(), asio::as_tuple(asio::use_awaitable));
    BOOST_TEST(!stream_ec);
    while (co_await stream.async_next()) {
    }
    BOOST_TEST(stream.message().text() == msg.text());
    std::uint64_t n = co_await client.async_count_tokens(sample_request(), asio::use_awaitable);
    BOOST_TEST(n > 0u);
  }());
}

BOOST_AUTO_TEST_CASE(as_default_on) {
  auto client = asio::as_tuple(asio::use_awaitable)
                    .as_default_on(anthropic::client(io.get_executor(), options()));
  run([&]() -> asio::awaitable<void> {
    auto [ec, msg] = co_await client.async_create(sample_request());
    BOOST_TEST(!ec);
    BOOST_TEST(!msg.text().empty());
  }());
}

BOOST_AUTO_TEST_CASE(next_on_an_empty_stream_fails_cleanly) {
  anthropic::message_stream empty;
  bool called = false;
  // The handler's associated executor is honoured (and never run inline).
  empty.async_next(asio::bind_executor(io, [&](boost::system::error_code ec, const anthropic::stream_event* ev) {
    BOOST_TEST((ec == asio::error::not_connected));
    BOOST_TEST(ev == nullptr);
    called = true;
  }));
  BOOST_TEST(!called);
  BOOST_TEST(run_until([&] { return called; }));
}

BOOST_AUTO_TEST_CASE(hooks_report_start_status_usage_and_end) {
  auto opts = options();
  std::vector<std::string> log;
  opts.hooks.on_request_start = [&](const anthropic::request_info& i) { log.push_back("start " + std::string(i.operation)); };
  opts.hooks.on_response = [&](const anthropic::request_info&, int status) { log.push_back("status " + std::to_string(status)); };
  opts.hooks.on_usage = [&](const anthropic::request_info&, const anthropic::usage& u) {
    log.push_back(u.output_tokens > 0 ? "usage" : "usage 0");
  };
  opts.hooks.on_request_end = [&](const anthropic::request_info& i, boost::system::error_code ec) {
    log.push_back("end " + std::string(i.operation) + (ec ? " error" : " ok"));
  };
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> {
    co_await client.async_create(sample_request());
    auto stream = co_await client.async_stream(sample_request());
    while (co_await stream.async_next()) {
    }
  }());
  const std::vector<std::string> expected{"start create", "status 200", "usage", "end create ok",
                                          "start stream", "status 200", "usage", "end stream ok"};
  BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
