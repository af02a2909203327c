// Library version, as sent in the User-Agent header.
#pragma once

namespace anthropic {

inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;
inline constexpr const char* version_string = "0.1.0";

}  // namespace anthropic
