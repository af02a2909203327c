// How failed requests are retried (see DESIGN.md, "Behaviour users rely on").
#pragma once

#include <chrono>

namespace anthropic {

/// Retry settings of a client. A request is retried on 408, 409, 429, >= 500 and on
/// connection failures before any response byte; `x-should-retry: true` or `false`
/// from the server overrides that for every status. Once response bytes arrived
/// without a complete head (a garbled or cut head), the request is not retried.
/// The delay comes from `retry-after-ms`, then `retry-after` (seconds or HTTP date,
/// honoured up to 60 s), else exponential backoff. A stream is never retried once an
/// event has reached the caller.
struct retry_policy {
  /// Retries after the first attempt (0 disables retrying).
  unsigned max_retries = 2;
  /// Backoff before the first retry; doubles with each further retry.
  std::chrono::milliseconds initial_delay{500};
  /// Upper bound of the computed backoff.
  std::chrono::milliseconds max_delay{8000};
  /// Up to this fraction of the backoff is randomly taken off, so that many clients
  /// failing together do not retry in lockstep.
  double max_jitter = 0.25;
};

}  // namespace anthropic
