// Sans-io retry decisions: given what an attempt ended with, retry or not, and after
// how long. No sockets and no clocks of its own, so every rule is unit-tested.
#pragma once

#include <anthropic/retry_policy.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>
#include <string_view>

namespace anthropic::detail {

struct retry_decision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
};

/// Statuses the policy retries unless the server says otherwise.
inline bool is_retryable_status(int status) noexcept {
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

/// Parses an HTTP date in the preferred IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT").
/// The obsolete RFC 850 and asctime forms are not sent by the API and not accepted.
inline std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) noexcept {
  // "Www, DD Mon YYYY HH:MM:SS GMT" is exactly 29 characters.
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len, int& out) {
    auto first = text.data() + pos;
    auto [ptr, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc{} && ptr == first + len;
  };
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto month_it = std::find(months.begin(), months.end(), text.substr(8, 3));
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (month_it == months.end() || !number(5, 2, day) || !number(12, 4, year) || !number(17, 2, hour) ||
      !number(20, 2, minute) || !number(23, 2, second))
    return std::nullopt;
  using namespace std::chrono;
  year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month_it - months.begin() + 1)},
                      std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return time_point_cast<system_clock::duration>(sys_days{date} + hours{hour} + minutes{minute} + seconds{second});
}

/// The delay the values of `retry-after-ms` (milliseconds) and `retry-after`
/// (seconds, possibly fractional, or an HTTP date) ask for, the former first;
/// each absent when not sent.
inline std::optional<std::chrono::milliseconds> requested_delay(std::optional<std::string_view> retry_after_ms,
                                                                std::optional<std::string_view> retry_after,
                                                                std::chrono::system_clock::time_point now) {
  auto parse_number = [](std::string_view s) -> std::optional<double> {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
    return value;
  };
  using ms = std::chrono::milliseconds;
  // Converting a double outside long long's range is undefined behaviour; any
  // delay beyond a day is as unusable as one of 1e19 ms, so clamp first.
  auto to_ms = [](double millis) {
    constexpr double a_day = 86'400'000.0;
    return ms(static_cast<long long>(std::clamp(millis, -a_day, a_day)));
  };
  if (retry_after_ms)
    if (auto v = parse_number(*retry_after_ms)) return to_ms(*v);
  if (retry_after) {
    if (auto v = parse_number(*retry_after)) return to_ms(*v * 1000.0);
    if (auto when = parse_http_date(*retry_after)) return std::chrono::duration_cast<ms>(*when - now);
  }
  return std::nullopt;
}

/// The delay a response's headers ask for, if any (requested_delay).
inline std::optional<std::chrono::milliseconds> server_requested_delay(const boost::beast::http::fields& headers,
                                                                     std::chrono::system_clock::time_point now) {
  auto value = [&headers](auto name) -> std::optional<std::string_view> {
    if (auto it = headers.find(name); it != headers.end()) return it->value();
    return std::nullopt;
  };
  return requested_delay(value("retry-after-ms"), value(boost::beast::http::field::retry_after), now);
}

/// Decides whether to retry after an attempt ended.
/// - `retries_done`: retries already made for this request (0 after the first attempt).
/// - `status`: the HTTP status, or 0 when the attempt failed before any response byte
///   (connection refused or reset, TLS failure, stale keep-alive connection).
/// - `headers`: the response headers, or nullptr when there was no response.
/// - `random01`: a number in [0, 1) that picks the jitter (a parameter, so tests are exact).
inline retry_decision decide_retry(const retry_policy& policy, unsigned retries_done, int status,
                                   const boost::beast::http::fields* headers, double random01,
                                   std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
  if (retries_done >= policy.max_retries) return {};
  if (status != 0) {
    bool retry = is_retryable_status(status);
    if (headers) {
      // The server knows better than a status table, for every status (as the
      // official SDKs read it): a 409 that will never clear, a 400 from a
      // router whose upstream had a hiccup.
      if (auto it = headers->find("x-should-retry"); it != headers->end()) {
        if (it->value() == "true") retry = true;
        else if (it->value() == "false") retry = false;
      }
    }
    if (!retry) return {};
  }

  if (headers) {
    // A server-requested delay within a minute is honoured as is; a longer (or
    // negative) one is treated as absent, so one header cannot park a request.
    if (auto delay = server_requested_delay(*headers, now); delay && *delay >= std::chrono::milliseconds(0) &&
                                                          *delay <= std::chrono::seconds(60))
      return {true, *delay};
  }

  double backoff = static_cast<double>(policy.initial_delay.count()) * std::pow(2.0, retries_done);
  backoff = std::min(backoff, static_cast<double>(policy.max_delay.count()));
  double jitter = std::clamp(policy.max_jitter, 0.0, 1.0) * std::clamp(random01, 0.0, 1.0);
  return {true, std::chrono::milliseconds(static_cast<long long>(backoff * (1.0 - jitter)))};
}

}  // namespace anthropic::detail
