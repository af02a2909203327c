// The fault matrix, in the manner of Beast's fail_count tests: one exchange is a
// sequence of I/O steps (TLS handshake, request, response head, then each piece
// of the body), and for n = 0, 1, 2, ... the server makes step n fail (a reset,
// a stall, garbage) until a fault lands past the last step and the call
// succeeds. After each call: was it retried (only while the server had sent
// nothing yet), with which code did it fail, is what a stream delivered still
// there, and is the pool back at rest.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

namespace asio = boost::asio;
using anthropic::client_errc;
using anthropic::test::client_fixture;
using anthropic::testing::connection_fault;
using anthropic::testing::reply;
using namespace std::chrono_literals;

namespace {

enum class fault { reset, stall, garbage };

std::ostream& operator<<(std::ostream& os, fault f) {
  return os << (f == fault::reset ? "reset" : f == fault::stall ? "stall" : "garbage");
}

// Short enough to keep the matrix quick, long enough for a TLS handshake under
// ThreadSanitizer; every stall outlasts it.
constexpr auto step_timeout = 600ms;
constexpr auto stall = 3s;
// Body offsets of a non-streamed reply are visited in steps of this many bytes.
constexpr std::size_t body_stride = 96;

// What a call is expected to end with.
struct expectation {
  bool retried = false;
  boost::system::error_code error;  // none: the call succeeds
};

struct matrix_fixture : client_fixture {
  matrix_fixture() : client_fixture(short_replies()) {}

  // Four text deltas: a stream of ten events, a body of a few strides.
  static anthropic::testing::mock_server_options short_replies() {
    auto opts = with_key();
    opts.tokens_per_reply = 4;
    return opts;
  }

  bool streaming = false;  // the reply is an event stream
  bool long_create = false;  // ... read by async_create (a max_tokens that needs streaming)
  unsigned retries = 0;
  std::string full_text;  // a fault-free reply's text

  anthropic::client make_client() {
    auto opts = options();
    opts.max_connections = 1;  // a leaked slot would make the next call wait for its timeout
    opts.retry.max_retries = 1;
    opts.timeouts.tls_handshake = step_timeout;
    opts.timeouts.response_head = step_timeout;
    opts.timeouts.idle = step_timeout;
    opts.timeouts.request = 15s;
    opts.hooks.on_retry = [this](const anthropic::request_info&, const anthropic::retry_info&) { ++retries; };
    return anthropic::client(io.get_executor(), opts);
  }

  // Arms the fault for step n, or returns nothing when n is past the steps
  // before the body (which then counts from n = 3).
  std::optional<expectation> arm_head_step(std::size_t n, fault f) {
    const auto reply_kind = [&] { return streaming ? reply::stream() : reply::default_reply(); };
    switch (n) {
      case 0:  // the TLS handshake: nothing was sent, so another attempt is safe
        server.fail_next_connections(f == fault::reset   ? connection_fault::reset
                                     : f == fault::stall ? connection_fault::stall
                                                         : connection_fault::not_tls);
        return expectation{true, {}};
      case 1:  // the request arrived and no response byte came back
        if (f == fault::reset) server.enqueue(reply_kind().reset_before_head());
        if (f == fault::stall) server.enqueue(reply_kind().delay_head(stall));
        if (f == fault::garbage) {
          server.enqueue(reply::raw("SSH-2.0-OpenSSH_9.2\r\n"));
          return expectation{false, client_errc::invalid_response};
        }
        return expectation{true, {}};
      case 2:  // the response head: once it started, the POST may have been billed
        if (f == fault::reset) server.enqueue(reply::raw("HTTP/1.1 200 OK\r\ncontent-ty"));
        if (f == fault::stall) server.enqueue(reply::raw("HTTP/1.1 200 OK\r\ncontent-ty").hold_body_open());
        if (f == fault::garbage) server.enqueue(reply::raw("HTTP/1.1 2OO OK\r\n\r\n"));
        return expectation{false, f == fault::stall ? make_error_code(client_errc::response_head_timeout)
                                                    : make_error_code(client_errc::invalid_response)};
      default: return std::nullopt;
    }
  }

  // Arms the fault for body step k of a non-streamed reply: after k strides of bytes.
  expectation arm_create_body_step(std::size_t k, fault f) {
    const std::size_t at = k * body_stride;
    if (f == fault::reset) server.enqueue(reply::default_reply().reset_after_bytes(at));
    if (f == fault::stall) server.enqueue(reply::default_reply().stall_after_bytes(at, stall));
    if (f == fault::garbage) server.enqueue(reply::default_reply().corrupt_after_bytes(at));
    return {false, f == fault::reset   ? boost::system::error_code(asio::error::connection_reset)
                   : f == fault::stall ? make_error_code(client_errc::idle_timeout)
                                       : make_error_code(client_errc::invalid_json)};
  }

  // Arms the fault for body step k of a stream: after k events.
  expectation arm_stream_body_step(std::size_t k, fault f) {
    if (f == fault::reset) server.enqueue(reply::stream().reset_after_events(k));
    if (f == fault::stall) server.enqueue(reply::stream().stall_after_events(k, stall));
    if (f == fault::garbage) server.enqueue(reply::stream().bad_chunk_after_events(k));
    return {false, f == fault::reset   ? boost::system::error_code(asio::error::connection_reset)
                   : f == fault::stall ? make_error_code(client_errc::idle_timeout)
                                       : make_error_code(client_errc::invalid_response)};
  }

  // One call through the no-throw path; a stream is read to its end or error.
  // (A long create returns no message when it fails: its text is then empty.)
  // The text is the message's, or what a failed stream delivered.
  boost::system::error_code call(anthropic::client& client, std::string& text) {
    if (streaming && !long_create) {
      const auto outcome = read_stream(client);
      text = outcome.text;
      // What the stream handed out is what its message holds, error or not.
      BOOST_TEST(outcome.text == outcome.delivered_text);
      return outcome.error;
    }
    boost::system::error_code result;
    auto req = sample_request();
    if (long_create) req.max_tokens = 64'000;
    run([&]() -> asio::awaitable<void> {
      auto [ec, msg] = co_await client.async_create(req, asio::as_tuple(asio::use_awaitable));
      result = ec;
      text = msg.text();
    }());
    return result;
  }

  // Runs the matrix for one fault kind; returns the number of steps visited.
  std::size_t run_matrix(fault f) {
    for (std::size_t n = 0; n < 200; ++n) {
      BOOST_TEST_CONTEXT((long_create ? "long create" : streaming ? "stream" : "create") << ", " << f << " at step "
                                                                                           << n) {
        auto client = make_client();
        retries = 0;
        const auto requests_before = server.requests().size();
        std::optional<expectation> expected = arm_head_step(n, f);
        if (!expected)
          expected = streaming ? arm_stream_body_step(n - 3, f) : arm_create_body_step(n - 3, f);
        std::string text;
        const auto ec = call(client, text);
        const auto requests = server.requests().size() - requests_before;
        if (!ec && n >= 3) {
          // The fault fell past the last step: the whole reply went through.
          BOOST_TEST(retries == 0u);
          BOOST_TEST(requests == 1u);
          BOOST_TEST(text == full_text);
          return n;
        }
        BOOST_TEST(ec == expected->error, ec.message() << " (expected " << expected->error.message() << ")");
        BOOST_TEST(retries == (expected->retried ? 1u : 0u));
        // A request the server never read was not recorded (a failed handshake).
        BOOST_TEST(requests == (expected->retried && n > 0 ? 2u : 1u));
        if (!ec) {
          BOOST_TEST(text == full_text);
        } else {
          BOOST_TEST(full_text.starts_with(text), "partial text '" << text << "'");
        }
        // The pool is at rest, and its one slot serves the next call.
        BOOST_TEST(run_until([&] { return client.connection_slots_in_use() == client.idle_connections(); }, 10s));
        std::string next_text;
        BOOST_TEST(!call(client, next_text));
        BOOST_TEST(next_text == full_text);
      }
    }
    BOOST_FAIL("no fault ever fell past the last step");
    return 0;
  }

  void measure_full_reply() {
    auto client = make_client();
    BOOST_REQUIRE(!call(client, full_text));
    BOOST_REQUIRE(!full_text.empty());
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(fault_matrix, matrix_fixture)

BOOST_AUTO_TEST_CASE(create_under_a_fault_at_every_step) {
  measure_full_reply();
  for (fault f : {fault::reset, fault::stall, fault::garbage}) {
    const auto steps = run_matrix(f);
    // The head steps, then a non-streamed body of several strides.
    BOOST_TEST(steps > 6u, f);
  }
}

BOOST_AUTO_TEST_CASE(stream_under_a_fault_at_every_step) {
  streaming = true;
  measure_full_reply();
  for (fault f : {fault::reset, fault::stall, fault::garbage}) {
    const auto steps = run_matrix(f);
    // The head steps, then one step per event (message_start to message_stop).
    BOOST_TEST(steps == 3u + 10u, f << ": " << steps << " steps");
  }
}

// A create sent as a stream (stream_long_requests) fails like a stream, and
// returns no partial message.
BOOST_AUTO_TEST_CASE(long_create_under_a_fault_at_every_step) {
  streaming = true;
  long_create = true;
  measure_full_reply();
  for (fault f : {fault::reset, fault::stall, fault::garbage}) {
    const auto steps = run_matrix(f);
    BOOST_TEST(steps == 3u + 10u, f << ": " << steps << " steps");
  }
}

BOOST_AUTO_TEST_SUITE_END()
