// The response of POST /v1/messages: `message`, its `usage`, and parsing and
// serialization (faithful: unknown members, explicit nulls and large numbers
// survive a parse -> serialize round trip).
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/json_support.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic {

/// `usage.cache_creation`: cache writes split by time to live.
struct cache_creation {
  std::optional<std::uint64_t> ephemeral_5m_input_tokens{};
  std::optional<std::uint64_t> ephemeral_1h_input_tokens{};
  boost::json::object extra{};
  bool operator==(const cache_creation&) const = default;
};

/// `usage.server_tool_use`: how often server tools ran.
struct server_tool_usage {
  std::optional<std::uint64_t> web_search_requests{};
  std::optional<std::uint64_t> web_fetch_requests{};
  boost::json::object extra{};
  bool operator==(const server_tool_usage&) const = default;
};

/// Token counts of one request. In a stream, `message_delta` counts are cumulative.
struct usage {
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::optional<std::uint64_t> cache_creation_input_tokens{};
  std::optional<std::uint64_t> cache_read_input_tokens{};
  std::optional<anthropic::cache_creation> cache_creation{};
  std::optional<server_tool_usage> server_tool_use{};
  std::optional<std::string> service_tier{};  ///< "standard", "priority", "batch"
  boost::json::object extra{};

  /// Every input token the request was billed for: uncached, cache writes and cache reads.
  std::uint64_t total_input_tokens() const noexcept {
    return input_tokens + cache_creation_input_tokens.value_or(0) + cache_read_input_tokens.value_or(0);
  }
  bool operator==(const usage&) const = default;
};

/// The `stop_reason` values documented today. The member itself stays a string
/// so that values newer than this library pass through.
namespace stop_reasons {
inline constexpr std::string_view end_turn = "end_turn";
inline constexpr std::string_view max_tokens = "max_tokens";
inline constexpr std::string_view stop_sequence = "stop_sequence";
inline constexpr std::string_view tool_use = "tool_use";
inline constexpr std::string_view pause_turn = "pause_turn";
inline constexpr std::string_view refusal = "refusal";
inline constexpr std::string_view model_context_window_exceeded = "model_context_window_exceeded";
}  // namespace stop_reasons

/// A reply of the model.
struct message {
  std::string id{};
  std::string type = "message";
  std::string role = "assistant";
  std::vector<content_block> content{};
  std::string model{};
  /// Empty only while a stream has not delivered it yet (serialized as null).
  std::optional<std::string> stop_reason{};
  /// The stop sequence that matched, if any (serialized as null when empty).
  std::optional<std::string> stop_sequence{};
  anthropic::usage usage{};
  /// Members this library does not type (`container`, `stop_details`, a router's `cost`...).
  boost::json::object extra{};

  /// The text of all text blocks, concatenated in order.
  std::string text() const {
    std::string out{};
    for (const auto& block : content)
      if (const auto* t = block.get_if<text_block>()) out += t->text;
    return out;
  }

  /// True when the reply stopped with this reason (see `stop_reasons`).
  bool stopped_for(std::string_view reason) const noexcept { return stop_reason && *stop_reason == reason; }

  bool operator==(const message&) const = default;
};

//------------------------------------------------------------------------------
// JSON conversions

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const cache_creation& c) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "ephemeral_5m_input_tokens", c.ephemeral_5m_input_tokens);
  detail::write_optional(o, "ephemeral_1h_input_tokens", c.ephemeral_1h_input_tokens);
  detail::write_extra(o, c.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, cache_creation& out) {
  out = cache_creation{};
  detail::object_reader r(jv, out.extra);
  r.optional("ephemeral_5m_input_tokens", out.ephemeral_5m_input_tokens);
  r.optional("ephemeral_1h_input_tokens", out.ephemeral_1h_input_tokens);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const server_tool_usage& s) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "web_search_requests", s.web_search_requests);
  detail::write_optional(o, "web_fetch_requests", s.web_fetch_requests);
  detail::write_extra(o, s.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, server_tool_usage& out) {
  out = server_tool_usage{};
  detail::object_reader r(jv, out.extra);
  r.optional("web_search_requests", out.web_search_requests);
  r.optional("web_fetch_requests", out.web_fetch_requests);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const usage& u) {
  auto& o = jv.emplace_object();
  detail::write_defaultable(o, "input_tokens", u.input_tokens, u.extra);
  detail::write_defaultable(o, "output_tokens", u.output_tokens, u.extra);
  detail::write_optional(o, "cache_creation_input_tokens", u.cache_creation_input_tokens);
  detail::write_optional(o, "cache_read_input_tokens", u.cache_read_input_tokens);
  detail::write_optional(o, "cache_creation", u.cache_creation);
  detail::write_optional(o, "server_tool_use", u.server_tool_use);
  detail::write_optional(o, "service_tier", u.service_tier);
  detail::write_extra(o, u.extra);
}
/// Both counts are required; a null count reads as 0 and is kept (as null) in `extra`.
inline boost::system::error_code from_json(const boost::json::value& jv, usage& out) {
  out = usage{};
  detail::object_reader r(jv, out.extra);
  r.present("input_tokens", out.input_tokens);
  r.present("output_tokens", out.output_tokens);
  r.optional("cache_creation_input_tokens", out.cache_creation_input_tokens);
  r.optional("cache_read_input_tokens", out.cache_read_input_tokens);
  r.optional("cache_creation", out.cache_creation);
  r.optional("server_tool_use", out.server_tool_use);
  r.optional("service_tier", out.service_tier);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message& m) {
  auto& o = jv.emplace_object();
  o["id"] = m.id;
  o["type"] = m.type;
  o["role"] = m.role;
  o["content"] = boost::json::value_from(m.content, o.storage());
  o["model"] = m.model;
  // The API always sends both, null when not set.
  o["stop_reason"] = m.stop_reason ? boost::json::value(*m.stop_reason, o.storage()) : boost::json::value(nullptr);
  o["stop_sequence"] =
      m.stop_sequence ? boost::json::value(*m.stop_sequence, o.storage()) : boost::json::value(nullptr);
  detail::write_defaultable(o, "usage", m.usage, m.extra);
  detail::write_extra(o, m.extra);
}
/// `usage` may be absent (abbreviated `message_start` events); it then reads as zeros.
inline boost::system::error_code from_json(const boost::json::value& jv, message& out) {
  out = message{};
  detail::object_reader r(jv, out.extra);
  r.required("id", out.id);
  r.required("type", out.type);
  r.required("role", out.role);
  r.required("content", out.content);
  r.required("model", out.model);
  r.nullable("stop_reason", out.stop_reason);
  r.nullable("stop_sequence", out.stop_sequence);
  r.optional("usage", out.usage);
  return r.finish();
}

/// Parses a response body. Errors: client_errc::invalid_json when the text is
/// not JSON, client_errc::invalid_message when it is JSON of another shape.
/// `out` owns all its data afterwards.
inline boost::system::error_code parse_message(std::string_view json_text, message& out) {
  return detail::parse_typed(json_text, out);
}

/// The message as JSON text (what the API would have sent).
inline std::string serialize(const message& m) { return boost::json::serialize(boost::json::value_from(m)); }

}  // namespace anthropic
