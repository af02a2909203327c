// anthropic-cli: turning a request body (from --request, a --batch line, or
// nothing) plus the command-line flags into an anthropic::message_request.
//
// Precedence, lowest first: built-in defaults (model, max_tokens), the JSON
// body, the flags given on the command line. PROMPT words become the last user
// turn. Working on the JSON first keeps members this tool does not know (tools,
// thinking, metadata, a router's extras...) exactly as the user wrote them.
#pragma once

#include "arguments.hpp"

#include <anthropic/types/request.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace anthropic_cli {

inline constexpr std::string_view default_model = "claude-sonnet-4-5";
inline constexpr std::uint64_t default_max_tokens = 1024;

/// Builds a request from `body` (a JSON request body; "" = none) and the flags.
/// Returns "" on success, else what is wrong (a usage error). `where` names the
/// body's origin in that message ("--request body", "line 3").
inline std::string build_request(std::string_view body, std::string_view where, const cli_arguments& args,
                                 std::string_view prompt, anthropic::message_request& out) {
  boost::json::object request;
  if (!body.empty()) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(body, ec);
    if (ec) return std::string(where) + " is not valid JSON (" + ec.message() + ")";
    if (parsed.is_string()) {
      // A bare JSON string is shorthand for one prompt (handy in batch files).
      request["messages"] = boost::json::array{boost::json::object{{"role", "user"}, {"content", parsed}}};
    } else if (parsed.is_object()) {
      request = std::move(parsed.as_object());
    } else {
      return std::string(where) + " must be a JSON object (a request body) or a string (a prompt)";
    }
  }
  if (!request.contains("model")) request["model"] = default_model;
  if (!request.contains("max_tokens")) request["max_tokens"] = default_max_tokens;
  if (args.model) request["model"] = *args.model;
  if (args.max_tokens) request["max_tokens"] = *args.max_tokens;
  if (args.system) request["system"] = *args.system;
  if (args.temperature) request["temperature"] = *args.temperature;
  if (!prompt.empty()) {
    auto& messages = request["messages"];
    if (!messages.is_array()) messages = boost::json::array{};
    messages.as_array().push_back(boost::json::object{{"role", "user"}, {"content", prompt}});
  }
  if (!request.contains("messages")) return "no prompt: give PROMPT words, --request FILE or text on stdin";

  if (auto ec = anthropic::from_json(boost::json::value(std::move(request)), out))
    return std::string(where) + " is not a valid request body: model (string), max_tokens (integer) and "
                                "messages (array of {role, content}) are needed, with the documented types";
  return {};
}

}  // namespace anthropic_cli
