// Many streams on one thread, a multi-threaded io_context with a strand, and every
// completion token style compiled and run.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <string>
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
          max_open = std::max(max_open, client.connection_slots_in_use());
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

// A client on a strand of a four-thread pool, raced against timers by coroutines on
// other strands of the same pool: every cancellation is emitted on the caller's
// strand while the operation runs, and completes, on the client's; the timers are
// tuned so that the operation and the timer finish close together (run this one
// under ThreadSanitizer). Each race must end with a result or operation_aborted.
BOOST_AUTO_TEST_CASE(races_cancelled_from_other_strands) {
  using namespace asio::experimental::awaitable_operators;
  using std::chrono::microseconds;
  using std::chrono::steady_clock;
  using boost::system::error_code;
  using anthropic::testing::reply;

  auto server_opts = client_fixture::with_key();
  server_opts.event_delay = std::chrono::milliseconds(2);  // a stream lasts ~40 ms: cancelled mid-body
  anthropic::testing::mock_server server(server_opts);     // its own thread
  // Some heads and bodies come late, so that cancellation also finds the
  // operation waiting for the head or for the body (replies go to any caller).
  for (int i = 0; i < 40; ++i) {
    server.enqueue(reply::default_reply());
    server.enqueue(reply::default_reply().delay_head(std::chrono::milliseconds(1 + i % 4)));
    server.enqueue(reply::default_reply().delay_body(std::chrono::milliseconds(1 + i % 3)));
  }
  asio::thread_pool pool(4);
  auto opts = anthropic::client_options{};
  opts.base_url = server.base_url();
  opts.api_key = anthropic::test::test_api_key;
  opts.tls.ca_pem = server.ca_pem();
  opts.max_connections = 8;
  // A slow hook holds the client's strand between the reply and the completion:
  // timers then often fire while an operation is completing (a busy strand does
  // the same in an application).
  opts.hooks.on_usage = [](const anthropic::request_info&, const anthropic::usage&) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));
  };
  anthropic::client client(asio::make_strand(pool), opts);

  constexpr int users = 4, create_races = 30, stream_races = 20, group_races = 60;
  struct tally {
    std::atomic<int> won{0}, aborted{0};
  };
  tally created, opened, streamed, grouped;  // streamed: after the head, up to the end
  std::mutex mutex;
  std::vector<std::string> unexpected;  // what a user would notice, guarded by mutex
  auto report = [&](std::string what, error_code ec) {
    std::lock_guard lock(mutex);
    unexpected.push_back(std::move(what) + ": " + ec.message());
  };
  // A result or operation_aborted; anything else is reported.
  auto judge = [&](tally& t, const char* what, error_code ec, bool has_result) {
    if (!ec && has_result)
      ++t.won;
    else if (ec == asio::error::operation_aborted)
      ++t.aborted;
    else
      report(what, ec);
  };

  auto user = [&](unsigned seed) -> asio::awaitable<void> {
    const auto ex = co_await asio::this_coro::executor;  // this user's own strand
    std::minstd_rand rng(seed);
    // Timer delays are drawn from [0, 2 * typical]; `typical` follows the
    // outcomes (shorter after a result, longer after a cancellation) towards the
    // delay that each side wins half of the time, so that the races stay close.
    auto around = [&](microseconds typical) {
      return microseconds(std::uniform_int_distribution<long>(0, 2 * typical.count())(rng));
    };
    auto adjust = [](microseconds& typical, bool won) { typical = won ? typical * 3 / 4 : typical * 3 / 2; };
    microseconds create_time{5000}, head_time{5000};
    asio::steady_timer timer(ex);
    const auto req = client_fixture::sample_request();

    // async_create || timer (awaitable operators).
    for (int i = 0; i < create_races; ++i) {
      std::optional<error_code> result;
      bool has_message = false;
      auto create = [&]() -> asio::awaitable<void> {
        try {
          auto [ec, msg] = co_await client.async_create(req, asio::as_tuple(asio::use_awaitable));
          result = ec;
          has_message = !msg.text().empty();
        } catch (const boost::system::system_error& e) {  // cancelled before it started
          result = e.code();
        }
      };
      timer.expires_after(around(create_time));
      co_await (create() || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
      if (!result) {
        report("create || timer: the create never completed", {});
        continue;
      }
      adjust(create_time, !*result);
      judge(created, "create || timer", *result, has_message);
    }

    // async_stream || timer, then async_next || timer with one close race per stream.
    for (int i = 0; i < stream_races; ++i) {
      std::optional<error_code> head;
      anthropic::message_stream stream;
      auto open = [&]() -> asio::awaitable<void> {
        try {
          auto [ec, s] = co_await client.async_stream(req, asio::as_tuple(asio::use_awaitable));
          head = ec;
          stream = std::move(s);
        } catch (const boost::system::system_error& e) {
          head = e.code();
        }
      };
      timer.expires_after(around(head_time));
      co_await (open() || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
      if (!head) {
        report("stream || timer: async_stream never completed", {});
        continue;
      }
      judge(opened, "stream || timer", *head, static_cast<bool>(stream));
      adjust(head_time, !*head);
      if (*head) continue;
      // Half of the streams race their first event (the first bytes of the body,
      // always awaited: later events often arrive together and are handed out
      // from the buffer), the others a later one, or none: a stream has ~18
      // events, some end first.
      const int cancel_at =
          std::uniform_int_distribution<int>(0, 1)(rng) ? 0 : std::uniform_int_distribution<int>(1, 24)(rng);
      for (int n = 0;; ++n) {
        std::optional<error_code> next_ec;
        const anthropic::stream_event* ev = nullptr;
        bool started = true;
        auto next = [&]() -> asio::awaitable<void> {
          try {
            auto [ec, e] = co_await stream.async_next(asio::as_tuple(asio::use_awaitable));
            next_ec = ec;
            ev = e;
          } catch (const boost::system::system_error& e) {  // cancelled before it started
            next_ec = e.code();
            started = false;
          }
        };
        // The events are ~2 ms apart (event_delay): a timer of 0 to 4 ms is a close race.
        timer.expires_after(n == cancel_at ? around(microseconds(2000)) : microseconds(std::chrono::seconds(5)));
        co_await (next() || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
        if (!next_ec) {
          report("next || timer: async_next never completed", {});
          break;
        }
        if (*next_ec == asio::error::operation_aborted) {
          ++streamed.aborted;
          if (!started) break;
          // A cancelled stream keeps failing the same way.
          auto [again, none] = co_await stream.async_next(asio::as_tuple(asio::use_awaitable));
          if (again != asio::error::operation_aborted || none) report("async_next after a cancelled one", again);
          break;
        }
        if (*next_ec) {
          report("next || timer", *next_ec);
          break;
        }
        if (!ev) {
          if (stream.complete())
            ++streamed.won;
          else
            report("a stream ended without message_stop", {});
          break;
        }
      }
    }

    // A parallel group: async_create and the timer, the first to finish cancels the other.
    for (int i = 0; i < group_races; ++i) {
      timer.expires_after(around(create_time));
      auto [order, ec, msg, timer_ec] =
          co_await asio::experimental::make_parallel_group(client.async_create(req, asio::deferred),
                                                           timer.async_wait(asio::deferred))
              .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
      adjust(create_time, !ec);
      judge(grouped, "parallel group", ec, !msg.text().empty());
    }
  };

  std::atomic<int> done{0};
  for (unsigned i = 0; i < users; ++i)
    asio::co_spawn(asio::make_strand(pool), user(i + 1), [&](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& error) {
          report(std::string("a user coroutine threw: ") + error.what(), {});
        }
      }
      ++done;
    });

  // Bounded waits throughout: a hang fails the test instead of blocking it.
  const auto wait_until = [](auto pred, std::chrono::seconds limit) {
    const auto deadline = steady_clock::now() + limit;
    while (!pred() && steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return pred();
  };
  const bool finished = wait_until([&] { return done.load() == users; }, std::chrono::seconds(120));
  BOOST_TEST(finished, "the races did not finish in time");
  if (!finished) {
    pool.stop();
    pool.join();
    return;
  }
  {
    std::lock_guard lock(mutex);
    for (const auto& u : unexpected) BOOST_ERROR(u);
  }
  BOOST_TEST_MESSAGE("create || timer: " << created.won << " results, " << created.aborted << " aborted; "
                     << "stream || timer: " << opened.won << " heads, " << opened.aborted << " aborted; "
                     << "next || timer: " << streamed.won << " complete, " << streamed.aborted << " aborted; "
                     << "parallel group: " << grouped.won << " results, " << grouped.aborted << " aborted");
  BOOST_TEST(created.won + created.aborted == users * create_races);
  BOOST_TEST(opened.won + opened.aborted == users * stream_races);
  BOOST_TEST(streamed.won + streamed.aborted == opened.won.load());
  BOOST_TEST(grouped.won + grouped.aborted == users * group_races);
  // Both outcomes occurred: the races were close, not one-sided.
  BOOST_TEST(created.won > 0);
  BOOST_TEST(created.aborted > 0);
  BOOST_TEST(opened.won > 0);
  BOOST_TEST(opened.aborted > 0);
  BOOST_TEST(streamed.won > 0);
  BOOST_TEST(streamed.aborted > 0);

  // At rest: every connection still open is idle in the pool (none leaked by a
  // cancellation), and the client still works.
  auto pool_state = [&] {
    return asio::post(client.get_executor(), asio::use_future([&] {
                        return std::pair(client.connection_slots_in_use(), client.idle_connections());
                      }))
        .get();
  };
  BOOST_TEST(wait_until(
      [&] {
        auto [open, idle] = pool_state();
        return open == idle;
      },
      std::chrono::seconds(10)));
  auto last = client.async_create(client_fixture::sample_request(), asio::use_future);
  BOOST_REQUIRE(last.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  BOOST_TEST(!last.get().text().empty());
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
  BOOST_TEST(diag.server_message == "nope");
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
  } catch (const anthropic::error_with_diagnostics& e) {
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
  opts.hooks.on_response = [&](const anthropic::request_info&, const anthropic::response_metadata& response) {
    log.push_back("status " + std::to_string(response.http_status));
  };
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
