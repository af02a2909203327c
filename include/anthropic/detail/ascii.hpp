// Comparison of protocol text: case-insensitive for header names, schemes and
// host names (ASCII only, whatever the C locale says, as HTTP and DNS define
// it), and exact against a literal for the names of stream events and their
// keys.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace anthropic::detail {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

/// `text == literal`, compiled for the literal's length: a few word compares
/// instead of a call to memcmp (std::string_view's operator== calls it with a
/// length known only at run time, and g++ 12 keeps the call for most constant
/// lengths too). Names of events, keys and types are compared this way for
/// every event of every stream, where those calls were an eighth of the CPU.
template <std::size_t N>
inline bool is_literal(std::string_view text, const char (&literal)[N]) noexcept {
  constexpr std::size_t n = N - 1;
  if (text.size() != n) return false;
  const char* p = text.data();
  if constexpr (n < 8) {
    for (std::size_t i = 0; i < n; ++i)
      if (p[i] != literal[i]) return false;
    return true;
  } else {
    const auto word_at = [](const char* at) {
      std::uint64_t w;
      std::memcpy(&w, at, sizeof w);
      return w;
    };
    for (std::size_t i = 0; i + 8 < n; i += 8)
      if (word_at(p + i) != word_at(literal + i)) return false;
    return word_at(p + n - 8) == word_at(literal + n - 8);  // the last 8 bytes, overlapping
  }
}

}  // namespace anthropic::detail
