// Base64 (RFC 4648, standard alphabet, padded): the encoding of image and PDF
// bytes in request bodies.
#pragma once

#include <anthropic/config.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace anthropic::detail {

/// Appends the base64 form of `bytes` to `out`.
ANTHROPIC_DECL void base64_append(std::string_view bytes, std::string& out);

/// The base64 form of `bytes`.
ANTHROPIC_DECL std::string base64_encode(std::string_view bytes);

}  // namespace anthropic::detail

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/base64.ipp>
#endif
