// The body of POST /v1/messages: `message_request` with its turns, tools, tool
// choice, thinking and output settings, and its serialization into a reusable buffer.
//
// Members are ordered for designated initializers:
//   message_request req{.model = "m", .max_tokens = 150,
//                       .messages = {anthropic::user("hi")}, .temperature = 0.7};
// Optional members left empty are not sent; `extra` members are sent as given,
// so request fields newer than this library need no release.
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/json_support.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anthropic {

/// One turn of the conversation. A turn of exactly one plain text block is sent
/// in the API's string shorthand (`"content": "hi"`), and the shorthand parses
/// back into one text block.
struct message_param {
  std::string role = "user";  ///< "user" or "assistant"
  std::vector<content_block> content{};
  boost::json::object extra{};
  bool operator==(const message_param&) const = default;
};

/// The `system` prompt: a string, or text blocks (for cache_control and citations).
/// Empty means no system prompt is sent.
struct system_prompt {
  std::vector<text_block> blocks{};

  system_prompt() = default;
  /// A plain string prompt (implicit, so `.system = "Be brief."` works).
  system_prompt(std::string text) { blocks.push_back(text_block{.text = std::move(text)}); }  // NOLINT
  system_prompt(const char* text) : system_prompt(std::string(text)) {}                        // NOLINT
  system_prompt(std::vector<text_block> text_blocks) : blocks(std::move(text_blocks)) {}      // NOLINT

  bool empty() const noexcept { return blocks.empty(); }
  bool operator==(const system_prompt&) const = default;
};

/// `metadata`: an opaque id for the end user.
struct request_metadata {
  std::optional<std::string> user_id{};
  boost::json::object extra{};
  bool operator==(const request_metadata&) const = default;
};

/// A tool the model may use.
///  - Custom tool: `name`, `description`, `input_schema` (a JSON Schema object);
///    `type` empty or "custom".
///  - Server tool: `type` names the tool version (e.g. "web_search_20250305"),
///    `name` its name; its settings (max_uses, allowed_domains...) go in `extra`.
/// Other tool settings (strict, input_examples...) go in `extra` too.
struct tool {
  std::string name{};
  std::optional<std::string> description{};
  std::optional<boost::json::value> input_schema{};
  std::optional<std::string> type{};
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};
  bool operator==(const tool&) const = default;
};

/// `tool_choice`: how the model must use the tools.
struct tool_choice {
  std::string type = "auto";        ///< "auto", "any", "tool" or "none"
  std::optional<std::string> name{};  ///< the tool, for type "tool"
  std::optional<bool> disable_parallel_tool_use{};
  boost::json::object extra{};

  /// The model decides whether to call a tool (the API's default).
  static tool_choice automatic() { return {}; }
  /// The model must call one of the tools.
  static tool_choice any() { return {.type = "any"}; }
  /// The model must call the tool named `tool_name`.
  static tool_choice named(std::string tool_name) { return {.type = "tool", .name = std::move(tool_name)}; }
  /// The model must not call tools.
  static tool_choice none() { return {.type = "none"}; }

  bool operator==(const tool_choice&) const = default;
};

/// `thinking`: extended thinking settings.
struct thinking_config {
  std::string type = "enabled";                ///< "enabled", "disabled" or "adaptive"
  std::optional<std::uint64_t> budget_tokens{};  ///< for "enabled": >= 1024 and < max_tokens
  std::optional<std::string> display{};          ///< "summarized" or "omitted"
  boost::json::object extra{};

  static thinking_config enabled(std::uint64_t budget) { return {.type = "enabled", .budget_tokens = budget}; }
  static thinking_config disabled() { return {.type = "disabled"}; }
  static thinking_config adaptive() { return {.type = "adaptive"}; }

  bool operator==(const thinking_config&) const = default;
};

/// `output_config.format`: the reply's text is JSON valid against `schema`
/// (structured outputs; see <anthropic/structured_output.hpp> to read it back).
struct json_output_format {
  std::string type = "json_schema";  ///< the only format documented today
  boost::json::object schema{};      ///< a JSON Schema object
  boost::json::object extra{};
  bool operator==(const json_output_format&) const = default;
};

/// The `output_config.effort` values documented today. The member itself stays
/// a string so that values newer than this library can be sent. (Plain C
/// strings, unlike `stop_reasons`: they initialize that member, `.effort =
/// anthropic::effort_levels::low`, which a string_view could not implicitly.)
namespace effort_levels {
inline constexpr const char* low = "low";
inline constexpr const char* medium = "medium";
inline constexpr const char* high = "high";
inline constexpr const char* xhigh = "xhigh";
inline constexpr const char* max = "max";
}  // namespace effort_levels

/// `output_config`: the shape of the reply and how much effort the model spends.
/// count_tokens takes it too (a schema counts towards the input).
struct output_config {
  std::optional<json_output_format> format{};
  std::optional<std::string> effort{};  ///< see `effort_levels`
  boost::json::object extra{};
  bool operator==(const output_config&) const = default;
};

/// The request body of POST /v1/messages.
struct message_request {
  std::string model{};
  std::uint64_t max_tokens = 0;
  std::vector<message_param> messages{};
  anthropic::system_prompt system{};
  std::optional<double> temperature{};
  std::optional<double> top_p{};
  std::optional<std::uint64_t> top_k{};
  std::vector<std::string> stop_sequences{};  ///< not sent when empty
  std::optional<bool> stream{};               ///< the client sets this itself for streamed calls
  std::optional<request_metadata> metadata{};
  std::vector<anthropic::tool> tools{};  ///< not sent when empty
  std::optional<anthropic::tool_choice> tool_choice{};
  std::optional<thinking_config> thinking{};
  std::optional<std::string> service_tier{};  ///< "auto" or "standard_only"
  std::optional<anthropic::output_config> output_config{};
  /// Members sent as given (container, inference_geo, a router's `provider`...).
  /// A typed member that is set wins over an `extra` member of the same name.
  boost::json::object extra{};
  bool operator==(const message_request&) const = default;
};

//------------------------------------------------------------------------------
// JSON conversions

namespace detail {

/// A content array, or the string shorthand for one plain text block.
ANTHROPIC_DECL bool is_plain_text(const std::vector<content_block>& blocks);

ANTHROPIC_DECL boost::json::value content_to_json(const std::vector<content_block>& blocks, boost::json::storage_ptr sp);

template <class Block>
read_status read_string_or_blocks(const boost::json::value& jv, std::vector<Block>& out) {
  if (const auto* s = jv.if_string()) {
    out.clear();
    out.push_back(text_block{.text = std::string(s->data(), s->size())});
    return read_status::ok;
  }
  return read_value(jv, out);
}

}  // namespace detail

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_param& p);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message_param& out);

// A template taking exactly system_prompt: a plain overload would also accept a
// std::vector<text_block> through the implicit constructor, and Boost.JSON would
// pick it for that vector, recursing forever.
template <std::same_as<system_prompt> SystemPrompt>
void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const SystemPrompt& s) {
  if (s.blocks.size() == 1 && !s.blocks.front().citations && !s.blocks.front().cache_control &&
      s.blocks.front().extra.empty())
    jv = s.blocks.front().text;
  else
    jv = boost::json::value_from(s.blocks, jv.storage());
}
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, system_prompt& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const request_metadata& m);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, request_metadata& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool& t);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_choice& c);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool_choice& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const thinking_config& t);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, thinking_config& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const json_output_format& f);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, json_output_format& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const output_config& c);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, output_config& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_request& req);
/// Reads a request body (e.g. a `--request` file or a batch line). `model`,
/// `max_tokens` and `messages` are required.
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message_request& out);

/// Parses a request body from JSON text: client_errc::invalid_json when the
/// text is not JSON, client_errc::invalid_message for another shape.
ANTHROPIC_DECL boost::system::error_code parse_request(std::string_view json_text, message_request& out);

/// Writes the request's JSON into `out`, replacing its contents but reusing its
/// capacity: a caller that keeps one buffer per connection stops allocating
/// for the body once the buffer has grown to the largest request.
ANTHROPIC_DECL void serialize(const message_request& req, std::string& out);

/// The request's JSON as a new string.
ANTHROPIC_DECL std::string serialize(const message_request& req);

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/request.ipp>
#endif
