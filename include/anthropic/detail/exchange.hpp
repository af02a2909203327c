// One request, start to response head, with everything DESIGN.md promises on the way:
// a pooled connection (a stale one replaced transparently), per-phase timeouts,
// retries as decide_retry() says, API errors turned into codes and diagnostics.
#pragma once

#include <anthropic/detail/client_core.hpp>
#include <anthropic/detail/connection.hpp>
#include <anthropic/detail/deadline.hpp>
#include <anthropic/detail/error_response.hpp>
#include <anthropic/detail/op_control.hpp>
#include <anthropic/detail/retry.hpp>
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

/// Failures before any response byte that another attempt may cure: refused or
/// reset connections, a stale keep-alive socket, slow phases. Cancellation, the
/// whole-request deadline, an untrusted certificate and configuration errors are final.
inline bool is_retryable_transport_error(const boost::system::error_code& ec) noexcept {
  if (ec == boost::asio::error::operation_aborted) return false;
  if (ec.category() == client_category()) {
    switch (static_cast<client_errc>(ec.value())) {
      case client_errc::resolve_timeout:
      case client_errc::connect_timeout:
      case client_errc::tls_handshake_timeout:
      case client_errc::response_head_timeout: return true;
      default: return false;
    }
  }
  return ec.category() != api_category();
}

/// Reads the rest of a response body into `out`. More than `limit` bytes fail with
/// client_errc::response_too_large (the connection is then not reusable).
inline boost::asio::awaitable<boost::system::error_code> async_read_whole_body(connection& conn, std::string& out,
                                                                             std::size_t limit,
                                                                             const timeout_options& timeouts,
                                                                             clock::time_point deadline) {
  out.clear();
  if (auto length = conn.content_length(); length && *length > limit)
    co_return make_error_code(client_errc::response_too_large);
  if (auto length = conn.content_length()) out.reserve(static_cast<std::size_t>(*length));
  for (;;) {
    auto [ec, piece] = co_await conn.async_read_body_some(limit_for(timeouts.idle, client_errc::idle_timeout, deadline));
    if (ec) co_return ec;
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

/// Sends `request` until a 2xx response head arrives or retrying is over. On
/// success returns the connection, positioned at the start of the body; the
/// caller reads the body and hands the connection back to the pool. On failure
/// `diag` describes the last attempt.
inline boost::asio::awaitable<std::pair<boost::system::error_code, std::unique_ptr<connection>>> async_request_head(
    std::shared_ptr<client_core> core, op_control& control, http_request& request, const request_info& info,
    clock::time_point deadline, diagnostics& diag, bool streaming) {
  const client_options& opts = core->options();
  const auto& hooks = opts.hooks;
  auto failed = [](boost::system::error_code ec) {
    return std::pair{ec, std::unique_ptr<connection>{}};
  };
  unsigned retries = 0;
  bool fresh_only = false;
  std::string error_body;
  for (;;) {
    diag.clear();
    if (control.cancelled) co_return failed(boost::asio::error::operation_aborted);
    auto [acquire_ec, conn] = co_await core->pool().async_acquire(deadline, control, fresh_only);
    if (acquire_ec) co_return failed(acquire_ec);
    fresh_only = false;
    control.active_connection = conn.get();
    const bool reused = conn->is_open();

    boost::system::error_code ec;
    if (control.cancelled) ec = boost::asio::error::operation_aborted;
    if (!ec && !reused) ec = co_await conn->async_open(core->url(), opts.timeouts, deadline, opts.tls.verify_peer, diag);
    if (!ec)
      ec = co_await conn->async_exchange_head(
          request, limit_for(opts.timeouts.response_head, client_errc::response_head_timeout, deadline));
    if (control.cancelled) ec = boost::asio::error::operation_aborted;

    if (ec && reused && !conn->received_response_bytes() && is_retryable_transport_error(ec) &&
        ec.category() != client_category()) {
      // The server closed the idle connection before we used it: not the
      // request's fault, so a fresh connection is tried without counting a retry.
      control.active_connection = nullptr;
      core->pool().release(std::move(conn), false);
      fresh_only = true;
      continue;
    }

    int status = 0;
    const boost::beast::http::fields* headers = nullptr;
    if (!ec) {
      status = static_cast<int>(conn->head().result_int());
      headers = &conn->head();
      if (hooks.on_response) hooks.on_response(info, status);
      if (status >= 200 && status < 300) {
        if (!streaming || is_event_stream(conn->head()[boost::beast::http::field::content_type])) {
          control.active_connection = nullptr;
          co_return std::pair{boost::system::error_code{}, std::move(conn)};
        }
        diag.http_status = status;
        diag.request_id = std::string(conn->head()["request-id"]);
        diag.message = "expected a text/event-stream response, got '" +
                       std::string(conn->head()[boost::beast::http::field::content_type]) + "'";
        control.active_connection = nullptr;
        core->pool().release(std::move(conn), false);
        co_return failed(make_error_code(client_errc::unexpected_content_type));
      }
      // An API error: its body says which. A body we cannot read fully still
      // leaves the status and what arrived.
      auto body_ec = co_await async_read_whole_body(*conn, error_body, opts.max_response_size, opts.timeouts, deadline);
      if (control.cancelled) co_return failed(boost::asio::error::operation_aborted);
      (void)body_ec;
      ec = parse_error_response(status, error_body, conn->head()["request-id"], diag);
    } else if (!diag.message.empty() || ec == boost::asio::error::operation_aborted) {
      // keep the explanation the failing step gave (e.g. a certificate problem)
    } else {
      diag.message = ec.message();
    }

    const bool may_retry = status != 0 || is_retryable_transport_error(ec);
    const auto decision = may_retry ? decide_retry(opts.retry, retries, status, headers, core->random01(),
                                                   std::chrono::system_clock::now())
                                    : retry_decision{};
    control.active_connection = nullptr;
    const bool reusable = conn->finish_exchange();
    core->pool().release(std::move(conn), reusable);
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
