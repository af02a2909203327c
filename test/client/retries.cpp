// Retries as DESIGN.md promises: which failures are retried, how long the client
// waits, and that a stream is never retried once an event reached the caller.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/test/unit_test.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>
#include <vector>

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
  BOOST_TEST(diag.server_message == "Internal server error");
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
  const auto outcome = read_stream(client);
  // What arrived stays readable.
  BOOST_TEST(!outcome.message_id.empty());
  BOOST_TEST(!outcome.complete);
  BOOST_TEST(outcome.events >= 1u);
  BOOST_TEST((outcome.error == anthropic::client_errc::stream_truncated));
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
    } catch (const anthropic::error_with_diagnostics& e) {
      BOOST_TEST((e.code() == anthropic::api_errc::overloaded_error));
      BOOST_TEST(e.error_type() == "overloaded_error");
      BOOST_TEST(e.server_message() == "Overloaded");
      BOOST_TEST(!e.request_id().empty());
    }
  }());
  BOOST_TEST(server.requests().size() == 1u);
}

// Once the server sent any response byte, the POST may have been processed and
// billed: a reply that is not a complete, retryable head is never retried.
BOOST_AUTO_TEST_CASE(no_retry_once_the_server_answered) {
  const std::vector<std::pair<std::string, std::string>> answers = {
      {"garbled status line", "HTTP/1.1 2OO OK\r\ncontent-length: 0\r\n\r\n"},
      {"head cut in half", "HTTP/1.1 200 OK\r\ncontent-type: applica"},
      {"duplicate Content-Length", "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}"},
      {"header section over the limit", "HTTP/1.1 200 OK\r\nx-big: " + std::string(70 * 1024, 'a') + "\r\n\r\n"},
      {"interim head then a reset", "HTTP/1.1 100 Continue\r\n\r\n"},
  };
  for (const auto& [what, bytes] : answers) {
    auto client = make_client(2);
    retries_seen = 0;
    const auto before = server.requests().size();
    server.enqueue(reply::raw(bytes));
    auto [ec, diag] = create(client);
    BOOST_TEST(ec.failed(), what);
    BOOST_TEST(server.requests().size() - before == 1u, what << ": the request was sent again");
    BOOST_TEST(retries_seen == 0u, what);
    if (what != "interim head then a reset")
      BOOST_TEST((ec == anthropic::client_errc::invalid_response), what << ": " << ec.message());
  }
}

// A 200 whose body ends early: the message was generated (and billed), so it is
// not asked for again, and the error names a response, not a stream.
BOOST_AUTO_TEST_CASE(a_body_cut_short_is_response_truncated_and_not_retried) {
  auto client = make_client(2);
  server.enqueue(reply::default_reply().close_after_bytes(50));
  auto [ec, diag] = create(client);
  BOOST_TEST((ec == anthropic::client_errc::response_truncated), ec.message());
  BOOST_TEST(ec.message().find("stream") == std::string::npos, ec.message());
  BOOST_TEST(diag.client_message.find("stream") == std::string::npos, diag.client_message);
  BOOST_TEST(server.requests().size() == 1u);
  BOOST_TEST(retries_seen == 0u);
}

BOOST_AUTO_TEST_CASE(interim_heads_are_skipped) {
  auto client = make_client(0);
  server.enqueue(reply::default_reply().before_head("HTTP/1.1 100 Continue\r\n\r\n"
                                                    "HTTP/1.1 103 Early Hints\r\nlink: </style.css>\r\n\r\n"));
  server.enqueue(reply::stream().before_head("HTTP/1.1 100 Continue\r\n\r\n"));
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec, anthropic::error_with_diagnostics::describe(ec, diag));
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    while (co_await stream.async_next()) {
    }
    BOOST_TEST(!stream.message().text().empty());
  }());
  // Each connection was read to its end: the next request on it gets its own answer.
  auto [again, again_diag] = create(client);
  BOOST_TEST(!again);
  BOOST_TEST(server.connections_accepted() == 1u);
}

BOOST_AUTO_TEST_CASE(a_redirect_says_where_and_is_not_followed) {
  auto client = make_client(2);
  server.enqueue(reply::json("", 301).header("location", "https://user:secret@elsewhere.example/v1?key=k"));
  auto [ec, diag] = create(client);
  BOOST_TEST((ec == anthropic::client_errc::unexpected_redirect), ec.message());
  BOOST_TEST(diag.http_status == 301);
  BOOST_TEST(diag.client_message.find("elsewhere.example") != std::string::npos, diag.client_message);
  BOOST_TEST(diag.client_message.find("secret") == std::string::npos, diag.client_message);
  BOOST_TEST(diag.client_message.find("key=k") == std::string::npos, diag.client_message);
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_base_url_with_credentials_is_refused_without_printing_them) {
  auto opts = options();
  opts.base_url = "https://user:sk-secret@127.0.0.1:1/\r\nX-Injected: 1";
  anthropic::client client(io.get_executor(), opts);
  auto [ec, diag] = create(client);
  BOOST_TEST((ec == anthropic::client_errc::invalid_base_url));
  BOOST_TEST(diag.client_message.find("sk-secret") == std::string::npos, diag.client_message);
  BOOST_TEST(diag.client_message.find('\n') == std::string::npos, diag.client_message);
  BOOST_TEST(diag.client_message.find("127.0.0.1") != std::string::npos, diag.client_message);
}

// Cancels an operation while it waits at one of its suspension points, then
// checks that no pool slot was lost: max_connections new requests all complete.
BOOST_AUTO_TEST_CASE(cancellation_at_every_suspension_point_returns_the_pool_slot) {
  using namespace std::chrono_literals;
  struct point {
    const char* what;
    reply script;
    bool stream;
  };
  const std::vector<point> points = {
      {"create: error body", reply::error(500, "api_error", "x").delay_body(5s), false},
      {"create: retry delay", reply::error(429, "rate_limit_error", "x").header("retry-after", "2"), false},
      {"create: response head", reply::default_reply().delay_head(5s), false},
      {"create: body", reply::default_reply().delay_body(5s), false},
      {"stream: error body", reply::error(529, "overloaded_error", "x").delay_body(5s), true},
      {"stream: retry delay", reply::error(503, "api_error", "x").header("retry-after", "2"), true},
      {"stream: response head", reply::stream().delay_head(5s), true},
      {"stream: body", reply::stream().stall_after_events(2, 5s), true},
  };
  for (const auto& p : points) {
    auto opts = options();
    opts.max_connections = 2;
    opts.timeouts.request = 3s;  // a leaked slot would make the requests below wait for this
    anthropic::client client(io.get_executor(), opts);
    for (int round = 0; round < 2; ++round) {  // each round would leak one of the two slots
      server.enqueue(p.script);
      boost::system::error_code result;
      asio::cancellation_signal cancel;
      asio::steady_timer timer(io, 150ms);
      timer.async_wait([&](boost::system::error_code ec) {
        if (!ec) cancel.emit(asio::cancellation_type::terminal);
      });
      run([&]() -> asio::awaitable<void> {
        if (!p.stream) {
          auto [ec, msg] = co_await client.async_create(
              sample_request(), asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
          result = ec;
          co_return;
        }
        auto [ec, stream] = co_await client.async_stream(
            sample_request(), asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
        result = ec;
        while (!ec && !result) {
          auto [next_ec, ev] = co_await stream.async_next(
              asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
          result = next_ec;
          if (!ev) break;
        }
      }());
      BOOST_TEST((result == asio::error::operation_aborted), p.what << ": " << result.message());
    }
    BOOST_TEST(run_until([&] { return client.connection_slots_in_use() == client.idle_connections(); }), p.what);
    int completed = 0;
    for (int i = 0; i < 2; ++i)
      asio::co_spawn(io, client.async_create(sample_request(), asio::as_tuple(asio::use_awaitable)),
                     [&](std::exception_ptr, std::tuple<boost::system::error_code, anthropic::message> r) {
                       if (!std::get<0>(r)) ++completed;
                     });
    BOOST_TEST(run_until([&] { return completed == 2; }, std::chrono::seconds(10)), p.what);
    BOOST_TEST(client.connection_slots_in_use() <= 2u, p.what);
  }
}

BOOST_AUTO_TEST_CASE(a_body_never_ended_after_message_stop_does_not_hold_the_caller) {
  using namespace std::chrono_literals;
  auto opts = options();
  opts.timeouts.idle = 30s;
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(reply::stream().hold_body_open());
  const auto start = std::chrono::steady_clock::now();
  run([&]() -> asio::awaitable<void> {
    auto stream = co_await client.async_stream(sample_request());
    while (co_await stream.async_next()) {
    }
    BOOST_TEST(stream.complete());
  }());
  BOOST_TEST((std::chrono::steady_clock::now() - start < 1500ms));
  // The connection is closed once the short bound passed; the client still works.
  BOOST_TEST(run_until([&] { return client.connection_slots_in_use() == 0u; }, std::chrono::seconds(5)));
  auto [ec, diag] = create(client);
  BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_SUITE_END()
