// What a response said besides its body: the status, every header, the request
// id, and the rate-limit headers as numbers and times, so that a caller can pace
// its requests by what is left instead of by 429s.
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/detail/ascii.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anthropic {

/// One family of `anthropic-ratelimit-<kind>-{limit,remaining,reset}` headers.
/// A member is empty when its header was absent or not a number / RFC 3339 time
/// (routers and local servers usually send none).
struct rate_limit {
  std::optional<std::uint64_t> limit;      ///< the most allowed in the current window
  std::optional<std::uint64_t> remaining;  ///< left in it (tokens: rounded to the nearest thousand)
  std::optional<std::chrono::system_clock::time_point> reset;  ///< when it is fully replenished

  /// True when any of the three headers was sent.
  bool present() const noexcept { return limit || remaining || reset; }
};

/// The rate-limit headers of a response (response_metadata::rate_limits()).
struct rate_limit_headers {
  rate_limit requests;       ///< anthropic-ratelimit-requests-*
  rate_limit tokens;         ///< anthropic-ratelimit-tokens-* (the most restrictive limit in effect)
  rate_limit input_tokens;   ///< anthropic-ratelimit-input-tokens-*
  rate_limit output_tokens;  ///< anthropic-ratelimit-output-tokens-*
  /// `retry-after-ms`, else `retry-after` (seconds or an HTTP date, then as
  /// a delay from now); empty when neither was sent.
  std::optional<std::chrono::milliseconds> retry_after;
};

/// The head of the response an operation ended with (the last attempt's, when
/// it was retried): available on success and on an HTTP error, empty
/// (http_status 0) when no response head arrived.
///
/// Header values are kept as the server sent them: pass one through
/// anthropic::printable() before showing it.
struct response_metadata {
  int http_status = 0;
  std::string request_id;  ///< the `request-id` header ("" when absent)
  /// Every header in the order received, names as sent.
  std::vector<std::pair<std::string, std::string>> headers;

  /// The rate-limit headers, parsed from `headers` on each call (kept out of
  /// the object, which every diagnostics and open stream carries).
  ANTHROPIC_DECL rate_limit_headers rate_limits() const;

  /// The first value of header `name` (compared case-insensitively), if sent.
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    for (const auto& [key, value] : headers)
      if (detail::iequals(key, name)) return std::string_view(value);
    return std::nullopt;
  }

  void clear() noexcept {
    http_status = 0;
    request_id.clear();
    headers.clear();
  }
};

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/response.ipp>
#endif
