// Case-insensitive comparison of protocol text (header names, schemes, host
// names): ASCII only, whatever the C locale says, as HTTP and DNS define it.
#pragma once

#include <algorithm>
#include <string_view>

namespace anthropic::detail {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

}  // namespace anthropic::detail
