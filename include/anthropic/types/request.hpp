// The body of POST /v1/messages: `message_request` with its turns, tools, tool
// choice and thinking settings, and its serialization into a reusable buffer.
//
// Members are ordered for designated initializers:
//   message_request req{.model = "m", .max_tokens = 150,
//                       .messages = {anthropic::user("hi")}, .temperature = 0.7};
// Optional members left empty are not sent; `extra` members are sent as given,
// so request fields newer than this library need no release.
#pragma once

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
  /// Members sent as given (container, output_config, a router's `provider`...).
  /// A typed member that is set wins over an `extra` member of the same name.
  boost::json::object extra{};
  bool operator==(const message_request&) const = default;
};

//------------------------------------------------------------------------------
// JSON conversions

namespace detail {

/// A content array, or the string shorthand for one plain text block.
inline bool is_plain_text(const std::vector<content_block>& blocks) {
  if (blocks.size() != 1) return false;
  const auto* text = blocks.front().get_if<text_block>();
  return text && !text->citations && !text->cache_control && text->extra.empty();
}

inline boost::json::value content_to_json(const std::vector<content_block>& blocks, boost::json::storage_ptr sp) {
  if (is_plain_text(blocks)) return boost::json::value(blocks.front().get_if<text_block>()->text, sp);
  return boost::json::value_from(blocks, std::move(sp));
}

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

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_param& p) {
  auto& o = jv.emplace_object();
  o["role"] = p.role;
  o["content"] = detail::content_to_json(p.content, o.storage());
  detail::write_extra(o, p.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, message_param& out) {
  out = message_param{};
  detail::object_reader r(jv, out.extra);
  r.required("role", out.role);
  if (const auto* obj = r.object()) {
    const auto* content = obj->if_contains("content");
    if (!content || detail::read_string_or_blocks(*content, out.content) != detail::read_status::ok) r.fail();
    r.consume("content");
  }
  return r.finish();
}

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
inline boost::system::error_code from_json(const boost::json::value& jv, system_prompt& out) {
  if (detail::read_string_or_blocks(jv, out.blocks) != detail::read_status::ok) return client_errc::invalid_message;
  return {};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const request_metadata& m) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "user_id", m.user_id);
  detail::write_extra(o, m.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, request_metadata& out) {
  out = request_metadata{};
  detail::object_reader r(jv, out.extra);
  r.optional("user_id", out.user_id);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool& t) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "type", t.type);
  o["name"] = t.name;
  detail::write_optional(o, "description", t.description);
  if (t.input_schema) o["input_schema"] = *t.input_schema;
  detail::write_optional(o, "cache_control", t.cache_control);
  detail::write_extra(o, t.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, tool& out) {
  out = tool{};
  detail::object_reader r(jv, out.extra);
  r.required("name", out.name);
  r.optional("description", out.description);
  r.optional("input_schema", out.input_schema);
  r.optional("type", out.type);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_choice& c) {
  auto& o = jv.emplace_object();
  o["type"] = c.type;
  detail::write_optional(o, "name", c.name);
  detail::write_optional(o, "disable_parallel_tool_use", c.disable_parallel_tool_use);
  detail::write_extra(o, c.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, tool_choice& out) {
  out = tool_choice{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("name", out.name);
  r.optional("disable_parallel_tool_use", out.disable_parallel_tool_use);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const thinking_config& t) {
  auto& o = jv.emplace_object();
  o["type"] = t.type;
  detail::write_optional(o, "budget_tokens", t.budget_tokens);
  detail::write_optional(o, "display", t.display);
  detail::write_extra(o, t.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, thinking_config& out) {
  out = thinking_config{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("budget_tokens", out.budget_tokens);
  r.optional("display", out.display);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_request& req) {
  auto& o = jv.emplace_object();
  o["model"] = req.model;
  o["max_tokens"] = req.max_tokens;
  o["messages"] = boost::json::value_from(req.messages, o.storage());
  if (!req.system.empty()) o["system"] = boost::json::value_from(req.system, o.storage());
  detail::write_optional(o, "temperature", req.temperature);
  detail::write_optional(o, "top_p", req.top_p);
  detail::write_optional(o, "top_k", req.top_k);
  detail::write_nonempty(o, "stop_sequences", req.stop_sequences);
  detail::write_optional(o, "stream", req.stream);
  detail::write_optional(o, "metadata", req.metadata);
  detail::write_nonempty(o, "tools", req.tools);
  detail::write_optional(o, "tool_choice", req.tool_choice);
  detail::write_optional(o, "thinking", req.thinking);
  detail::write_optional(o, "service_tier", req.service_tier);
  detail::write_extra(o, req.extra);
}
/// Reads a request body (e.g. a `--request` file or a batch line). `model`,
/// `max_tokens` and `messages` are required.
inline boost::system::error_code from_json(const boost::json::value& jv, message_request& out) {
  out = message_request{};
  detail::object_reader r(jv, out.extra);
  r.required("model", out.model);
  r.required("max_tokens", out.max_tokens);
  r.required("messages", out.messages);
  r.optional("system", out.system);
  r.optional("temperature", out.temperature);
  r.optional("top_p", out.top_p);
  r.optional("top_k", out.top_k);
  r.optional("stop_sequences", out.stop_sequences);
  r.optional("stream", out.stream);
  r.optional("metadata", out.metadata);
  r.optional("tools", out.tools);
  r.optional("tool_choice", out.tool_choice);
  r.optional("thinking", out.thinking);
  r.optional("service_tier", out.service_tier);
  return r.finish();
}

/// Parses a request body from JSON text: client_errc::invalid_json when the
/// text is not JSON, client_errc::invalid_message for another shape.
inline boost::system::error_code parse_request(std::string_view json_text, message_request& out) {
  return detail::parse_typed(json_text, out);
}

/// Writes the request's JSON into `out`, replacing its contents but reusing its
/// capacity: a caller that keeps one buffer per connection stops allocating
/// for the body once the buffer has grown to the largest request.
inline void serialize(const message_request& req, std::string& out) {
  // The JSON tree only lives until it is written out: build it in an arena.
  detail::json_scratch scratch;
  const boost::json::value jv = boost::json::value_from(req, scratch.storage());

  boost::json::serializer writer{};
  writer.reset(&jv);
  out.resize(std::max<std::size_t>(out.capacity(), 256));
  std::size_t used = 0;
  for (;;) {
    used += writer.read(out.data() + used, out.size() - used).size();
    if (writer.done()) break;
    out.resize(out.size() * 2);
  }
  out.resize(used);
}

/// The request's JSON as a new string.
inline std::string serialize(const message_request& req) {
  std::string out{};
  serialize(req, out);
  return out;
}

}  // namespace anthropic
