// message_stream's non-template members (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/detail/io/stream_state.hpp>
#include <anthropic/stream.hpp>

namespace anthropic {

ANTHROPIC_DECL const message& message_stream::message() const noexcept {
  static const anthropic::message empty{};
  return state_ ? state_->message() : empty;
}

ANTHROPIC_DECL message message_stream::take_message() {
  return state_ ? state_->take_message() : anthropic::message{};
}

ANTHROPIC_DECL bool message_stream::complete() const noexcept { return state_ && state_->complete(); }

ANTHROPIC_DECL std::string_view message_stream::request_id() const noexcept {
  return state_ ? std::string_view(state_->request_id()) : std::string_view();
}

ANTHROPIC_DECL const response_metadata& message_stream::response() const {
  static const response_metadata empty{};
  return state_ ? state_->response() : empty;
}

ANTHROPIC_DECL boost::asio::any_io_executor message_stream::executor_of(const detail::stream_state* state) noexcept {
  return state ? state->executor() : boost::asio::any_io_executor();
}

ANTHROPIC_DECL bool message_stream::runs_on(const detail::stream_state& state,
                                            const boost::asio::any_io_executor& ex) noexcept {
  return state.executor() == ex;
}

ANTHROPIC_DECL boost::asio::awaitable<std::tuple<boost::system::error_code, const stream_event*>>
message_stream::next_here(detail::stream_state& state, diagnostics* diag) {
  return state.next_here(diag);
}

ANTHROPIC_DECL const stream_event* message_stream::take_received(detail::stream_state& state, diagnostics* diag) {
  return state.take_received(diag);
}

ANTHROPIC_DECL void message_stream::start_next(detail::stream_state& state,
                                               boost::asio::any_completion_handler<next_signature> handler,
                                               diagnostics* diag) {
  state.start_next(std::move(handler), diag);
}

}  // namespace anthropic
