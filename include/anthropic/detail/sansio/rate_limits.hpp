// The rate-limit headers of a response, typed: numbers, RFC 3339 times and
// the delay retry-after asks for. Needs nothing of error.hpp, which includes
// the public response header this implements (header-only mode).
#pragma once

#include <anthropic/detail/sansio/retry.hpp>
#include <anthropic/response.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anthropic::detail {

/// Parses an RFC 3339 date-time ("2026-12-04T15:32:42Z", fractional seconds and
/// a numeric offset allowed), the form of the `*-reset` headers.
inline std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) noexcept {
  using namespace std::chrono;
  auto number = [&](std::size_t pos, std::size_t len, int& out) {
    if (text.size() < pos + len) return false;
    auto first = text.data() + pos;
    auto [ptr, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc{} && ptr == first + len;
  };
  // "YYYY-MM-DDTHH:MM:SS" is 19 characters; the zone follows the optional fraction.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !number(0, 4, year) || !number(5, 2, month) ||
      !number(8, 2, day) || !number(11, 2, hour) || !number(14, 2, minute) || !number(17, 2, second))
    return std::nullopt;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  auto when = time_point_cast<system_clock::duration>(sys_days{date} + hours{hour} + minutes{minute} + seconds{second});

  std::size_t pos = 19;
  if (text[pos] == '.') {
    // Up to nanoseconds are kept; further digits are read and ignored.
    long long fraction = 0;
    int digits = 0;
    while (++pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
      if (digits < 9) fraction = fraction * 10 + (text[pos] - '0'), ++digits;
    if (digits == 0) return std::nullopt;
    while (digits++ < 9) fraction *= 10;
    when += duration_cast<system_clock::duration>(nanoseconds(fraction));
  }
  const std::string_view zone = text.substr(std::min(pos, text.size()));
  if (zone == "Z" || zone == "z") return when;
  int offset_hours = 0, offset_minutes = 0;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
      !number(pos + 1, 2, offset_hours) || !number(pos + 4, 2, offset_minutes) || offset_hours > 23 ||
      offset_minutes > 59)
    return std::nullopt;
  const auto offset = hours{offset_hours} + minutes{offset_minutes};
  // A local time ahead of UTC ("+01:00") is that much later than the UTC instant.
  return zone[0] == '+' ? when - offset : when + offset;
}

/// A header's value as an unsigned number, if it is one (surrounding blanks allowed).
inline std::optional<std::uint64_t> header_number(std::string_view value) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc{} || ptr != value.data() + value.size()) return std::nullopt;
  return n;
}

/// The rate-limit headers among `response`'s; `now` is the time a
/// `retry-after` HTTP date is counted from.
inline rate_limit_headers parse_rate_limits(const response_metadata& response,
                                            std::chrono::system_clock::time_point now) {
  rate_limit_headers limits;
  auto read_family = [&](std::string_view kind, rate_limit& into) {
    std::string name = "anthropic-ratelimit-";
    name += kind;
    const std::size_t stem = name.size();
    name += "-limit";
    if (auto value = response.header(name)) into.limit = header_number(*value);
    name.resize(stem);
    name += "-remaining";
    if (auto value = response.header(name)) into.remaining = header_number(*value);
    name.resize(stem);
    name += "-reset";
    if (auto value = response.header(name)) into.reset = parse_rfc3339(*value);
  };
  read_family("requests", limits.requests);
  read_family("tokens", limits.tokens);
  read_family("input-tokens", limits.input_tokens);
  read_family("output-tokens", limits.output_tokens);
  limits.retry_after = requested_delay(response.header("retry-after-ms"), response.header("retry-after"), now);
  return limits;
}

}  // namespace anthropic::detail
