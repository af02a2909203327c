// message_stream: the events of one streamed response (POST /v1/messages with
// "stream": true), handed out one at a time, and the message they add up to.
#pragma once

#include <anthropic/completion.hpp>
#include <anthropic/config.hpp>
#include <anthropic/detail/awaitable_token.hpp>
#include <anthropic/error.hpp>
#include <anthropic/response.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/stream_event.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <memory>
#include <string_view>
#include <tuple>
#include <utility>

namespace anthropic {

namespace detail {
class stream_state;
}  // namespace detail

/// The events of one streamed response, as started by client::async_stream.
///
/// Call async_next() until it yields a null event pointer: every event the
/// server sends is handed out in order (message_start, content blocks and their
/// deltas, ping, message_delta, message_stop, and types this library does not
/// know yet), and folded into message(). The connection goes back to the pool
/// after the null pointer, or is closed when the stream fails or is destroyed
/// before its end.
///
/// Thread safety: distinct streams are independent; one stream is used by one
/// caller at a time (a second concurrent async_next fails with
/// client_errc::operation_in_progress). Movable, not copyable.
class message_stream {
 public:
  /// The handler signature of async_next.
  using next_signature = void(boost::system::error_code, const stream_event*);

  /// An empty stream (what a failed async_stream hands out): async_next fails
  /// with boost::asio::error::not_connected, message() is empty.
  message_stream() = default;
  explicit message_stream(std::shared_ptr<detail::stream_state> state) noexcept : state_(std::move(state)) {}

  /// Reads the next event.
  ///
  /// - Handler signature: `void(boost::system::error_code, const anthropic::stream_event*)`.
  ///   The pointer is null at the end of the stream (after message_stop was handed
  ///   out) and on error. The event and every view it hands out stay valid until
  ///   the next call on this stream or its destruction (zero-copy: they point into
  ///   the receive buffer).
  /// - Executor: the work runs on the client's executor; the handler is invoked
  ///   through its associated executor.
  /// - Cancellation: terminal and partial (per-operation slot, e.g.
  ///   `asio::cancel_after`, `||`): the stream's connection is closed, the stream
  ///   fails with boost::asio::error::operation_aborted; other streams and the
  ///   client are not affected.
  /// - Errors: client_errc::stream_truncated (the body or connection ended before
  ///   message_stop), idle_timeout, request_timeout, event_too_large,
  ///   invalid_json / invalid_message (an undecodable event), unexpected_event and
  ///   the other accumulation errors, an api_errc for an `error` event (with the
  ///   error's type and message in the diagnostics). A failed stream keeps failing
  ///   with the same error; message() still holds what arrived. Never retried.
  /// - Default token: `co_await stream.async_next()` throws anthropic::error_with_diagnostics.
  /// - Coroutines (`use_awaitable`, `as_tuple(use_awaitable)`, the default
  ///   token): an event already received is handed out when the call is
  ///   awaited, without a trip through the scheduler (a coroutine resuming a
  ///   coroutine, as the awaitable model allows), and a coroutine running on
  ///   the client's executor reads the next bytes itself (cancelled through
  ///   its cancellation state, e.g. by `||`); with any other token the
  ///   handler is always invoked through its executor, as Asio requires.
  template <class CompletionToken = default_token_t>
  auto async_next(CompletionToken&& token = {}) {
    return next(static_cast<diagnostics*>(nullptr), std::forward<CompletionToken>(token));
  }

  /// async_next that also fills `diag` (status, error type, message, request id);
  /// `diag` must stay alive until the operation completes.
  template <class CompletionToken = default_token_t>
  auto async_next(diagnostics& diag, CompletionToken&& token = {}) {
    return next(&diag, std::forward<CompletionToken>(token));
  }

  /// The message accumulated from the events so far: complete after message_stop,
  /// partial (and still readable) after an error. Do not call while async_next runs.
  ANTHROPIC_DECL const anthropic::message& message() const noexcept;

  /// Moves the accumulated message out (call after the stream ended).
  ANTHROPIC_DECL anthropic::message take_message();

  /// True once message_stop arrived.
  ANTHROPIC_DECL bool complete() const noexcept;

  /// The `request-id` header of the response ("" when absent).
  ANTHROPIC_DECL std::string_view request_id() const noexcept;

  /// The response head, from the moment async_stream completed: status, every
  /// header, the request id and the rate-limit headers (empty for an empty
  /// stream). Made on the first call (or when the stream ends), so a stream
  /// nobody asks holds its head once; like message(), not to be called while
  /// async_next runs on another thread.
  ANTHROPIC_DECL const response_metadata& response() const;

  /// False for an empty (default-constructed or moved-from) stream.
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  // The token-dependent part of async_next: it only type-erases the handler;
  // everything else is start_next, compiled once.
  struct initiation {
    std::shared_ptr<detail::stream_state> state;

    using executor_type = boost::asio::any_io_executor;
    executor_type get_executor() const noexcept { return executor_of(state.get()); }

    template <class Handler>
    void operator()(Handler&& handler, diagnostics* diag) const {
      if (!state)
        return detail::complete_not_connected(std::forward<Handler>(handler), diag,
                                              static_cast<const stream_event*>(nullptr));
      start_next(*state, boost::asio::any_completion_handler<next_signature>(std::forward<Handler>(handler)), diag);
    }
  };

  template <class CompletionToken>
  auto next(diagnostics* diag, CompletionToken&& token) {
    constexpr auto form = detail::awaitable_form_of<std::decay_t<CompletionToken>>;
    if constexpr (form != detail::awaitable_form::none)
      return next_awaited<form>(state_, diag);
    else
      return boost::asio::async_initiate<CompletionToken, next_signature>(initiation{state_}, token, diag);
  }

  template <detail::awaitable_form Form>
  using awaited_t = std::conditional_t<Form == detail::awaitable_form::tuple,
                                       std::tuple<boost::system::error_code, const stream_event*>, const stream_event*>;

  // The coroutine form of async_next: the next event when it is already
  // received; else, for a coroutine on the client's executor, the read run in
  // that coroutine; else the operation started with the same token.
  template <detail::awaitable_form Form>
  static boost::asio::awaitable<awaited_t<Form>> next_awaited(std::shared_ptr<detail::stream_state> state,
                                                              diagnostics* diag) {
    if (const stream_event* ready = state ? take_received(*state, diag) : nullptr) {
      if constexpr (Form == detail::awaitable_form::tuple)
        co_return awaited_t<Form>{boost::system::error_code{}, ready};
      else
        co_return ready;
    }
    const auto caller_executor = co_await boost::asio::this_coro::executor;
    if (state && runs_on(*state, caller_executor)) {
      // The caller already runs where the stream's work runs: the read runs here too.
      if constexpr (Form == detail::awaitable_form::throws_with_diagnostics) {
        diagnostics own;
        diagnostics* filled = diag ? diag : &own;
        auto reading = next_here(*state, filled);
        auto [ec, event] = co_await std::move(reading);
        if (ec) throw error_with_diagnostics(ec, *filled);
        co_return event;
      } else {
        auto reading = next_here(*state, diag);
        auto [ec, event] = co_await std::move(reading);
        if constexpr (Form == detail::awaitable_form::tuple) {
          co_return awaited_t<Form>{ec, event};
        } else {
          if (ec) throw boost::system::system_error(ec);
          co_return event;
        }
      }
    }
    // (Named first: g++ 12 mishandles temporaries inside a co_await expression.)
    auto token = detail::awaitable_token<Form>();
    auto operation =
        boost::asio::async_initiate<decltype(token), next_signature>(initiation{std::move(state)}, token, diag);
    co_return co_await std::move(operation);
  }

  /// The next event if it is already received and may be handed out on the
  /// caller's thread (diag cleared), else null: nothing is started.
  ANTHROPIC_DECL static const stream_event* take_received(detail::stream_state& state, diagnostics* diag);

  /// True when work of `state` may run on `ex` (the client's executor).
  ANTHROPIC_DECL static bool runs_on(const detail::stream_state& state, const boost::asio::any_io_executor& ex) noexcept;

  /// async_next for a coroutine running on the client's executor (see stream_state::next_here).
  ANTHROPIC_DECL static boost::asio::awaitable<std::tuple<boost::system::error_code, const stream_event*>> next_here(
      detail::stream_state& state, diagnostics* diag);

  /// The client's executor (a default-constructed one for an empty stream).
  ANTHROPIC_DECL static boost::asio::any_io_executor executor_of(const detail::stream_state* state) noexcept;
  ANTHROPIC_DECL static void start_next(detail::stream_state& state,
                                        boost::asio::any_completion_handler<next_signature> handler,
                                        diagnostics* diag);

  std::shared_ptr<detail::stream_state> state_;
};

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/stream.ipp>
#endif
