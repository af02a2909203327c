// The response of POST /v1/messages: `message`, its `usage`, and parsing and
// serialization (faithful: unknown members, explicit nulls and large numbers
// survive a parse -> serialize round trip).
#pragma once

#include <anthropic/config.hpp>
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

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const cache_creation& c);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, cache_creation& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const server_tool_usage& s);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, server_tool_usage& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const usage& u);
/// Both counts are required; a null count reads as 0 and is kept (as null) in `extra`.
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, usage& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message& m);
/// `usage` may be absent (abbreviated `message_start` events); it then reads as zeros.
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message& out);

/// Parses a response body. Errors: client_errc::invalid_json when the text is
/// not JSON, client_errc::invalid_message when it is JSON of another shape.
/// `out` owns all its data afterwards.
ANTHROPIC_DECL boost::system::error_code parse_message(std::string_view json_text, message& out);

/// The message as JSON text (what the API would have sent).
ANTHROPIC_DECL std::string serialize(const message& m);

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/message.ipp>
#endif
