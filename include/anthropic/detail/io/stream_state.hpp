// The state of one streamed response behind a message_stream: its connection,
// the SSE framer, the event decoder, the accumulated message, and the
// coroutine that reads more bytes when the buffered ones hold no whole event.
#pragma once

#include <anthropic/completion.hpp>
#include <anthropic/detail/io/call_context.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/connection.hpp>
#include <anthropic/detail/io/connection_lease.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/detail/sansio/deadline.hpp>
#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/detail/sansio/response_head.hpp>
#include <anthropic/detail/sansio/transport_error.hpp>
#include <anthropic/error.hpp>
#include <anthropic/message_accumulator.hpp>
#include <anthropic/sse/parser.hpp>
#include <anthropic/stream.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/stream_event.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace anthropic::detail {

/// Everything a stream owns: its connection (until the stream ends), the SSE
/// framer, the event decoder, the current event and the accumulated message.
/// Lives on the client's executor; shared by the message_stream and a running
/// async_next, so abandoning the stream mid-operation is safe.
class stream_state : public std::enable_shared_from_this<stream_state> {
 public:
  using next_signature = message_stream::next_signature;

  /// `conn` holds the response head (2xx, text/event-stream) of `call`. From
  /// here the stream is bounded by the idle gap and by the optional
  /// whole-stream limit of the call's timeouts.
  stream_state(const call_context& call, connection_lease conn)
      : core_(call.core),
        conn_(std::move(conn)),
        target_(call.target),
        info_{call.info.sequence, call.info.operation, {}},
        idle_(call.timeouts.idle),
        deadline_(request_deadline(call.timeouts.stream)),
        http_status_(static_cast<int>(conn_->head().result_int())),
        request_id_(response_request_id(conn_->head())),
        framer_(sse::parser_options{core_->options().max_event_size}) {
    info_.target = target_;
    const auto& opts = core_->options();
    accumulator_.set_max_size(opts.max_message_size ? opts.max_message_size : opts.max_response_size);
  }

  stream_state(const stream_state&) = delete;
  stream_state& operator=(const stream_state&) = delete;

  // A stream dropped before its end: its connection is mid-body, so it is closed,
  // not pooled; dropped after message_stop, the rest of its body is read in the
  // background. The pool is only touched on the client's executor.
  ~stream_state() {
    if (!conn_) return;
    boost::asio::post(core_->executor(), [core = core_, conn = std::move(conn_), info = info_,
                                          target = std::move(target_), complete = accumulator_.complete()]() mutable {
      info.target = target;
      if (complete) {
        drain_in_background(core, std::move(conn));
        core->report_request_end(info, {});
        return;
      }
      conn.release(false);
      core->report_request_end(info, make_error_code(boost::asio::error::operation_aborted));
    });
  }

  void start_next(boost::asio::any_completion_handler<next_signature> handler, diagnostics* diag) {
    if (busy_) {
      // Refused when started, not later: the running call's event must stay intact.
      post_completion(std::move(handler), diag, make_error_code(client_errc::operation_in_progress), nullptr, false);
      return;
    }
    busy_ = true;
    if (take_buffered_event()) {
      // The event was already received: no I/O, so no coroutine and no
      // cancellation hookup (nothing is left to cancel), just one post.
      post_completion(std::move(handler), diag, {}, &event_, true);
      return;
    }
    auto control = std::make_shared<op_control>();
    connect_cancellation(handler, control, core_->executor());
    boost::asio::co_spawn(
        core_->executor(), produce(shared_from_this(), control),
        [self = shared_from_this(), handler = std::move(handler), control, diag](
            std::exception_ptr error, std::pair<boost::system::error_code, const stream_event*> result) mutable {
          if (error) std::rethrow_exception(error);
          self->end_call(result.first, diag);
          detail::complete(std::move(handler), self->core_->executor(), result.first, result.second);
        });
  }

  /// async_next for a coroutine running on the client's executor: the read
  /// runs inside the caller's own coroutine, so a read costs no co_spawn, no
  /// type-erased handler and no completion dispatch (a stream of one TLS
  /// record per event makes a read for every few events). Cancellation comes
  /// from the coroutine's cancellation state, as it would for any operation
  /// it awaits.
  boost::asio::awaitable<std::tuple<boost::system::error_code, const stream_event*>> next_here(diagnostics* diag) {
    if (busy_) {
      if (diag) diag->clear();
      co_return std::tuple(make_error_code(client_errc::operation_in_progress), nullptr);
    }
    busy_ = true;
    std::shared_ptr<op_control> shared_control;  // only when someone can cancel
    op_control own_control;
    auto cancellation = co_await boost::asio::this_coro::cancellation_state;
    if (cancellation.slot().is_connected()) {
      shared_control = std::make_shared<op_control>();
      connect_cancellation(cancellation.slot(), shared_control, core_->executor());
    }
    // A cancellation ends the read as it ends any other (the stream fails with
    // operation_aborted, its connection closed), not as an exception thrown
    // out of the read's next co_await, which would leave the stream busy.
    const bool throws_if_cancelled = co_await boost::asio::this_coro::throw_if_cancelled();
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    next_result result;
    std::exception_ptr thrown;  // by a hook
    try {
      result = co_await produce(shared_control ? *shared_control : own_control);
    } catch (...) {
      thrown = std::current_exception();
    }
    co_await boost::asio::this_coro::throw_if_cancelled(throws_if_cancelled);
    if (thrown) {
      busy_ = false;
      std::rethrow_exception(thrown);
    }
    end_call(result.first, diag);
    co_return std::tuple(result.first, result.second);
  }

  /// The next event when it is already received (see take_buffered_event),
  /// for a caller that is a coroutine and may be resumed with it at once;
  /// null when a call is running or the event needs I/O or the executor.
  const stream_event* take_received(diagnostics* diag) {
    if (busy_ || !take_buffered_event()) return nullptr;
    if (diag) diag->clear();
    return &event_;
  }

  const boost::asio::any_io_executor& executor() const noexcept { return core_->executor(); }
  const anthropic::message& message() const noexcept { return accumulator_.message(); }
  anthropic::message take_message() { return accumulator_.take_message(); }
  bool complete() const noexcept { return accumulator_.complete(); }
  const std::string& request_id() const noexcept { return request_id_; }

  /// The response head as metadata, made when first asked for or when the
  /// connection is let go, whichever comes first: the head already lives in the
  /// connection's parser while the stream is open, and a thousand open streams
  /// should not hold it twice. Call where message() may be called.
  const response_metadata& response() {
    capture_response();
    return response_;
  }

  /// Reads the events to message_stop (a create sent as a stream): the error
  /// of the first failure, with `diag` filled, or none.
  boost::asio::awaitable<boost::system::error_code> async_read_to_end(op_control& control, diagnostics& diag) {
    for (;;) {
      auto [ec, event] = co_await produce(control);
      if (ec) {
        diag = failure_diag_;
        co_return ec;
      }
      if (!event) co_return boost::system::error_code{};
    }
  }

 private:
  using next_result = std::pair<boost::system::error_code, const stream_event*>;

  // A call that read ends: the stream takes the next one, and the caller's
  // diagnostics get the failure's (or are cleared).
  void end_call(boost::system::error_code ec, diagnostics* diag) {
    busy_ = false;
    if (diag) *diag = ec ? failure_diag_ : diagnostics{};
  }

  // Completes a call that needed no I/O (its diagnostics are empty); `ends_call`
  // is false for a refused call, which must leave the running one marked busy.
  void post_completion(boost::asio::any_completion_handler<next_signature> handler, diagnostics* diag,
                       boost::system::error_code ec, const stream_event* event, bool ends_call) {
    if (diag) diag->clear();
    boost::asio::post(core_->executor(),
                      [self = shared_from_this(), handler = std::move(handler), ec, event, ends_call]() mutable {
                        if (ends_call) self->busy_ = false;
                        detail::complete(std::move(handler), self->core_->executor(), ec, event);
                      });
  }

  // Where the next event comes from, bytes already received being looked at first.
  enum class step { event, need_read, failed };

  // The fast path of start_next, on the caller's thread: true when the next event
  // is already received and may be handed out without the client's executor (not
  // message_stop, whose usage hook runs there). Whatever else it finds (an error,
  // message_stop) is kept for produce().
  bool take_buffered_event() {
    if (failure_ || ended_ || kept_ != step::need_read || pending_.empty() || accumulator_.complete()) return false;
    kept_ = decode_buffered();
    if (kept_ == step::event && event_.type() != event_type::message_stop) {
      kept_ = step::need_read;
      return true;
    }
    return false;
  }

  // The next event from the bytes received so far, decoded and folded into the
  // message; touches nothing but this stream's framer, decoder and accumulator.
  // A failure is kept in step_error_ / step_diag_ for produce() to report.
  step decode_buffered() {
    boost::system::error_code ec;
    auto ev = framer_.next(pending_, ec);
    if (!ev) {
      if (!ec) return step::need_read;
      return keep_failure(ec, "max_event_size is " + std::to_string(core_->options().max_event_size) + " bytes");
    }
    if ((ec = decoder_.decode(ev->type, ev->data, event_)))
      return keep_failure(ec, "in the stream event '" + std::string(ev->type) + "'");
    if ((ec = accumulator_.apply(event_))) {
      if (ec.category() == api_category()) {
        diagnostics d = accumulator_.error_details();
        if (d.request_id.empty()) d.request_id = request_id_;
        d.http_status = http_status_;
        return keep_failure(ec, std::move(d));
      }
      if (ec == client_errc::message_too_large)
        return keep_failure(ec, "max_message_size is " + std::to_string(accumulator_.max_size()) + " bytes");
      return keep_failure(ec, "in the stream event '" + std::string(event_.type_name()) + "'");
    }
    return step::event;
  }

  void capture_response() {
    if (response_captured_ || !conn_) return;
    read_response_metadata(conn_->head(), response_);
    response_captured_ = true;
  }

  step keep_failure(boost::system::error_code ec, std::string message) {
    return keep_failure(ec, client_diagnostics(std::move(message)));
  }

  step keep_failure(boost::system::error_code ec, diagnostics d) {
    step_error_ = ec;
    step_diag_ = std::move(d);
    return step::failed;
  }

  next_result hand_out() {
    const auto& hooks = core_->options().hooks;
    if (event_.type() == event_type::message_stop && hooks.on_usage) hooks.on_usage(info_, accumulator_.message().usage);
    return {{}, &event_};
  }

  static boost::asio::awaitable<next_result> produce(std::shared_ptr<stream_state> self,
                                                     std::shared_ptr<op_control> control) {
    co_return co_await self->produce(*control);
  }

  boost::asio::awaitable<next_result> produce(op_control& control) {
    if (failure_) co_return next_result{failure_, nullptr};
    if (ended_) co_return next_result{{}, nullptr};
    const step kept = std::exchange(kept_, step::need_read);
    if (kept == step::event) co_return hand_out();
    if (kept == step::failed) co_return fail(step_error_, std::move(step_diag_));
    if (accumulator_.complete()) {
      finish_after_stop();
      co_return next_result{{}, nullptr};
    }
    for (;;) {
      switch (decode_buffered()) {
        case step::event:
          co_return hand_out();
        case step::failed:
          co_return fail(step_error_, std::move(step_diag_));
        case step::need_read:
          break;
      }
      if (control.cancelled) co_return fail(boost::asio::error::operation_aborted, "");

      boost::system::error_code read_ec;
      std::string_view piece;
      {
        watched_connection watch(control, conn_.get());
        std::tie(read_ec, piece) = co_await conn_->async_read_body_some(
            limit_for(idle_, client_errc::idle_timeout, deadline_, client_errc::stream_timeout));
      }
      if (control.cancelled) co_return fail(boost::asio::error::operation_aborted, "");
      if (read_ec) {
        if (read_ec.category() == client_category()) co_return fail(read_ec, "");
        // An early end is stream_truncated and bad framing invalid_response; a
        // reset keeps the network's own code (a connection error to the user).
        std::string detail = "the connection failed before message_stop";
        co_return fail(classify_read_failure(read_ec, client_errc::stream_truncated, detail), detail);
      }
      if (piece.empty()) {  // the body ended
        framer_.finish();
        co_return fail(make_error_code(client_errc::stream_truncated), "the response ended before message_stop");
      }
      pending_ = piece;
    }
  }

  // After message_stop the body has (at most) its final chunk left. The caller
  // gets its end of stream now; a server that never ends the body must not make
  // it wait. (This runs on the call after message_stop: reading reuses the
  // buffer that event's views point into.)
  void finish_after_stop() {
    capture_response();
    if (conn_->body_done())
      conn_.finish();
    else
      drain_in_background(core_, std::move(conn_));
    end({});
  }

  // Reads the rest of a body after message_stop, bounded by a short time, and
  // pools the connection when the body ended cleanly; otherwise closes it.
  static void drain_in_background(std::shared_ptr<client_core> core, connection_lease conn) {
    const auto ex = core->executor();
    boost::asio::co_spawn(ex, drain_rest(std::move(core), std::move(conn)), boost::asio::detached);
  }

  static boost::asio::awaitable<void> drain_rest(std::shared_ptr<client_core> core, connection_lease conn) {
    const auto deadline = clock::now() + after_stop_drain_limit;
    const auto idle = core->options().timeouts.idle;
    bool clean = true;
    while (clean && !conn->body_done()) {
      auto [ec, piece] = co_await conn->async_read_body_some(limit_for(idle, client_errc::idle_timeout, deadline));
      clean = !ec && (piece.empty() || piece.find_first_not_of("\r\n") == std::string_view::npos);
    }
    if (clean) conn.finish();  // else the lease closes it
  }

  // How long the rest of a body may take after message_stop (the final chunk,
  // normally already on its way).
  static constexpr std::chrono::seconds after_stop_drain_limit{2};

  next_result fail(boost::system::error_code ec, std::string message) {
    return fail(ec, client_diagnostics(std::move(message)));
  }

  // A failure the client found itself: its explanation, the response's status and request id.
  diagnostics client_diagnostics(std::string message) const {
    diagnostics d;
    d.http_status = http_status_;
    d.request_id = request_id_;
    d.client_message = std::move(message);
    return d;
  }

  next_result fail(boost::system::error_code ec, diagnostics d) {
    capture_response();
    failure_ = ec;
    failure_diag_ = std::move(d);
    conn_.release(false);
    end(ec);
    return {ec, nullptr};
  }

  void end(boost::system::error_code ec) {
    ended_ = true;
    core_->report_request_end(info_, ec);
  }

  std::shared_ptr<client_core> core_;
  connection_lease conn_;
  std::string target_;
  request_info info_;
  std::chrono::milliseconds idle_;  // the call's timeouts.idle
  clock::time_point deadline_;  // the optional whole-stream limit (timeouts.stream)
  int http_status_;
  std::string request_id_;
  response_metadata response_;  // see response()
  bool response_captured_ = false;
  sse::parser framer_;
  event_decoder decoder_;
  stream_event event_;
  message_accumulator accumulator_;
  std::string_view pending_;
  step kept_ = step::need_read;  // what take_buffered_event() found and left for produce()
  boost::system::error_code step_error_;
  diagnostics step_diag_;
  boost::system::error_code failure_;
  diagnostics failure_diag_;
  bool busy_ = false;
  bool ended_ = false;
};

}  // namespace anthropic::detail
