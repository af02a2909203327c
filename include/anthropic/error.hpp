// Error codes, their categories, the details of an API error, and the exception
// the default completion token throws.
//
// Two categories keep "what went wrong" apart:
//  - client_errc: the transport and protocol as seen by this library (timeouts,
//    truncated streams, malformed events, limits, bad configuration);
//  - api_errc: an error the server reported, from its HTTP status and the
//    `error.type` of its body (or of an `error` stream event).
// Errors from lower layers (Asio, Beast, OpenSSL) reach the caller unchanged,
// except where a distinct client_errc says more (a timeout, a failed
// certificate check).
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/response.hpp>
#include <anthropic/safe_text.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace anthropic {

/// Transport and protocol errors detected by the library.
enum class client_errc : int {
  stream_truncated = 1,        ///< the stream ended mid-event or before message_stop
  event_too_large,             ///< one SSE event exceeded the configured maximum size
  response_too_large,          ///< a non-streamed body exceeded the configured maximum size
  invalid_json,                ///< a body or event payload is not valid JSON
  invalid_message,             ///< valid JSON, but not the shape the API documents
  unexpected_event,            ///< an event out of order (delta before its block, event after stop, ...)
  block_index_out_of_range,    ///< an event names a content block that does not exist
  duplicate_message_start,     ///< a second message_start in one stream
  invalid_tool_input,          ///< streamed tool input does not parse as a JSON object
  unexpected_content_type,     ///< a streamed response that is not text/event-stream
  resolve_timeout,             ///< host name resolution took too long
  connect_timeout,             ///< the TCP connection took too long
  tls_handshake_timeout,       ///< the TLS handshake took too long
  response_head_timeout,       ///< no complete response head in time
  idle_timeout,                ///< a stream or body went silent for too long
  request_timeout,             ///< the whole request (all attempts) took too long
  tls_verification_failed,     ///< the server's certificate or host name was not trusted
  invalid_header_value,        ///< a header value holds CR, LF or NUL; nothing was sent
  invalid_base_url,            ///< the base URL cannot be parsed or has an unknown scheme
  missing_credentials,         ///< neither an API key nor an auth token is configured
  operation_in_progress,       ///< an operation that allows one at a time was started twice
  stream_timeout,              ///< the optional whole-stream limit (timeouts.stream) expired
  message_too_large,           ///< a stream's accumulated message exceeded max_message_size
  invalid_response,            ///< the response is not valid HTTP/1.1 (status line, header, framing)
  response_truncated,          ///< a non-streamed response body ended before it was complete
  unexpected_redirect,         ///< the server answered with a 3xx redirect, which is never followed
  invalid_argument,            ///< an argument the API would refuse (a batch's custom_id, a page limit); nothing was sent
  line_too_large,              ///< a line of a JSON Lines body (batch results) exceeded the maximum response size
  streaming_required,          ///< a create whose max_tokens needs streaming, with stream_long_requests off; nothing was sent
  invalid_proxy_url,           ///< client_options::proxy is not an http:// proxy URL
  proxy_authentication_required,  ///< the proxy answered CONNECT with 407 (no or wrong proxy credentials)
  proxy_refused,               ///< the proxy answered CONNECT with another non-2xx status (diagnostics::http_status)
  // Reading a structured output (<anthropic/structured_output.hpp>); the reply itself arrived fine.
  output_truncated,            ///< the reply stopped for max_tokens (or a full context window): its JSON is cut off
  output_refused,              ///< the model refused (stop_reason "refusal"): there is no answer to read
  output_not_json,             ///< the reply's text is empty or not valid JSON
  output_mismatch,             ///< the reply's JSON does not convert to the requested type
};

/// Errors reported by the API, named after the `error.type` values of the spec.
enum class api_errc : int {
  invalid_request_error = 1,  ///< 400 (and other unlisted 4xx)
  authentication_error,       ///< 401
  billing_error,              ///< 402
  permission_error,           ///< 403
  not_found_error,            ///< 404
  conflict_error,             ///< 409
  request_too_large,          ///< 413
  rate_limit_error,           ///< 429
  api_error,                  ///< 500
  timeout_error,              ///< 504
  overloaded_error,           ///< 529
  unknown_error,              ///< a type or status this library does not know yet
};

namespace detail {

class client_category_impl final : public boost::system::error_category {
 public:
  // A fixed identity lets the category compare equal across shared objects.
  constexpr client_category_impl() noexcept : error_category(0x616e7468726f7001ULL) {}
  const char* name() const noexcept override { return "anthropic.client"; }
  std::string message(int ev) const override { return describe(ev); }
  char const* message(int ev, char*, std::size_t) const noexcept override { return describe(ev); }

  static const char* describe(int ev) noexcept {
    switch (static_cast<client_errc>(ev)) {
      case client_errc::stream_truncated: return "the stream ended before it was complete";
      case client_errc::event_too_large: return "a stream event exceeded the maximum event size";
      case client_errc::response_too_large: return "the response body exceeded the maximum response size";
      case client_errc::invalid_json: return "the server sent invalid JSON";
      case client_errc::invalid_message: return "the server sent JSON that does not have the documented shape";
      case client_errc::unexpected_event: return "a stream event arrived out of order";
      case client_errc::block_index_out_of_range: return "a stream event names a content block that does not exist";
      case client_errc::duplicate_message_start: return "a stream sent message_start twice";
      case client_errc::invalid_tool_input: return "streamed tool input is not a valid JSON object";
      case client_errc::unexpected_content_type: return "a streamed response is not text/event-stream";
      case client_errc::resolve_timeout: return "host name resolution timed out";
      case client_errc::connect_timeout: return "connecting to the server timed out";
      case client_errc::tls_handshake_timeout: return "the TLS handshake timed out";
      case client_errc::response_head_timeout: return "the server did not send a response head in time";
      case client_errc::idle_timeout: return "the server sent nothing for longer than the idle timeout";
      case client_errc::request_timeout: return "the request did not complete within the request timeout";
      case client_errc::tls_verification_failed: return "the server's TLS certificate or host name could not be verified";
      case client_errc::invalid_header_value: return "a header value contains CR, LF or NUL";
      case client_errc::invalid_base_url: return "the base URL is not a valid http:// or https:// URL";
      case client_errc::missing_credentials: return "no API key or auth token is configured";
      case client_errc::operation_in_progress: return "another operation of this kind is already in progress";
      case client_errc::stream_timeout: return "the stream did not end within the whole-stream timeout";
      case client_errc::message_too_large: return "the streamed message exceeded the maximum message size";
      case client_errc::invalid_response: return "the server sent a response that is not valid HTTP/1.1";
      case client_errc::response_truncated: return "the response body ended before it was complete";
      case client_errc::unexpected_redirect: return "the server redirected the request (redirects are not followed)";
      case client_errc::invalid_argument: return "an argument is outside what the API accepts; nothing was sent";
      case client_errc::line_too_large: return "a line of the results exceeded the maximum response size";
      case client_errc::streaming_required:
        return "max_tokens allows a generation longer than a non-streamed reply may take: stream it; nothing was sent";
      case client_errc::output_truncated: return "the reply was cut off before its structured output was complete";
      case client_errc::output_refused: return "the model refused to give the structured output";
      case client_errc::output_not_json: return "the reply's text is not JSON";
      case client_errc::output_mismatch: return "the reply's JSON does not match the requested type";
      case client_errc::invalid_proxy_url: return "the proxy URL is not a valid http:// proxy URL";
      case client_errc::proxy_authentication_required: return "the proxy requires (other) credentials";
      case client_errc::proxy_refused: return "the proxy refused to open a tunnel to the server";
    }
    return "unknown anthropic.client error";
  }
};

class api_category_impl final : public boost::system::error_category {
 public:
  constexpr api_category_impl() noexcept : error_category(0x616e7468726f7002ULL) {}
  const char* name() const noexcept override { return "anthropic.api"; }
  std::string message(int ev) const override { return describe(ev); }
  char const* message(int ev, char*, std::size_t) const noexcept override { return describe(ev); }

  static const char* describe(int ev) noexcept {
    switch (static_cast<api_errc>(ev)) {
      case api_errc::invalid_request_error: return "invalid_request_error";
      case api_errc::authentication_error: return "authentication_error";
      case api_errc::billing_error: return "billing_error";
      case api_errc::permission_error: return "permission_error";
      case api_errc::not_found_error: return "not_found_error";
      case api_errc::conflict_error: return "conflict_error";
      case api_errc::request_too_large: return "request_too_large";
      case api_errc::rate_limit_error: return "rate_limit_error";
      case api_errc::api_error: return "api_error";
      case api_errc::timeout_error: return "timeout_error";
      case api_errc::overloaded_error: return "overloaded_error";
      case api_errc::unknown_error: return "unknown_error";
    }
    return "unknown_error";
  }
};

inline constexpr client_category_impl client_category_instance{};
inline constexpr api_category_impl api_category_instance{};

}  // namespace detail

inline const boost::system::error_category& client_category() noexcept {
  return detail::client_category_instance;
}
inline const boost::system::error_category& api_category() noexcept {
  return detail::api_category_instance;
}

inline boost::system::error_code make_error_code(client_errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}
inline boost::system::error_code make_error_code(api_errc e) noexcept {
  return {static_cast<int>(e), api_category()};
}

/// Maps an API error to its code: the body's `error.type` wins when this library
/// knows it; otherwise the HTTP status decides (spec section 5). An `error` stream
/// event has no status: pass 0.
inline api_errc api_errc_from(int http_status, std::string_view error_type) noexcept {
  struct entry {
    std::string_view type;
    int status;
    api_errc code;
  };
  static constexpr entry table[] = {
      {"invalid_request_error", 400, api_errc::invalid_request_error},
      {"authentication_error", 401, api_errc::authentication_error},
      {"billing_error", 402, api_errc::billing_error},
      {"permission_error", 403, api_errc::permission_error},
      {"not_found_error", 404, api_errc::not_found_error},
      {"conflict_error", 409, api_errc::conflict_error},
      {"request_too_large", 413, api_errc::request_too_large},
      {"rate_limit_error", 429, api_errc::rate_limit_error},
      {"api_error", 500, api_errc::api_error},
      {"timeout_error", 504, api_errc::timeout_error},
      {"overloaded_error", 529, api_errc::overloaded_error},
  };
  for (const auto& e : table)
    if (e.type == error_type) return e.code;
  for (const auto& e : table)
    if (e.status == http_status) return e.code;
  // The spec: "other unlisted 4xx" are invalid_request_error.
  if (http_status >= 400 && http_status < 500) return api_errc::invalid_request_error;
  return api_errc::unknown_error;
}

/// What is known about a failed operation beyond its error_code. The server's
/// words and the client's are kept apart (as Boost.MySQL does): what the
/// server said may be shown to a user as the API's message; what the client
/// says explains a failure the library found itself.
/// Never contains the API key or auth token.
struct diagnostics {
  int http_status = 0;         ///< 0 when no HTTP response was received, or for a stream `error` event
  std::string error_type;      ///< the server's `error.type`, verbatim (also for types unknown here)
  /// The server's `error.message` (of an error body or an `error` event), or a
  /// snippet of an error body that is not the API's JSON; verbatim: pass it
  /// through printable() before showing it.
  std::string server_message;
  /// The client's explanation: which header was refused, which limit struck,
  /// where a redirect pointed, what a body that is not a message looked like.
  std::string client_message;
  std::string request_id;      ///< the `request-id` header or body member, when sent
  /// The response head the operation ended with, on success as on an HTTP
  /// error (headers, typed rate-limit headers); empty when none arrived. A
  /// stream's and a batch results reader's own head is message_stream::response()
  /// (async_stream's diagnostics leave it empty on success).
  response_metadata response{};

  void clear() noexcept {
    http_status = 0;
    error_type.clear();
    server_message.clear();
    client_message.clear();
    request_id.clear();
    response.clear();
  }
};

/// The exception thrown by the default completion token, for every failure
/// (API errors, timeouts, TLS, bad responses): the error code plus every
/// detail of `diagnostics`. what() reads like
/// "rate_limit_error: Number of request tokens has exceeded your rate limit
///  (HTTP 429, request-id req_...)", made safe to print (printable(): one line,
/// valid UTF-8, control characters shown escaped); details() keeps the server's
/// text as it was sent.
class error_with_diagnostics : public boost::system::system_error {
 public:
  ANTHROPIC_DECL error_with_diagnostics(boost::system::error_code ec, diagnostics diag);

  const diagnostics& details() const noexcept { return diag_; }
  int http_status() const noexcept { return diag_.http_status; }
  const std::string& error_type() const noexcept { return diag_.error_type; }
  const std::string& request_id() const noexcept { return diag_.request_id; }
  const std::string& server_message() const noexcept { return diag_.server_message; }
  const std::string& client_message() const noexcept { return diag_.client_message; }

  /// describe() of the code and diagnostics (not system_error's text, which
  /// would repeat the code's message and add its category and number).
  const char* what() const noexcept override { return what_.c_str(); }

  /// The text of what(): "<error type or code message>: <server message>;
  /// <client message> (HTTP <status>, request-id <id>)", each part only when
  /// known, made printable.
  ANTHROPIC_DECL static std::string describe(const boost::system::error_code& ec, const diagnostics& diag);

 private:
  std::string what_;
  diagnostics diag_;
};

}  // namespace anthropic

namespace boost::system {
template <>
struct is_error_code_enum<::anthropic::client_errc> : std::true_type {};
template <>
struct is_error_code_enum<::anthropic::api_errc> : std::true_type {};
}  // namespace boost::system

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/error.ipp>
#endif
