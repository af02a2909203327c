// anthropic-cli: exit statuses, how failures are reported (one stderr line in
// text mode, one JSON object on stdout with --json and in batch results), and
// the one rule for everything printed: text from a server is made safe here,
// where it is printed (valid UTF-8, control characters shown, not obeyed).
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/response.hpp>
#include <anthropic/safe_text.hpp>
#include <anthropic/types/message.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace anthropic_cli {

/// The process exit status (DESIGN.md, "anthropic-cli").
enum exit_status : int {
  exit_success = 0,
  exit_api_error = 1,  ///< the server answered with an error (HTTP or `error` event)
  exit_usage = 2,      ///< the command line or the request body is wrong
  exit_transport = 3,  ///< network, TLS, timeout or protocol error
};

/// Where a failure comes from, as far as the user can act on it.
inline exit_status exit_status_for(const boost::system::error_code& ec) {
  using anthropic::client_errc;
  if (!ec) return exit_success;
  if (ec.category() == anthropic::api_category()) return exit_api_error;
  // A configuration the client refuses before sending anything is a usage problem.
  if (ec == client_errc::missing_credentials || ec == client_errc::invalid_base_url ||
      ec == client_errc::invalid_header_value || ec == client_errc::invalid_argument ||
      ec == client_errc::invalid_proxy_url)
    return exit_usage;
  return exit_transport;
}

/// Whether a server's `error.type` can be reported as it is: a machine
/// identifier ("overloaded_error"), not prose or escape sequences from a proxy.
inline bool is_identifier(std::string_view type) {
  return !type.empty() && std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

/// The `error.type` reported for a failure, always an identifier a script can
/// match: the server's own type for API errors (else the api_errc identifier
/// the status maps to, "unknown_error" for a status nobody knows), otherwise
/// the class of failure the user acts on: "timeout", "tls_error",
/// "connection_error", "configuration_error" or "protocol_error".
inline std::string error_type_for(const boost::system::error_code& ec, const anthropic::diagnostics& diag) {
  using anthropic::client_errc;
  namespace ssl = boost::asio::ssl;
  if (ec.category() == anthropic::api_category()) return is_identifier(diag.error_type) ? diag.error_type : ec.message();
  if (ec.category() == anthropic::client_category()) {
    switch (static_cast<client_errc>(ec.value())) {
      case client_errc::resolve_timeout:
      case client_errc::connect_timeout:
      case client_errc::tls_handshake_timeout:
      case client_errc::response_head_timeout:
      case client_errc::idle_timeout:
      case client_errc::request_timeout:
      case client_errc::stream_timeout: return "timeout";
      case client_errc::tls_verification_failed: return "tls_error";
      case client_errc::missing_credentials:
      case client_errc::invalid_base_url:
      case client_errc::invalid_header_value:
      case client_errc::invalid_proxy_url: return "configuration_error";
      case client_errc::proxy_authentication_required:
      case client_errc::proxy_refused: return "connection_error";  // `status` is then the proxy's
      default: return "protocol_error";  // also a reply too large, not HTTP, cut short or redirected
    }
  }
  // OpenSSL's own errors (a protocol version or cipher the server refuses, an
  // alert) and Asio's TLS stream errors, except a peer that simply hung up.
  if (ec.category() == boost::asio::error::get_ssl_category()) return "tls_error";
  if (ec.category() == ssl::error::get_stream_category())
    return ec == ssl::error::stream_truncated ? "connection_error" : "tls_error";
  return "connection_error";  // refused, reset, unreachable, host not found
}

/// The message of a failure, as sent (not yet made printable). API errors: the
/// server's message. Client errors: what the code says, then the client's
/// explanation ("ec.message(): diag.client_message", the convention of
/// anthropic::error_with_diagnostics); an explanation that already starts with
/// the code's message is taken alone, so that the phrase is never doubled.
inline std::string error_message_for(const boost::system::error_code& ec, const anthropic::diagnostics& diag) {
  if (ec.category() == anthropic::api_category())
    return diag.server_message.empty() ? "the server sent no error message" : diag.server_message;
  const std::string what = ec.message();
  const std::string& explanation = diag.client_message;
  if (explanation.empty()) return what;
  if (std::string_view(explanation).starts_with(what)) return explanation;
  return what + ": " + explanation;
}

/// A JSON text ready for one output line (anthropic::printable_json): valid
/// UTF-8 even where a server sent other bytes, which Boost.JSON's serializer
/// would copy as they are.
inline std::string json_line(std::string_view json) { return anthropic::printable_json(json); }

/// `{"status":N,"request_id":...,"headers":{name:value,...}}` (--include-headers):
/// names lowercased, a repeated header's values joined with ", "; null
/// members when no response head arrived.
inline boost::json::object response_json(const anthropic::response_metadata& response) {
  boost::json::object headers;
  for (const auto& [name, value] : response.headers) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (auto* seen = headers.if_contains(key))
      *seen = std::string(seen->as_string()) + ", " + value;
    else
      headers[key] = value;
  }
  boost::json::object out;
  out["status"] = response.http_status ? boost::json::value(response.http_status) : boost::json::value(nullptr);
  out["request_id"] =
      response.request_id.empty() ? boost::json::value(nullptr) : boost::json::value(response.request_id);
  out["headers"] = std::move(headers);
  return out;
}

/// A message as one JSON line (--json, --batch results), with a "response"
/// member holding `response` when given (--include-headers).
inline std::string message_json(const anthropic::message& msg, const anthropic::response_metadata* response = nullptr) {
  if (!response) return json_line(anthropic::serialize(msg));
  boost::json::value out = boost::json::value_from(msg);
  out.as_object()["response"] = response_json(*response);
  return json_line(boost::json::serialize(out));
}

/// `{"type":"error","error":{"type":...,"message":...},"status":N,"request_id":...}`;
/// status and request_id are null when there was no HTTP response or no id.
/// The message is the server's text as JSON carries it (control characters
/// escaped by JSON, ill-formed UTF-8 replaced). With `include_response`
/// (--include-headers), a "response" member as message_json has.
inline std::string error_json(const boost::system::error_code& ec, const anthropic::diagnostics& diag,
                              bool include_response = false) {
  boost::json::object out{
      {"type", "error"},
      {"error", boost::json::object{{"type", error_type_for(ec, diag)}, {"message", error_message_for(ec, diag)}}},
  };
  out["status"] = diag.http_status ? boost::json::value(diag.http_status) : boost::json::value(nullptr);
  out["request_id"] = diag.request_id.empty() ? boost::json::value(nullptr) : boost::json::value(diag.request_id);
  if (include_response) out["response"] = response_json(diag.response);
  return json_line(boost::json::serialize(out));
}

/// The same as error_json for a request that was never sent (a bad batch line).
inline std::string usage_error_json(const std::string& message) {
  return json_line(boost::json::serialize(boost::json::object{
      {"type", "error"},
      {"error", boost::json::object{{"type", "usage_error"}, {"message", message}}},
      {"status", nullptr},
      {"request_id", nullptr},
  }));
}

/// One line for stderr: "error: TYPE: MESSAGE (HTTP N, request-id ID)", with
/// the server's text made printable (anthropic::printable): control characters
/// are shown, not obeyed, so a message cannot clear the screen or add lines.
inline std::string error_line(const boost::system::error_code& ec, const anthropic::diagnostics& diag) {
  std::string line = "error: " + error_type_for(ec, diag) + ": " + anthropic::printable(error_message_for(ec, diag));
  std::string details;
  if (diag.http_status) details = "HTTP " + std::to_string(diag.http_status);
  if (!diag.request_id.empty())
    details += (details.empty() ? "" : ", ") + ("request-id " + anthropic::printable(diag.request_id));
  if (!details.empty()) line += " (" + details + ")";
  return line;
}

}  // namespace anthropic_cli
