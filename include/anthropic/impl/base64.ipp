// Base64 encoding for inline images and documents: the non-template functions of <anthropic/types/base64.hpp>
// (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/base64.hpp>

namespace anthropic::detail {

ANTHROPIC_DECL void base64_append(std::string_view bytes, std::string& out) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  const std::size_t start = out.size();
  out.resize(start + (size + 2) / 3 * 4);
  char* dest = out.data() + start;

  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const unsigned group = (unsigned(in[i]) << 16) | (unsigned(in[i + 1]) << 8) | unsigned(in[i + 2]);
    *dest++ = alphabet[(group >> 18) & 63];
    *dest++ = alphabet[(group >> 12) & 63];
    *dest++ = alphabet[(group >> 6) & 63];
    *dest++ = alphabet[group & 63];
  }
  if (const std::size_t rest = size - i; rest != 0) {
    const unsigned group = (unsigned(in[i]) << 16) | (rest == 2 ? unsigned(in[i + 1]) << 8 : 0u);
    *dest++ = alphabet[(group >> 18) & 63];
    *dest++ = alphabet[(group >> 12) & 63];
    *dest++ = rest == 2 ? alphabet[(group >> 6) & 63] : '=';
    *dest++ = '=';
  }
}

ANTHROPIC_DECL std::string base64_encode(std::string_view bytes) {
  std::string out;
  base64_append(bytes, out);
  return out;
}

}  // namespace anthropic::detail
