// anthropic-cli: exit statuses, how failures are reported (one stderr line in
// text mode, one JSON object on stdout with --json and in batch results), and
// the one rule for everything printed: text from a server is made safe here,
// where it is printed (valid UTF-8, control characters shown, not obeyed).
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/safe_text.hpp>
#include <anthropic/types/message.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

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
      ec == client_errc::invalid_header_value)
    return exit_usage;
  return exit_transport;
}

/// The `error.type` reported for a failure: the server's own type for API
/// errors, otherwise a coarse class of transport failure.
inline std::string error_type_for(const boost::system::error_code& ec, const anthropic::diagnostics& diag) {
  using anthropic::client_errc;
  if (ec.category() == anthropic::api_category())
    return diag.error_type.empty() ? ec.message() : diag.error_type;
  if (ec.category() == anthropic::client_category()) {
    switch (static_cast<client_errc>(ec.value())) {
      case client_errc::resolve_timeout:
      case client_errc::connect_timeout:
      case client_errc::tls_handshake_timeout:
      case client_errc::response_head_timeout:
      case client_errc::idle_timeout:
      case client_errc::request_timeout: return "timeout";
      case client_errc::tls_verification_failed: return "tls_error";
      case client_errc::missing_credentials:
      case client_errc::invalid_base_url:
      case client_errc::invalid_header_value: return "configuration_error";
      default: return "protocol_error";
    }
  }
  return "connection_error";
}

/// The message of a failure: the server's text, else the client's explanation.
inline std::string error_message_for(const boost::system::error_code& ec, const anthropic::diagnostics& diag) {
  if (diag.message.empty()) return ec.message();
  if (ec.category() == anthropic::api_category() || diag.message.find(ec.message()) != std::string::npos)
    return diag.message;
  return ec.message() + ": " + diag.message;
}

/// A JSON text ready for one output line (anthropic::printable_json): valid
/// UTF-8 even where a server sent other bytes, which Boost.JSON's serializer
/// would copy as they are.
inline std::string json_line(std::string_view json) { return anthropic::printable_json(json); }

/// A message as one JSON line (--json, --batch results).
inline std::string message_json(const anthropic::message& msg) { return json_line(anthropic::serialize(msg)); }

/// `{"type":"error","error":{"type":...,"message":...},"status":N,"request_id":...}`;
/// status and request_id are null when there was no HTTP response or no id.
/// The message is the server's text as JSON carries it (control characters
/// escaped by JSON, ill-formed UTF-8 replaced).
inline std::string error_json(const boost::system::error_code& ec, const anthropic::diagnostics& diag) {
  boost::json::object out{
      {"type", "error"},
      {"error", boost::json::object{{"type", error_type_for(ec, diag)}, {"message", error_message_for(ec, diag)}}},
  };
  out["status"] = diag.http_status ? boost::json::value(diag.http_status) : boost::json::value(nullptr);
  out["request_id"] = diag.request_id.empty() ? boost::json::value(nullptr) : boost::json::value(diag.request_id);
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
