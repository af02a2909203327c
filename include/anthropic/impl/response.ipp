// response_metadata's non-inline members (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/detail/sansio/rate_limits.hpp>
#include <anthropic/response.hpp>

#include <chrono>

namespace anthropic {

ANTHROPIC_DECL rate_limit_headers response_metadata::rate_limits() const {
  return detail::parse_rate_limits(*this, std::chrono::system_clock::now());
}

}  // namespace anthropic
