// The decisions of one request, attempt after attempt, without I/O: given what an
// attempt ended with (a transport error and whether response bytes arrived, or
// a head; then perhaps an error body), what the I/O loop in exchange.hpp does
// next. Every rule of DESIGN.md's "what is retried" lives here, unit-tested
// exhaustively without sockets (test/retry/request_attempts.cpp).
#pragma once

#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/detail/sansio/proxy.hpp>
#include <anthropic/detail/sansio/retry.hpp>
#include <anthropic/detail/sansio/transport_error.hpp>
#include <anthropic/detail/sansio/url.hpp>
#include <anthropic/error.hpp>
#include <anthropic/retry_policy.hpp>

#include <boost/asio/error.hpp>
#include <boost/beast/http/message.hpp>

#include <cctype>
#include <chrono>
#include <string>
#include <string_view>

namespace anthropic::detail {

inline bool is_event_stream(std::string_view content_type) noexcept {
  constexpr std::string_view expected = "text/event-stream";
  if (content_type.size() < expected.size()) return false;
  for (std::size_t i = 0; i < expected.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(content_type[i])) != expected[i]) return false;
  return content_type.size() == expected.size() || content_type[expected.size()] == ';' ||
         content_type[expected.size()] == ' ';
}

/// What one attempt ended with, as far as the I/O saw it.
struct attempt_outcome {
  /// Of connecting, sending and reading the response head; none when a final head arrived.
  boost::system::error_code error;
  bool reused_connection = false;        ///< it ran on a pooled keep-alive connection
  bool received_response_bytes = false;  ///< any byte of a response arrived (interim heads count)
  unsigned interim_heads = 0;            ///< 1xx heads skipped before the final one
  /// The final head, when one arrived (`error` is then none).
  const boost::beast::http::response_header<>* head = nullptr;
};

/// What the I/O loop does next.
enum class attempt_action {
  deliver,          ///< a 2xx head of the expected kind: the caller reads the body
  read_error_body,  ///< an error status: read its body, then call on_error_body()
  replay,           ///< a stale pooled connection: the same attempt on a fresh one, not counted as a retry
  retry,            ///< wait `delay`, then try again (retries() already counts it)
  fail,             ///< give up with `error`; the diagnostics say why
};

struct attempt_decision {
  attempt_action action = attempt_action::fail;
  boost::system::error_code error;     ///< fail: the result; retry: what the failed attempt ended with
  std::chrono::milliseconds delay{0};  ///< retry: the wait before the next attempt
  int http_status = 0;                 ///< the attempt's status, 0 without a response head
};

/// What a retry decision needs besides the attempt: a random number in [0, 1)
/// for the jitter, the wall clock (for `retry-after` HTTP dates), and the
/// request's deadline on the steady clock (a retry that cannot start before it
/// is not made). The decisions below take a callable that returns one, called
/// only when a retry is considered: a delivered response reads no clock and
/// draws no random number.
struct retry_context {
  double random01 = 0;
  std::chrono::system_clock::time_point wall_now;
  std::chrono::steady_clock::time_point now;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

/// The attempts of one request. An attempt is retried when it failed before any
/// response byte arrived, or when a complete head says so (decide_retry:
/// status, x-should-retry). Once the server sent anything else (a garbled head,
/// half a head, a reset in the middle), the request may have been processed and
/// billed: no retry.
class request_attempts {
 public:
  request_attempts(const retry_policy& policy, bool streaming) noexcept : policy_(policy), streaming_(streaming) {}

  /// Retries decided so far.
  unsigned retries() const noexcept { return retries_; }

  /// After an attempt connected and read a response head, or failed to.
  /// Fills `diag` (status, request id, explanation) as far as the head tells.
  template <class RetryContext>
  attempt_decision on_head(const attempt_outcome& outcome, diagnostics& diag, const RetryContext& context) {
    namespace http = boost::beast::http;
    if (!outcome.head) return on_failure_before_head(outcome, diag, context);
    const auto& head = *outcome.head;
    const int status = static_cast<int>(head.result_int());
    diag.http_status = status;
    diag.request_id = std::string(response_request_id(head));
    if (status >= 200 && status < 300) {
      if (!streaming_ || is_event_stream(head[http::field::content_type])) {
        diag.clear();
        return {attempt_action::deliver, {}, {}, status};
      }
      diag.client_message = "expected text/event-stream, got '" + body_snippet(head[http::field::content_type], 100) + "'";
      return fail(client_errc::unexpected_content_type, status);
    }
    if (status >= 300 && status < 400) {
      // Never followed: the key would go wherever the server points. Saying
      // where lets the user fix the base URL (http -> https, a moved router).
      const auto location = head[http::field::location];
      diag.client_message = location.empty() ? "without a Location header" : "to '" + redacted_url(location) + "'";
      return fail(client_errc::unexpected_redirect, status);
    }
    return {attempt_action::read_error_body, {}, {}, status};
  }

  /// After the body of an error status was read (as far as it could be: what
  /// arrived of a body cut short still explains the status).
  template <class RetryContext>
  attempt_decision on_error_body(const boost::beast::http::response_header<>& head, std::string_view body,
                                 diagnostics& diag, const RetryContext& context) {
    const int status = static_cast<int>(head.result_int());
    const auto ec = parse_error_response(status, body, response_request_id(head), diag);
    return retry_or_fail(ec, status, &head, context());
  }

 private:
  template <class RetryContext>
  attempt_decision on_failure_before_head(const attempt_outcome& outcome, diagnostics& diag,
                                          const RetryContext& context) {
    const auto& ec = outcome.error;
    if (ec == boost::asio::error::operation_aborted) return fail(ec, 0);
    if (outcome.reused_connection && !outcome.received_response_bytes && is_retryable_transport_error(ec) &&
        ec.category() != client_category()) {
      // The server closed the idle connection before we used it: not the
      // request's fault, so a fresh connection is tried without counting a retry.
      return {attempt_action::replay, ec, {}, 0};
    }
    const auto described = describe_head_failure(outcome, diag);
    // A proxy that could not reach the API (diag.http_status is its status)
    // sent nothing there: retried like a failed connection.
    const bool transient_proxy_refusal =
        described == client_errc::proxy_refused && is_transient_proxy_refusal(diag.http_status);
    if (outcome.received_response_bytes || !(is_retryable_transport_error(described) || transient_proxy_refusal))
      return fail(described, 0);
    return retry_or_fail(described, 0, nullptr, context());
  }

  /// In words for diagnostics. Once response bytes arrived, bytes that are not
  /// HTTP and a head cut short are client_errc::invalid_response; other
  /// failures keep the explanation the failing step gave (a certificate
  /// problem, say), and the error code's own message says the rest.
  static boost::system::error_code describe_head_failure(const attempt_outcome& outcome, diagnostics& diag) {
    const auto& ec = outcome.error;
    std::string detail;
    if (outcome.received_response_bytes && ec.category() != client_category()) {
      const auto classified = classify_read_failure(ec, client_errc::invalid_response, detail);
      if (classified == client_errc::invalid_response) {
        if (diag.client_message.empty()) diag.client_message = "in the response head: " + detail;
        return classified;
      }
    }
    if (ec == client_errc::invalid_response && diag.client_message.empty())
      diag.client_message = outcome.interim_heads > 0 ? "too many interim (1xx) response heads or a 101 Switching Protocols"
                                               : "the response head was refused";
    return ec;
  }

  attempt_decision retry_or_fail(boost::system::error_code ec, int status, const boost::beast::http::fields* headers,
                                 const retry_context& context) {
    const auto decision = decide_retry(policy_, retries_, status, headers, context.random01, context.wall_now);
    if (!decision.retry || context.now + decision.delay >= context.deadline) return fail(ec, status);
    ++retries_;
    return {attempt_action::retry, ec, decision.delay, status};
  }

  static attempt_decision fail(boost::system::error_code ec, int status) {
    return {attempt_action::fail, ec, {}, status};
  }

  const retry_policy& policy_;
  bool streaming_;
  unsigned retries_ = 0;
};

}  // namespace anthropic::detail
