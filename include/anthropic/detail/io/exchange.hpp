// One request, start to response head, with everything DESIGN.md promises on the way:
// a pooled connection (a stale one replaced transparently), per-phase timeouts,
// retries as request_attempts decides (never after the server answered unless its
// complete head asks for it), API errors turned into codes and diagnostics.
#pragma once

#include <anthropic/detail/io/call_context.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/connection.hpp>
#include <anthropic/detail/io/connection_lease.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/detail/sansio/deadline.hpp>
#include <anthropic/detail/sansio/request_attempts.hpp>
#include <anthropic/detail/sansio/response_head.hpp>
#include <anthropic/detail/sansio/transport_error.hpp>
#include <anthropic/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>

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

/// Sends `call.request` until a 2xx response head arrives or retrying is over,
/// with the call's timeouts, retry policy and deadline. On success returns the
/// connection, positioned at the start of the body; the caller reads the body
/// and releases the lease (and makes diag.response from the head if it wants
/// it: a stream holds it in its parser until then). On failure `diag`
/// describes the last attempt, its response head included when one arrived.
///
/// This loop only carries out what request_attempts decides (deliver, read the
/// error body, replay on a fresh connection, retry after a delay, fail): every
/// rule is there, tested without sockets.
inline boost::asio::awaitable<std::pair<boost::system::error_code, connection_lease>> async_request_head(
    call_context& call, diagnostics& diag, bool streaming, upload_body* upload = nullptr) {
  const auto& core = call.core;
  op_control& control = *call.control;
  const client_options& opts = core->options();
  const auto& hooks = opts.hooks;
  const auto& timeouts = call.timeouts;
  const auto deadline = call.deadline;
  auto failed = [](boost::system::error_code ec) { return std::pair{ec, connection_lease{}}; };
  request_attempts attempts(call.retry, streaming);
  auto context = [&] {
    return retry_context{core->random01(), std::chrono::system_clock::now(), clock::now(), deadline};
  };
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
      if (!ec && !reused) ec = co_await conn->async_open(core->url(), timeouts, deadline, opts.tls.verify_peer, diag);
      if (!ec)
        ec = co_await conn->async_exchange_head(
            call.request, limit_for(timeouts.response_head, client_errc::response_head_timeout, deadline), upload);
      if (control.cancelled) ec = boost::asio::error::operation_aborted;
    }
    const attempt_outcome outcome{ec, reused, conn->received_response_bytes(), conn->interim_heads(),
                                  ec ? nullptr : &conn->head()};
    if (outcome.head && hooks.on_response) {
      response_metadata response;
      read_response_metadata(*outcome.head, response);
      hooks.on_response(call.info, response);
    }
    auto decision = attempts.on_head(outcome, diag, context);

    if (decision.action == attempt_action::read_error_body) {
      // A body we cannot read fully still leaves the status and what arrived.
      std::string ignored;
      {
        watched_connection watch(control, conn.get());
        auto body_ec = co_await async_read_whole_body(*conn, error_body, opts.max_response_size, timeouts,
                                                      deadline, ignored);
        (void)body_ec;
      }
      if (control.cancelled) co_return failed(boost::asio::error::operation_aborted);
      decision = attempts.on_error_body(conn->head(), error_body, diag, context);
    }
    // A failure keeps the head it ended with (a retried attempt's is
    // replaced by the next one's).
    if (outcome.head && decision.action != attempt_action::deliver)
      read_response_metadata(conn->head(), diag.response);

    if (decision.action == attempt_action::deliver) co_return std::pair{boost::system::error_code{}, std::move(conn)};
    if (decision.action == attempt_action::replay) {
      conn.release(false);
      fresh_only = true;
      continue;
    }
    conn.finish();
    if (decision.action != attempt_action::retry) co_return failed(decision.error);
    if (hooks.on_retry)
      hooks.on_retry(call.info, retry_info{attempts.retries(), decision.http_status, decision.error, decision.delay});
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
