// Turning the per-phase timeouts and the whole-request deadline into one limit per
// I/O step, and the error code that step reports when the limit strikes.
#pragma once

#include <anthropic/error.hpp>

#include <algorithm>
#include <chrono>

namespace anthropic::detail {

using clock = std::chrono::steady_clock;

/// The deadline of a whole operation (client_options::timeouts.request); "none" when 0.
inline clock::time_point request_deadline(std::chrono::milliseconds request_timeout) {
  return request_timeout.count() > 0 ? clock::now() + request_timeout : clock::time_point::max();
}

/// How long one I/O step may take and what it fails with when it takes longer:
/// the phase's own code, or client_errc::request_timeout when the whole request's
/// deadline comes first.
struct step_limit {
  bool unlimited = true;
  clock::duration wait{};
  client_errc on_expiry = client_errc::request_timeout;
};

/// `deadline_code` is what the deadline's expiry reports: request_timeout for a
/// request, stream_timeout for a stream's optional whole-stream limit.
inline step_limit limit_for(std::chrono::milliseconds phase, client_errc phase_code, clock::time_point deadline,
                            client_errc deadline_code = client_errc::request_timeout) {
  const bool has_phase = phase.count() > 0;
  const bool has_deadline = deadline != clock::time_point::max();
  if (!has_phase && !has_deadline) return {};
  const auto remaining = has_deadline ? std::max(deadline - clock::now(), clock::duration::zero())
                                      : clock::duration::max();
  if (has_phase && phase < remaining) return {false, phase, phase_code};
  return {false, remaining, deadline_code};
}

}  // namespace anthropic::detail
