// The decisions of a request, attempt by attempt, without sockets: every
// transport failure before, during and after the response head, every kind of
// status, on a fresh or a pooled connection, with retries left or not.
#include <anthropic/detail/sansio/request_attempts.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using anthropic::client_errc;
using anthropic::diagnostics;
using anthropic::retry_policy;
using anthropic::detail::attempt_action;
using anthropic::detail::attempt_decision;
using anthropic::detail::attempt_outcome;
using anthropic::detail::request_attempts;
using anthropic::detail::retry_context;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace anthropic::detail {
std::ostream& operator<<(std::ostream& os, attempt_action a) {
  constexpr const char* names[] = {"deliver", "read_error_body", "replay", "retry", "fail"};
  return os << names[static_cast<int>(a)];
}
}  // namespace anthropic::detail

namespace {

const auto start = std::chrono::steady_clock::time_point{} + 1h;

// What the I/O loop hands the decisions: a source of retry contexts.
auto context(std::chrono::milliseconds time_left = 10min) {
  return [time_left] {
    return retry_context{0.0, std::chrono::system_clock::time_point{} + 24h, start, start + time_left};
  };
}

retry_policy quick_policy(unsigned max_retries = 2) {
  retry_policy p;
  p.max_retries = max_retries;
  p.initial_delay = 100ms;
  p.max_delay = 1s;
  p.max_jitter = 0;
  return p;
}

http::response_header<> head(unsigned status, std::initializer_list<std::pair<const char*, const char*>> fields = {}) {
  http::response_header<> h;
  h.result(status);
  for (auto& [name, value] : fields) h.insert(name, value);
  return h;
}

// A failure before any final head, as the I/O would report it.
struct transport_failure {
  const char* what;
  error_code error;
  bool retryable;              // before any response byte, on a fresh connection
  bool stale_connection_like;  // on a pooled connection: the server closed it while idle
  error_code after_bytes;      // what it reads as once response bytes arrived (never retried)
};

std::vector<transport_failure> transport_failures() {
  const error_code invalid = client_errc::invalid_response;
  return {
      {"eof", asio::error::eof, true, true, invalid},
      {"reset", asio::error::connection_reset, true, true, asio::error::connection_reset},
      {"refused", asio::error::connection_refused, true, true, asio::error::connection_refused},
      {"TLS close without close_notify", asio::ssl::error::stream_truncated, true, true, invalid},
      {"Beast end_of_stream", http::error::end_of_stream, true, true, invalid},
      {"Beast partial_message", http::error::partial_message, true, true, invalid},
      {"garbled status line", http::error::bad_version, true, true, invalid},
      {"header section over the limit", http::error::header_limit, true, true, invalid},
      {"doubled Content-Length", http::error::bad_content_length, true, true, invalid},
      {"connect timeout", client_errc::connect_timeout, true, false, client_errc::connect_timeout},
      {"TLS handshake timeout", client_errc::tls_handshake_timeout, true, false, client_errc::tls_handshake_timeout},
      {"response head timeout", client_errc::response_head_timeout, true, false, client_errc::response_head_timeout},
      {"request timeout", client_errc::request_timeout, false, false, client_errc::request_timeout},
      {"untrusted certificate", client_errc::tls_verification_failed, false, false,
       client_errc::tls_verification_failed},
      {"refused 1xx head", client_errc::invalid_response, false, false, client_errc::invalid_response},
      {"cancelled", asio::error::operation_aborted, false, false, asio::error::operation_aborted},
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_attempts_decisions)

// Every transport failure before a head, on fresh and pooled connections, with
// and without response bytes, with retries left or not.
BOOST_AUTO_TEST_CASE(failures_before_a_head) {
  for (const auto& f : transport_failures()) {
    for (bool reused : {false, true}) {
      for (bool bytes : {false, true}) {
        for (unsigned max_retries : {0u, 2u}) {
          BOOST_TEST_CONTEXT(f.what << (reused ? ", pooled" : ", fresh") << (bytes ? ", after response bytes" : "")
                                    << ", max_retries " << max_retries) {
            const auto policy = quick_policy(max_retries);
            request_attempts attempts(policy, false);
            diagnostics diag;
            const auto d = attempts.on_head(attempt_outcome{f.error, reused, bytes, 0, nullptr}, diag, context());
            if (bytes) {
              // The request may have been processed: never sent again.
              BOOST_TEST(d.action == attempt_action::fail);
              BOOST_TEST(d.error == f.after_bytes, d.error.message());
              if (d.error == client_errc::invalid_response) BOOST_TEST(!diag.client_message.empty());
            } else if (reused && f.stale_connection_like) {
              BOOST_TEST(d.action == attempt_action::replay);
              BOOST_TEST(attempts.retries() == 0u);
            } else if (f.retryable && max_retries > 0) {
              BOOST_TEST(d.action == attempt_action::retry);
              BOOST_TEST(d.error == f.error);
              BOOST_TEST(d.delay == 100ms);
              BOOST_TEST(attempts.retries() == 1u);
            } else {
              BOOST_TEST(d.action == attempt_action::fail);
              BOOST_TEST(d.error == f.error, d.error.message());
            }
            BOOST_TEST(d.http_status == 0);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(retries_stop_at_the_policy_limit_and_the_deadline) {
  const auto policy = quick_policy(2);
  request_attempts attempts(policy, false);
  diagnostics diag;
  const attempt_outcome reset{asio::error::connection_reset, false, false, 0, nullptr};
  auto first = attempts.on_head(reset, diag, context());
  auto second = attempts.on_head(reset, diag, context());
  auto third = attempts.on_head(reset, diag, context());
  BOOST_TEST(first.action == attempt_action::retry);
  BOOST_TEST(first.delay == 100ms);
  BOOST_TEST(second.action == attempt_action::retry);
  BOOST_TEST(second.delay == 200ms);  // exponential backoff
  BOOST_TEST(third.action == attempt_action::fail);
  BOOST_TEST(attempts.retries() == 2u);

  // A retry that could not start before the request's deadline is not made.
  request_attempts late(policy, false);
  auto d = late.on_head(reset, diag, context(100ms));
  BOOST_TEST(d.action == attempt_action::fail);
  BOOST_TEST((d.error == asio::error::connection_reset));
  BOOST_TEST(late.retries() == 0u);
}

BOOST_AUTO_TEST_CASE(interim_heads_explain_a_refused_head) {
  const auto policy = quick_policy();
  request_attempts attempts(policy, false);
  diagnostics diag;
  attempts.on_head(attempt_outcome{client_errc::invalid_response, false, true, 17, nullptr}, diag, context());
  BOOST_TEST(diag.client_message.find("interim (1xx)") != std::string::npos, diag.client_message);
  // An explanation the failing step already gave is kept.
  diag.client_message = "certificate has expired";
  attempts.on_head(attempt_outcome{client_errc::tls_verification_failed, false, false, 0, nullptr}, diag, context());
  BOOST_TEST(diag.client_message == "certificate has expired");
}

BOOST_AUTO_TEST_CASE(success_heads_are_delivered_when_of_the_expected_kind) {
  struct head_case {
    unsigned status;
    const char* content_type;
    bool streaming;
    bool delivered;
  };
  for (const auto& c : std::vector<head_case>{{200, "application/json", false, true},
                                              {201, "application/json", false, true},
                                              {204, "", false, true},
                                              {200, "text/event-stream", true, true},
                                              {200, "text/event-stream; charset=utf-8", true, true},
                                              {200, "TEXT/Event-Stream", true, true},
                                              {200, "application/json", true, false},
                                              {200, "text/event-streamer", true, false},
                                              {200, "", true, false}}) {
    BOOST_TEST_CONTEXT(c.status << " '" << c.content_type << "'" << (c.streaming ? ", streaming" : "")) {
      const auto policy = quick_policy();
      request_attempts attempts(policy, c.streaming);
      auto h = head(c.status, {{"content-type", c.content_type}, {"request-id", "req_1"}});
      diagnostics diag;
      diag.client_message = "from an earlier attempt";
      // No retry is considered: the clocks and the random source stay untouched.
      int context_calls = 0;
      auto counted = [&] {
        ++context_calls;
        return context()();
      };
      const auto d = attempts.on_head(attempt_outcome{{}, false, true, 0, &h}, diag, counted);
      BOOST_TEST(context_calls == 0);
      BOOST_TEST(d.http_status == static_cast<int>(c.status));
      if (c.delivered) {
        BOOST_TEST(d.action == attempt_action::deliver);
        BOOST_TEST(diag.client_message.empty());
      } else {
        BOOST_TEST(d.action == attempt_action::fail);
        BOOST_TEST((d.error == client_errc::unexpected_content_type));
        BOOST_TEST(diag.request_id == "req_1");
        BOOST_TEST(diag.client_message.find(std::string("got '") + c.content_type + "'") != std::string::npos, diag.client_message);
      }
    }
  }
}

// A redirect is never followed (the key would follow it) nor retried, whatever
// the server says; the diagnostics say where it pointed, without credentials.
BOOST_AUTO_TEST_CASE(redirects_fail_and_say_where) {
  for (unsigned status : {301u, 302u, 303u, 307u, 308u}) {
    BOOST_TEST_CONTEXT("status " << status) {
      const auto policy = quick_policy();
      request_attempts attempts(policy, false);
      auto h = head(status, {{"location", "https://user:secret@elsewhere.example/v1"}, {"x-should-retry", "true"}});
      diagnostics diag;
      const auto d = attempts.on_head(attempt_outcome{{}, false, true, 0, &h}, diag, context());
      BOOST_TEST(d.action == attempt_action::fail);
      BOOST_TEST((d.error == client_errc::unexpected_redirect));
      BOOST_TEST(diag.http_status == static_cast<int>(status));
      BOOST_TEST(diag.client_message.find("elsewhere.example") != std::string::npos, diag.client_message);
      BOOST_TEST(diag.client_message.find("secret") == std::string::npos, diag.client_message);
    }
  }
  const auto policy = quick_policy();
  request_attempts attempts(policy, false);
  auto h = head(302);
  diagnostics diag;
  attempts.on_head(attempt_outcome{{}, false, true, 0, &h}, diag, context());
  BOOST_TEST(diag.client_message == "without a Location header");
}

// An error status: its body is read first, then the status, x-should-retry and
// the retries left decide; the code comes from the body's error type.
BOOST_AUTO_TEST_CASE(error_statuses_read_their_body_then_retry_as_the_server_says) {
  struct status_case {
    unsigned status;
    const char* type;
    bool retried_by_default;
  };
  const std::vector<status_case> statuses = {
      {400, "invalid_request_error", false}, {401, "authentication_error", false}, {403, "permission_error", false},
      {404, "not_found_error", false},       {408, "timeout_error", true},          {409, "api_error", true},
      {413, "request_too_large", false},     {429, "rate_limit_error", true},       {500, "api_error", true},
      {503, "api_error", true},              {529, "overloaded_error", true},       {418, "teapot_error", false}};
  for (const auto& s : statuses) {
    for (const char* should_retry : {"", "true", "false"}) {
      for (unsigned max_retries : {0u, 1u}) {
        BOOST_TEST_CONTEXT(s.status << ", x-should-retry '" << should_retry << "', max_retries " << max_retries) {
          const auto policy = quick_policy(max_retries);
          request_attempts attempts(policy, false);
          auto h = head(s.status, {{"request-id", "req_7"}});
          if (*should_retry) h.set("x-should-retry", should_retry);
          diagnostics diag;
          auto d = attempts.on_head(attempt_outcome{{}, true, true, 0, &h}, diag, context());
          BOOST_TEST(d.action == attempt_action::read_error_body);
          const std::string body = std::string(R"({"type":"error","error":{"type":")") + s.type +
                                   R"(","message":"m"}})";
          d = attempts.on_error_body(h, body, diag, context());
          const bool wanted = std::string(should_retry) == "true"    ? true
                              : std::string(should_retry) == "false" ? false
                                                                     : s.retried_by_default;
          BOOST_TEST(d.action == (wanted && max_retries > 0 ? attempt_action::retry : attempt_action::fail));
          BOOST_TEST(d.http_status == static_cast<int>(s.status));
          BOOST_TEST((d.error == anthropic::api_errc_from(static_cast<int>(s.status), s.type)));
          BOOST_TEST(diag.http_status == static_cast<int>(s.status));
          BOOST_TEST(diag.server_message == "m");
          BOOST_TEST(diag.request_id == "req_7");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_server_delay_is_waited_unless_it_misses_the_deadline) {
  const auto policy = quick_policy();
  auto h = head(429, {{"retry-after-ms", "1500"}});
  diagnostics diag;
  request_attempts attempts(policy, false);
  auto d = attempts.on_error_body(h, "", diag, context());
  BOOST_TEST(d.action == attempt_action::retry);
  BOOST_TEST(d.delay == 1500ms);
  request_attempts hurried(policy, false);
  d = hurried.on_error_body(h, "", diag, context(1s));
  BOOST_TEST(d.action == attempt_action::fail);
  BOOST_TEST((d.error == anthropic::api_errc::rate_limit_error));
  // A body that is not the API's JSON still gives the status's code and a snippet.
  request_attempts plain(policy, false);
  auto bad_gateway = head(502);
  d = plain.on_error_body(bad_gateway, "<html>\r\nBad \x1b[2J Gateway</html>", diag, context());
  BOOST_TEST(d.action == attempt_action::retry);
  BOOST_TEST((d.error == anthropic::api_errc::unknown_error));
  BOOST_TEST(diag.server_message == "<html> Bad [2J Gateway</html>");
}

BOOST_AUTO_TEST_SUITE_END()
