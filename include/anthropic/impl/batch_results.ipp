// batch_results' non-template members (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/batch_results.hpp>
#include <anthropic/detail/io/results_state.hpp>

namespace anthropic {

ANTHROPIC_DECL std::uint64_t batch_results::lines_read() const noexcept { return state_ ? state_->lines_read() : 0; }

ANTHROPIC_DECL std::string_view batch_results::request_id() const noexcept {
  return state_ ? std::string_view(state_->request_id()) : std::string_view();
}

ANTHROPIC_DECL boost::asio::any_io_executor batch_results::executor_of(const detail::results_state* state) noexcept {
  return state ? state->core()->executor() : boost::asio::any_io_executor();
}

ANTHROPIC_DECL const std::shared_ptr<detail::client_core>& batch_results::core_of(
    const detail::results_state& state) noexcept {
  return state.core();
}

}  // namespace anthropic
