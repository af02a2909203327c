// One request, start to response head, with everything DESIGN.md promises on the way:
// a pooled connection (a stale one replaced transparently), per-phase timeouts,
// retries as decide_retry() says (never after the server answered unless its
// complete head asks for it), API errors turned into codes and diagnostics.
#pragma once

#include <anthropic/detail/client_core.hpp>
#include <anthropic/detail/connection.hpp>
#include <anthropic/detail/connection_lease.hpp>
#include <anthropic/detail/deadline.hpp>
#include <anthropic/detail/error_response.hpp>
#include <anthropic/detail/op_control.hpp>
#include <anthropic/detail/retry.hpp>
#include <anthropic/detail/transport_error.hpp>
#include <anthropic/detail/url.hpp>
#include <anthropic/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <string>
#include <utility>

namespace anthropic::detail {

/// Reads the rest of a response body into `out`. More than `limit` bytes fail with
/// client_errc::response_too_large; a body cut short with response_truncated, bytes
/// that are not HTTP framing with invalid_response (`detail` says more). The
/// connection is then not reusable.
inline boost::asio::awaitable<boost::system::error_code> async_read_whole_body(connection& conn, std::string& out,
                                                                             std::size_t limit,
                                                                             const timeout_options& timeouts,
                                                                             clock::time_point deadline,
                                                                             std::string& detail) {
  out.clear();
  if (auto length = conn.content_length(); length && *length > limit)
    co_return make_error_code(client_errc::response_too_large);
  if (auto length = conn.content_length()) out.reserve(static_cast<std::size_t>(*length));
  for (;;) {
    auto [ec, piece] = co_await conn.async_read_body_some(limit_for(timeouts.idle, client_errc::idle_timeout, deadline));
    if (ec) co_return classify_read_failure(ec, client_errc::response_truncated, detail);
    if (piece.empty()) co_return boost::system::error_code{};
    if (out.size() + piece.size() > limit) co_return make_error_code(client_errc::response_too_large);
    out.append(piece);
  }
}

inline bool is_event_stream(std::string_view content_type) noexcept {
  constexpr std::string_view expected = "text/event-stream";
  if (content_type.size() < expected.size()) return false;
  for (std::size_t i = 0; i < expected.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(content_type[i])) != expected[i]) return false;
  return content_type.size() == expected.size() || content_type[expected.size()] == ';' ||
         content_type[expected.size()] == ' ';
}

/// What went wrong with an attempt that received no complete response head, in
/// words for diagnostics. Once response bytes arrived, bytes that are not HTTP
/// and a head cut short are client_errc::invalid_response.
inline boost::system::error_code describe_head_failure(boost::system::error_code ec, const connection& conn,
                                                       diagnostics& diag) {
  if (ec == boost::asio::error::operation_aborted) return ec;
  std::string detail;
  if (conn.received_response_bytes() && ec.category() != client_category()) {
    const auto classified = classify_read_failure(ec, client_errc::invalid_response, detail);
    if (classified == client_errc::invalid_response) {
      if (diag.message.empty()) diag.message = "in the response head: " + detail;
      return classified;
    }
  }
  if (ec == client_errc::invalid_response && diag.message.empty())
    diag.message = conn.interim_heads() > 0 ? "too many interim (1xx) response heads or a 101 Switching Protocols"
                                            : "the response head was refused";
  // Other failures keep the explanation the failing step gave (e.g. a
  // certificate problem); the error code's own message says the rest.
  return ec;
}

/// Sends `request` until a 2xx response head arrives or retrying is over. On
/// success returns the connection, positioned at the start of the body; the
/// caller reads the body and releases the lease. On failure `diag` describes
/// the last attempt.
///
/// An attempt is retried when it failed before any response byte arrived, or
/// when a complete head says so (decide_retry: status, x-should-retry). Once
/// the server sent anything else (a garbled head, half a head, a reset in the
/// middle) the request may have been processed and billed: no retry.
inline boost::asio::awaitable<std::pair<boost::system::error_code, connection_lease>> async_request_head(
    std::shared_ptr<client_core> core, op_control& control, http_request& request, const request_info& info,
    clock::time_point deadline, diagnostics& diag, bool streaming) {
  namespace http = boost::beast::http;
  const client_options& opts = core->options();
  const auto& hooks = opts.hooks;
  auto failed = [](boost::system::error_code ec) { return std::pair{ec, connection_lease{}}; };
  unsigned retries = 0;
  bool fresh_only = false;
  std::string error_body;
  for (;;) {
    diag.clear();
    if (control.cancelled) co_return failed(boost::asio::error::operation_aborted);
    auto [acquire_ec, acquired] = co_await core->pool().async_acquire(deadline, control, fresh_only);
    if (acquire_ec) co_return failed(acquire_ec);
    connection_lease conn(core, std::move(acquired));
    fresh_only = false;
    const bool reused = conn->is_open();

    boost::system::error_code ec;
    {
      watched_connection watch(control, conn.get());
      if (control.cancelled) ec = boost::asio::error::operation_aborted;
      if (!ec && !reused) ec = co_await conn->async_open(core->url(), opts.timeouts, deadline, opts.tls.verify_peer, diag);
      if (!ec)
        ec = co_await conn->async_exchange_head(
            request, limit_for(opts.timeouts.response_head, client_errc::response_head_timeout, deadline));
      if (control.cancelled) ec = boost::asio::error::operation_aborted;
    }

    if (ec && reused && !conn->received_response_bytes() && is_retryable_transport_error(ec) &&
        ec.category() != client_category()) {
      // The server closed the idle connection before we used it: not the
      // request's fault, so a fresh connection is tried without counting a retry.
      conn.release(false);
      fresh_only = true;
      continue;
    }

    int status = 0;
    const http::fields* headers = nullptr;
    if (!ec) {
      status = static_cast<int>(conn->head().result_int());
      headers = &conn->head();
      diag.http_status = status;
      diag.request_id = std::string(conn->head()["request-id"]);
      if (hooks.on_response) hooks.on_response(info, status);
      if (status >= 200 && status < 300) {
        if (!streaming || is_event_stream(conn->head()[http::field::content_type])) {
          diag.clear();
          co_return std::pair{boost::system::error_code{}, std::move(conn)};
        }
        diag.message = "expected text/event-stream, got '" +
                       body_snippet(conn->head()[http::field::content_type], 100) + "'";
        co_return failed(make_error_code(client_errc::unexpected_content_type));
      }
      if (status >= 300 && status < 400) {
        // Never followed: the key would go wherever the server points. Saying
        // where lets the user fix the base URL (http -> https, a moved router).
        const auto location = conn->head()[http::field::location];
        diag.message = location.empty() ? "without a Location header"
                                        : "to '" + redacted_url(location) + "'";
        co_return failed(make_error_code(client_errc::unexpected_redirect));
      }
      // An API error: its body says which. A body we cannot read fully still
      // leaves the status and what arrived.
      std::string ignored;
      {
        watched_connection watch(control, conn.get());
        auto body_ec = co_await async_read_whole_body(*conn, error_body, opts.max_response_size, opts.timeouts,
                                                      deadline, ignored);
        (void)body_ec;
      }
      if (control.cancelled) co_return failed(boost::asio::error::operation_aborted);
      ec = parse_error_response(status, error_body, conn->head()["request-id"], diag);
    } else {
      ec = describe_head_failure(ec, *conn, diag);
    }

    const bool may_retry = status != 0 || (is_retryable_transport_error(ec) && !conn->received_response_bytes());
    const auto decision = may_retry ? decide_retry(opts.retry, retries, status, headers, core->random01(),
                                                   std::chrono::system_clock::now())
                                    : retry_decision{};
    conn.finish();
    if (!decision.retry || clock::now() + decision.delay >= deadline) co_return failed(ec);

    ++retries;
    if (hooks.on_retry) hooks.on_retry(info, retry_info{retries, status, ec, decision.delay});
    boost::asio::steady_timer timer(core->executor(), decision.delay);
    control.active_timer = &timer;
    // (Binding the result sidesteps a GCC 12 bug that destroys a discarded
    // co_await temporary twice.)
    auto [wait_ec] = co_await timer.async_wait(use_tuple);
    (void)wait_ec;
    control.active_timer = nullptr;
  }
}

}  // namespace anthropic::detail
