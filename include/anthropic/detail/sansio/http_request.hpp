// The request headers a client sends, validated once, and the requests built from them.
#pragma once

#include <anthropic/detail/ascii.hpp>
#include <anthropic/detail/sansio/url.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>
#include <anthropic/version.hpp>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace anthropic::detail {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;

/// True when a header value could split or end the header block (response
/// splitting / request smuggling): CR, LF and NUL are refused.
inline bool is_unsafe_header_value(std::string_view value) noexcept {
  return value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

/// True for a valid header name (an RFC 9110 token).
inline bool is_valid_header_name(std::string_view name) noexcept {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           extra.find(c) != std::string_view::npos;
  });
}

/// Headers that frame the message or steer the connection: the library's own
/// to set, never a caller's (a second Content-Length or a Transfer-Encoding
/// would smuggle a request).
inline bool is_reserved_header(std::string_view name) noexcept {
  for (std::string_view reserved :
       {"host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "expect"})
    if (iequals(name, reserved)) return true;
  return false;
}

/// Why a caller's header cannot be sent, or "" when it can. Names the header,
/// never its value (which may be a secret).
inline std::string header_refusal(std::string_view name, std::string_view value) {
  if (!is_valid_header_name(name)) return "'" + std::string(name) + "' is not a valid header name; nothing was sent";
  if (is_reserved_header(name))
    return "header '" + std::string(name) + "' is set by the client itself and cannot be given; nothing was sent";
  if (is_unsafe_header_value(value))
    return "the value of header '" + std::string(name) + "' contains CR, LF or NUL; nothing was sent";
  return {};
}

/// Builds the headers every request of a client carries. Fails with
/// client_errc::invalid_header_value (diag.client_message names the header, never its
/// value, which may be a secret) or client_errc::missing_credentials.
inline boost::system::error_code make_common_headers(const client_options& opts, const base_url& url,
                                                     boost::beast::http::fields& out, diagnostics& diag) {
  namespace http = boost::beast::http;
  out.clear();
  auto refuse = [&](std::string_view name) {
    diag.client_message = "the value of header '" + std::string(name) + "' contains CR, LF or NUL; nothing was sent";
    return make_error_code(client_errc::invalid_header_value);
  };
  auto add = [&](std::string_view name, std::string_view value) -> bool {
    if (is_unsafe_header_value(value)) return false;
    out.insert(name, value);
    return true;
  };
  if (opts.api_key.empty() && opts.auth_token.empty()) {
    diag.client_message = "set client_options::api_key or auth_token (or ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN)";
    return make_error_code(client_errc::missing_credentials);
  }
  out.set(http::field::host, url.host_header());
  out.set(http::field::user_agent, std::string("anthropic-asio/") + version_string);
  if (!opts.api_key.empty() && !add("x-api-key", opts.api_key)) return refuse("x-api-key");
  if (!opts.auth_token.empty() && !add("authorization", "Bearer " + opts.auth_token)) return refuse("authorization");
  if (!opts.anthropic_version.empty() && !add("anthropic-version", opts.anthropic_version))
    return refuse("anthropic-version");
  if (!opts.betas.empty()) {
    std::string joined;
    for (const auto& beta : opts.betas) {
      if (!joined.empty()) joined += ',';
      joined += beta;
    }
    if (!add("anthropic-beta", joined)) return refuse("anthropic-beta");
  }
  for (const auto& [name, value] : opts.headers) {
    if (auto problem = header_refusal(name, value); !problem.empty()) {
      diag.client_message = std::move(problem);
      return make_error_code(client_errc::invalid_header_value);
    }
    out.insert(name, value);
  }
  return {};
}

/// What a request asks for, and how its body is sent.
enum class request_kind {
  json_get,     ///< GET (or DELETE), a JSON answer
  json_post,    ///< POST of a JSON body, a JSON answer
  stream_post,  ///< POST of a JSON body, an event stream answer
  download,     ///< GET of bytes (JSON Lines results, a file's content)
};

inline std::string_view accepted_type(request_kind kind) noexcept {
  switch (kind) {
    case request_kind::stream_post: return "text/event-stream";
    case request_kind::download: return "application/binary";  // what the official SDKs send
    case request_kind::json_get:
    case request_kind::json_post: break;
  }
  return "application/json";
}

/// A body sent in pieces after the head (a Files upload): its type and length.
struct streamed_body {
  std::string_view content_type;
  std::uint64_t size = 0;
};

/// What a request adds to the client's headers.
struct request_extras {
  std::string_view beta{};                ///< merged into anthropic-beta (a Files call's beta)
  const streamed_body* streamed = nullptr;  ///< the body comes after the head, in pieces
  const request_options* overrides = nullptr;  ///< the caller's, checked already (header_refusal)
};

/// Adds `beta` to the anthropic-beta header unless it is listed already.
inline void merge_beta(boost::beast::http::fields& headers, std::string_view beta) {
  if (beta.empty()) return;
  const auto existing = headers["anthropic-beta"];
  std::string_view rest = existing;
  while (!rest.empty()) {
    std::string_view item = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), item.size() + 1));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == beta) return;
  }
  headers.set("anthropic-beta", existing.empty() ? std::string(beta) : std::string(existing) + "," + std::string(beta));
}

/// A request with the client's headers. DELETE is a json_get with another verb.
inline void make_api_request(const boost::beast::http::fields& common, boost::beast::http::verb verb,
                             request_kind kind, std::string target, std::string body, http_request& out,
                             const request_extras& extras = {}) {
  namespace http = boost::beast::http;
  out = http_request(verb, std::move(target), 11);
  for (const auto& field : common) out.insert(field.name_string(), field.value());
  if (const request_options* overrides = extras.overrides) {
    for (const auto& [name, value] : overrides->headers) out.set(name, value);
    for (const auto& beta : overrides->betas) merge_beta(out, beta);
    if (!overrides->idempotency_key.empty()) out.set("idempotency-key", overrides->idempotency_key);
  }
  merge_beta(out, extras.beta);
  const bool has_json_body = kind == request_kind::json_post || kind == request_kind::stream_post;
  if (has_json_body) out.set(http::field::content_type, "application/json");
  out.set(http::field::accept, accepted_type(kind));
  out.keep_alive(true);
  if (extras.streamed) {
    // The head announces what the pieces will add up to.
    out.set(http::field::content_type, extras.streamed->content_type);
    out.content_length(extras.streamed->size);
    return;
  }
  out.body() = std::move(body);
  // A POST always says how long its body is (0 included); a GET or DELETE
  // without a body sends no framing at all.
  if (has_json_body || !out.body().empty()) out.prepare_payload();
}

}  // namespace anthropic::detail
