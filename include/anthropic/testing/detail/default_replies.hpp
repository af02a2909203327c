// What the mock server answers when no reply is scripted: deterministic
// messages derived from the request, in the exact JSON shapes of the API
// (spec sections 3, 4 and 6), either as one JSON body or as an SSE stream.
#pragma once

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic::testing::detail {

namespace json = boost::json;

/// One content block of a planned reply; streamed as its pieces, sent whole otherwise.
struct planned_block {
  enum class kind { text, thinking, tool_use };
  kind type = kind::text;
  std::vector<std::string> pieces;  // text / thinking deltas, or input_json_delta fragments
  std::string signature;            // thinking only
  std::string tool_id, tool_name;   // tool_use only
  json::value tool_input;           // tool_use only

  std::string joined() const {
    std::string out;
    for (const auto& p : pieces) out += p;
    return out;
  }
};

/// The reply to one Messages request, before it is serialized either way.
struct planned_message {
  std::string id;
  std::string model;
  std::vector<planned_block> blocks;
  std::string stop_reason = "end_turn";
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
};

// FNV-1a: a stable hash, so that signatures and ids are the same on every run.
inline std::uint64_t stable_hash(std::string_view s) noexcept {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

inline std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

inline const json::object* find_object(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() ? it->value().if_object() : nullptr;
}

inline std::string_view find_string(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return it->value().get_string();
}

// All text of a message's `content` (a string, or the text of its blocks).
inline std::string content_text(const json::value& content, bool* has_tool_result = nullptr) {
  if (content.is_string()) return std::string(content.get_string());
  std::string out;
  if (const auto* blocks = content.if_array()) {
    for (const auto& b : *blocks) {
      const auto* block = b.if_object();
      if (!block) continue;
      auto type = find_string(*block, "type");
      if (type == "text") {
        if (!out.empty()) out += ' ';
        out += find_string(*block, "text");
      } else if (type == "tool_result") {
        if (has_tool_result) *has_tool_result = true;
        if (auto it = block->find("content"); it != block->end()) {
          if (!out.empty()) out += ' ';
          out += content_text(it->value());
        }
      }
    }
  }
  return out;
}

inline std::size_t count_words(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

/// A deterministic stand-in for tokenization: words of the system prompt and of
/// every message, plus a few tokens of framing per message (as real counts have).
/// count_tokens and the usage of a reply agree on it.
inline std::uint64_t estimate_input_tokens(const json::object& request) {
  std::uint64_t n = 0;
  if (auto it = request.find("system"); it != request.end()) n += count_words(content_text(it->value()));
  if (const auto* it = request.if_contains("messages"); it && it->is_array()) {
    for (const auto& m : it->get_array()) {
      n += 3;
      if (const auto* msg = m.if_object())
        if (const auto* c = msg->if_contains("content")) n += count_words(content_text(*c));
    }
  }
  if (const auto* tools = request.if_contains("tools"); tools && tools->is_array())
    n += 50 * tools->get_array().size();
  return std::max<std::uint64_t>(n, 1);
}

// Splits text into words that keep their leading space ("Once", " upon", " a"),
// the way tokenizers cut English text.
inline std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] == ' ') ++i;
    while (i < text.size() && text[i] != ' ') ++i;
    words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

/// Exactly `n` non-empty pieces whose concatenation is `text` (repeated as often
/// as needed to have at least `n` words).
inline std::vector<std::string> split_into_pieces(std::string text, std::size_t n) {
  if (n == 0) return {};
  if (text.empty()) text = "OK.";
  auto words = split_words(text);
  const auto base = words;
  while (words.size() < n) {
    auto more = base;
    more.front().insert(0, " ");
    words.insert(words.end(), more.begin(), more.end());
  }
  std::vector<std::string> pieces(n);
  // Piece k takes words [k*W/n, (k+1)*W/n): as even as whole words allow.
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t w = k * words.size() / n; w < (k + 1) * words.size() / n; ++w) pieces[k] += words[w];
  return pieces;
}

// Cuts `s` into fragments of about `size` bytes without splitting a UTF-8 sequence.
inline std::vector<std::string> split_bytes(std::string_view s, std::size_t size) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t end = std::min(s.size(), i + size);
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
    out.emplace_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

/// The text the mock "model" answers with: a bedtime story for story prompts
/// ("... story about a unicorn." -> a sentence about a unicorn), an
/// acknowledgement of tool results, and an echo of anything else.
inline std::string reply_text(std::string_view prompt, bool answers_tool_result) {
  if (answers_tool_result) return "Thanks! The tool returned: " + std::string(prompt);
  std::string lower(prompt);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  if (lower.find("story") != std::string::npos) {
    std::string subject = "a little dreamer";
    if (auto about = lower.find("about "); about != std::string::npos) {
      auto start = about + 6;
      auto end = prompt.find_first_of(".!?\n", start);
      auto found = prompt.substr(start, end == std::string_view::npos ? end : end - start);
      if (!found.empty()) subject = std::string(found);
    }
    return "Once upon a time, " + subject +
           " found a quiet meadow under the silver moon, counted the sleepy stars one by one, "
           "and drifted off to the sweetest dreams.";
  }
  if (prompt.empty()) return "Hello! How can I help you today?";
  return "You said: \"" + std::string(prompt) + "\". This is a deterministic reply from the mock server.";
}

// A plausible value for a JSON Schema: the first enum value, or one per type.
inline json::value example_for_schema(const json::object& schema, std::string_view name, int depth = 0) {
  if (auto it = schema.find("enum"); it != schema.end() && it->value().is_array() &&
                                     !it->value().get_array().empty())
    return it->value().get_array().front();
  auto type = find_string(schema, "type");
  // A union of types (`["integer", "null"]`, an optional member): its first.
  if (const auto* types = schema.if_contains("type"); types && types->is_array() && !types->get_array().empty() &&
                                                      types->get_array().front().is_string())
    type = types->get_array().front().get_string();
  if (type == "integer" || type == "number") return 1;
  if (type == "boolean") return true;
  if (type == "array") return json::array{};
  if (type == "object") {
    json::object out;
    if (depth > 8) return out;
    if (const auto* props = find_object(schema, "properties"))
      for (const auto& p : *props)
        if (const auto* sub = p.value().if_object()) out[p.key()] = example_for_schema(*sub, p.key(), depth + 1);
    return out;
  }
  return json::string("example " + std::string(name));
}

/// Plans the reply to a (validated) Messages request. Rules, kept simple and stable:
///  - `thinking` enabled or adaptive: a thinking block first, with a signature;
///  - a tool_use block when tool_choice is `any` or `tool`, or when tools are given,
///    tool_choice is not `none` and the last user turn is not a tool result (so a
///    tool loop terminates after one round);
///  - otherwise, with `output_config.format` of type json_schema, a text block
///    holding an instance of the schema (example_for_schema), cut to max_tokens;
///  - otherwise a text block of `tokens` deltas, cut to max_tokens.
inline planned_message plan_message(const json::object& request, std::size_t tokens, std::string id) {
  planned_message msg;
  msg.id = std::move(id);
  msg.model = std::string(find_string(request, "model"));
  msg.input_tokens = estimate_input_tokens(request);

  std::string prompt;
  bool answers_tool_result = false;
  if (const auto* messages = request.if_contains("messages"); messages && messages->is_array()) {
    for (const auto& m : messages->get_array()) {
      const auto* msg_obj = m.if_object();
      if (!msg_obj || find_string(*msg_obj, "role") != "user") continue;
      answers_tool_result = false;
      if (const auto* c = msg_obj->if_contains("content")) prompt = content_text(*c, &answers_tool_result);
    }
  }
  std::int64_t max_tokens = 4096;
  if (const auto* mt = request.if_contains("max_tokens"); mt && mt->is_int64()) max_tokens = mt->get_int64();
  std::uint64_t budget = max_tokens > 0 ? static_cast<std::uint64_t>(max_tokens) : 0;

  if (const auto* thinking = find_object(request, "thinking")) {
    auto type = find_string(*thinking, "type");
    if (type == "enabled" || type == "adaptive") {
      planned_block b;
      b.type = planned_block::kind::thinking;
      b.pieces = split_into_pieces("The user wrote: \"" + prompt + "\". A short, friendly answer fits best.", 3);
      b.signature = "EqMock" + hex64(stable_hash(b.joined())) + hex64(stable_hash(msg.id));
      msg.output_tokens += b.pieces.size();
      msg.blocks.push_back(std::move(b));
    }
  }

  const json::object* tool = nullptr;
  bool forced = false;
  const auto* tools = request.if_contains("tools");
  const auto* choice = find_object(request, "tool_choice");
  auto choice_type = choice ? find_string(*choice, "type") : std::string_view("auto");
  if (tools && tools->is_array() && choice_type != "none") {
    forced = choice_type == "any" || choice_type == "tool";
    for (const auto& t : tools->get_array()) {
      const auto* candidate = t.if_object();
      if (!candidate || !candidate->contains("input_schema")) continue;  // server tools are not called
      if (choice_type == "tool" && find_string(*candidate, "name") != find_string(*choice, "name")) continue;
      tool = candidate;
      break;
    }
    if (!forced && answers_tool_result) tool = nullptr;
  }

  if (tool && !forced) {
    // Like the real model, say what it is about to do before calling the tool.
    planned_block b;
    b.pieces = split_into_pieces("I'll use the " + std::string(find_string(*tool, "name")) + " tool.", 2);
    msg.output_tokens += b.pieces.size();
    msg.blocks.push_back(std::move(b));
  }
  if (tool) {
    planned_block b;
    b.type = planned_block::kind::tool_use;
    b.tool_name = std::string(find_string(*tool, "name"));
    b.tool_id = "toolu_mock" + hex64(stable_hash(msg.id + b.tool_name));
    const auto* schema = find_object(*tool, "input_schema");
    b.tool_input = schema ? example_for_schema(*schema, b.tool_name) : json::object{};
    if (!b.tool_input.is_object()) b.tool_input = json::object{};
    b.pieces = split_bytes(json::serialize(b.tool_input), 12);
    b.pieces.insert(b.pieces.begin(), "");  // the API's first fragment is often empty
    msg.output_tokens += b.pieces.size();
    msg.blocks.push_back(std::move(b));
    msg.stop_reason = "tool_use";
    return msg;
  }

  // Structured outputs: the text is an instance of the schema, in pieces of
  // about 12 bytes (as tool input is streamed), cut short by max_tokens.
  if (const auto* output = find_object(request, "output_config")) {
    const auto* format = find_object(*output, "format");
    if (format && find_string(*format, "type") == "json_schema") {
      const auto* schema = find_object(*format, "schema");
      planned_block b;
      b.pieces = split_bytes(json::serialize(schema ? example_for_schema(*schema, "value") : json::object{}), 12);
      if (budget < b.pieces.size()) {
        b.pieces.resize(static_cast<std::size_t>(budget));
        msg.stop_reason = "max_tokens";
      }
      msg.output_tokens += b.pieces.size();
      if (!b.pieces.empty()) msg.blocks.push_back(std::move(b));
      return msg;
    }
  }

  std::size_t text_tokens = tokens;
  if (budget < text_tokens) {
    text_tokens = static_cast<std::size_t>(budget);
    msg.stop_reason = "max_tokens";
  }
  if (text_tokens > 0) {
    planned_block b;
    b.pieces = split_into_pieces(reply_text(prompt, answers_tool_result), text_tokens);
    msg.output_tokens += b.pieces.size();
    msg.blocks.push_back(std::move(b));
  }
  return msg;
}

inline json::object usage_json(const planned_message& m) {
  return {{"input_tokens", m.input_tokens},
          {"cache_creation_input_tokens", 0},
          {"cache_read_input_tokens", 0},
          {"output_tokens", m.output_tokens},
          {"service_tier", "standard"}};
}

inline json::object block_json(const planned_block& b) {
  switch (b.type) {
    case planned_block::kind::thinking:
      return {{"type", "thinking"}, {"thinking", b.joined()}, {"signature", b.signature}};
    case planned_block::kind::tool_use:
      return {{"type", "tool_use"}, {"id", b.tool_id}, {"name", b.tool_name}, {"input", b.tool_input}};
    case planned_block::kind::text:
      break;
  }
  return {{"type", "text"}, {"text", b.joined()}};
}

/// The non-streamed response body.
inline json::object message_json(const planned_message& m) {
  json::array content;
  for (const auto& b : m.blocks) content.push_back(block_json(b));
  return {{"id", m.id},       {"type", "message"},          {"role", "assistant"},
          {"model", m.model}, {"content", std::move(content)}, {"stop_reason", m.stop_reason},
          {"stop_sequence", nullptr}, {"usage", usage_json(m)}};
}

/// One SSE event: `event: NAME`, one `data:` line, a blank line.
inline std::string sse_event(std::string_view name, const json::value& data) {
  std::string out = "event: ";
  out.append(name).append("\ndata: ").append(json::serialize(data)).append("\n\n");
  return out;
}

/// The streamed response: message_start, per block content_block_start, its
/// deltas and content_block_stop (with a ping after the first start, as the API
/// sends), message_delta with the final usage, message_stop.
inline std::vector<std::string> message_events(const planned_message& m) {
  std::vector<std::string> events;
  json::object start_usage = usage_json(m);
  start_usage["output_tokens"] = 1;
  events.push_back(sse_event(
      "message_start",
      json::object{{"type", "message_start"},
                   {"message", json::object{{"id", m.id},
                                            {"type", "message"},
                                            {"role", "assistant"},
                                            {"model", m.model},
                                            {"content", json::array{}},
                                            {"stop_reason", nullptr},
                                            {"stop_sequence", nullptr},
                                            {"usage", std::move(start_usage)}}}}));
  for (std::size_t i = 0; i < m.blocks.size(); ++i) {
    const auto& b = m.blocks[i];
    json::object start_block;
    const char* delta_type = "text_delta";
    const char* delta_field = "text";
    switch (b.type) {
      case planned_block::kind::text: start_block = {{"type", "text"}, {"text", ""}}; break;
      case planned_block::kind::thinking:
        start_block = {{"type", "thinking"}, {"thinking", ""}};
        delta_type = "thinking_delta";
        delta_field = "thinking";
        break;
      case planned_block::kind::tool_use:
        start_block = {{"type", "tool_use"}, {"id", b.tool_id}, {"name", b.tool_name}, {"input", json::object{}}};
        delta_type = "input_json_delta";
        delta_field = "partial_json";
        break;
    }
    events.push_back(sse_event("content_block_start", json::object{{"type", "content_block_start"},
                                                                   {"index", i},
                                                                   {"content_block", std::move(start_block)}}));
    if (i == 0) events.push_back(sse_event("ping", json::object{{"type", "ping"}}));
    for (const auto& piece : b.pieces)
      events.push_back(sse_event("content_block_delta",
                                 json::object{{"type", "content_block_delta"},
                                              {"index", i},
                                              {"delta", json::object{{"type", delta_type}, {delta_field, piece}}}}));
    if (b.type == planned_block::kind::thinking)
      events.push_back(sse_event(
          "content_block_delta",
          json::object{{"type", "content_block_delta"},
                       {"index", i},
                       {"delta", json::object{{"type", "signature_delta"}, {"signature", b.signature}}}}));
    events.push_back(
        sse_event("content_block_stop", json::object{{"type", "content_block_stop"}, {"index", i}}));
  }
  if (m.blocks.empty()) events.push_back(sse_event("ping", json::object{{"type", "ping"}}));
  events.push_back(sse_event(
      "message_delta",
      json::object{{"type", "message_delta"},
                   {"delta", json::object{{"stop_reason", m.stop_reason}, {"stop_sequence", nullptr}}},
                   {"usage", json::object{{"output_tokens", m.output_tokens}}}}));
  events.push_back(sse_event("message_stop", json::object{{"type", "message_stop"}}));
  return events;
}

/// The API's error body (spec section 5).
inline std::string error_body(std::string_view type, std::string_view message, std::string_view request_id) {
  json::object body{{"type", "error"},
                    {"error", json::object{{"type", type}, {"message", message}}}};
  if (!request_id.empty()) body["request_id"] = request_id;
  return json::serialize(body);
}

/// The first problem the API would report in a Messages request, worded like its messages.
inline std::optional<std::string> request_problem(const boost::json::object& request, bool needs_max_tokens) {
  const auto* model = request.if_contains("model");
  if (!model) return "model: Field required";
  if (!model->is_string()) return "model: Input should be a valid string";
  if (needs_max_tokens) {
    const auto* max_tokens = request.if_contains("max_tokens");
    if (!max_tokens) return "max_tokens: Field required";
    if (!max_tokens->is_int64() && !max_tokens->is_uint64()) return "max_tokens: Input should be a valid integer";
  }
  const auto* messages = request.if_contains("messages");
  if (!messages) return "messages: Field required";
  if (!messages->is_array()) return "messages: Input should be a valid list";
  for (const auto& m : messages->get_array()) {
    const auto* msg = m.if_object();
    if (!msg) return "messages: Input should be a valid dictionary";
    auto role = find_string(*msg, "role");
    if (role != "user" && role != "assistant" && role != "system")
      return "messages: Input tag is not one of the expected roles 'user' and 'assistant'";
    const auto* content = msg->if_contains("content");
    if (!content || !(content->is_string() || content->is_array())) return "messages: content must be a string or a list";
  }
  if (const auto* stream = request.if_contains("stream"); stream && !stream->is_bool())
    return "stream: Input should be a valid boolean";
  return std::nullopt;
}

/// The models GET /v1/models lists, newest first.
inline json::array known_models() {
  auto model = [](const char* id, const char* name, const char* created) {
    return json::object{{"type", "model"}, {"id", id}, {"display_name", name}, {"created_at", created}};
  };
  return {model("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
          model("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-01T00:00:00Z"),
          model("claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05T00:00:00Z")};
}

}  // namespace anthropic::testing::detail
