// Content blocks: the pieces a message's `content` is made of, in requests and
// in responses, with their JSON conversions.
//
// Every block type is a plain aggregate with typed members for what the API
// documents and an `extra` object for everything else (members newer than this
// library, explicit nulls, values that do not fit the typed member). A block of
// a type this library does not know is kept whole as `unknown_block`. Together
// this makes parse -> serialize give back JSON equal to the input.
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/types/json_support.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace anthropic {

/// `cache_control`: marks the end of a cacheable prompt prefix.
struct cache_control {
  std::string type = "ephemeral";  ///< the only type the API knows today
  std::optional<std::string> ttl{};  ///< "5m" (the server's default) or "1h"
  boost::json::object extra{};
  bool operator==(const cache_control&) const = default;
};

/// One citation of a text block. The API has several location types sharing
/// `cited_text`; the members that apply depend on `type`:
///  - char_location:            document_index, document_title, start/end_char_index
///  - page_location:            document_index, document_title, start/end_page_number
///  - content_block_location:   document_index, document_title, start/end_block_index
///  - web_search_result_location: url, title, encrypted_index
///  - search_result_location:   search_result_index, source, title, start/end_block_index
/// Members of unknown location types land in `extra`.
struct citation {
  std::string type{};
  std::string cited_text{};
  std::optional<std::uint64_t> document_index{};
  std::optional<std::string> document_title{};
  std::optional<std::uint64_t> start_char_index{};
  std::optional<std::uint64_t> end_char_index{};
  std::optional<std::uint64_t> start_page_number{};
  std::optional<std::uint64_t> end_page_number{};
  std::optional<std::uint64_t> start_block_index{};
  std::optional<std::uint64_t> end_block_index{};
  std::optional<std::string> url{};
  std::optional<std::string> title{};
  std::optional<std::string> encrypted_index{};
  std::optional<std::uint64_t> search_result_index{};
  std::optional<std::string> source{};
  boost::json::object extra{};
  bool operator==(const citation&) const = default;
};

/// The `source` of an image or document block. `type` says which members apply:
///  - "base64": media_type, data (base64 text)
///  - "url":    url
///  - "text":   media_type ("text/plain"), data (the plain text itself)
///  - "content": content (a string or an array of content blocks, kept as JSON)
struct content_source {
  std::string type{};
  std::optional<std::string> media_type{};
  std::optional<std::string> data{};
  std::optional<std::string> url{};
  std::optional<boost::json::value> content{};
  boost::json::object extra{};
  bool operator==(const content_source&) const = default;
};

/// `{"enabled": bool}` on a document block.
struct citations_config {
  bool enabled = false;
  boost::json::object extra{};
  bool operator==(const citations_config&) const = default;
};

/// Text, in a request or a response. Responses may carry citations.
struct text_block {
  static constexpr std::string_view type_name = "text";
  std::string text{};
  /// Absent when the server sent none or `null` (a `null` stays in `extra`).
  std::optional<std::vector<citation>> citations{};
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};

  /// Appends one citation (what a streamed `citations_delta` does).
  void add_citation(citation c) {
    if (!citations) citations.emplace();
    citations->push_back(std::move(c));
  }
  bool operator==(const text_block&) const = default;
};

/// An image (request only): base64 bytes or a URL.
struct image_block {
  static constexpr std::string_view type_name = "image";
  content_source source{};
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};
  bool operator==(const image_block&) const = default;
};

/// A document (request only): a PDF (base64 or URL), plain text, or content blocks.
struct document_block {
  static constexpr std::string_view type_name = "document";
  content_source source{};
  std::optional<std::string> title{};
  std::optional<std::string> context{};
  std::optional<citations_config> citations{};
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};
  bool operator==(const document_block&) const = default;
};

/// The model asks the caller to run a tool. `input` is a JSON object.
struct tool_use_block {
  static constexpr std::string_view type_name = "tool_use";
  std::string id{};
  std::string name{};
  boost::json::value input = boost::json::object();
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};
  bool operator==(const tool_use_block&) const = default;
};

class content_block;

/// The `content` of a tool result: absent, a string, or content blocks (text,
/// image, document, search results...).
///
/// A class rather than a bare std::variant because it nests content_block,
/// which is incomplete here: its special members are defined after
/// content_block, so tool_result_block can still default its members
/// (designated initializers then compile warning-free).
class tool_result_content {
 public:
  /// No `content` member.
  tool_result_content() noexcept;
  tool_result_content(std::string text);                   // NOLINT: implicit, `.content = "42"`
  tool_result_content(const char* text);                   // NOLINT
  tool_result_content(std::vector<content_block> blocks);  // NOLINT
  tool_result_content(const tool_result_content&);
  tool_result_content(tool_result_content&&) noexcept;
  tool_result_content& operator=(const tool_result_content&);
  tool_result_content& operator=(tool_result_content&&) noexcept;
  ~tool_result_content();

  /// True when the result has no `content` member at all.
  bool empty() const noexcept { return value_.index() == 0; }
  /// The string form, or nullptr.
  const std::string* text() const noexcept { return std::get_if<std::string>(&value_); }
  std::string* text() noexcept { return std::get_if<std::string>(&value_); }
  /// The block form, or nullptr.
  const std::vector<content_block>* blocks() const noexcept;
  std::vector<content_block>* blocks() noexcept;

  bool operator==(const tool_result_content& other) const;

 private:
  std::variant<std::monostate, std::string, std::vector<content_block>> value_;
};

/// The caller's answer to a tool_use block (request only).
struct tool_result_block {
  static constexpr std::string_view type_name = "tool_result";
  std::string tool_use_id{};
  tool_result_content content{};
  std::optional<bool> is_error{};
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};
  bool operator==(const tool_result_block&) const = default;
};

/// Extended thinking. Must be sent back unmodified in later turns.
struct thinking_block {
  static constexpr std::string_view type_name = "thinking";
  std::string thinking{};
  /// Always present in a finished block; empty in a streamed `content_block_start`.
  std::string signature{};
  boost::json::object extra{};
  bool operator==(const thinking_block&) const = default;
};

/// Thinking the safety systems encrypted; sent back unchanged.
struct redacted_thinking_block {
  static constexpr std::string_view type_name = "redacted_thinking";
  std::string data{};
  boost::json::object extra{};
  bool operator==(const redacted_thinking_block&) const = default;
};

/// A tool the server runs itself (web_search, web_fetch, code_execution...).
struct server_tool_use_block {
  static constexpr std::string_view type_name = "server_tool_use";
  std::string id{};
  std::string name{};
  boost::json::value input = boost::json::object();
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};
  bool operator==(const server_tool_use_block&) const = default;
};

/// One hit of a web search.
struct web_search_result {
  std::string url{};
  std::string title{};
  std::optional<std::string> encrypted_content{};
  std::optional<std::string> page_age{};
  boost::json::object extra{};
  bool operator==(const web_search_result&) const = default;
};

/// A failed web search: `error_code` is invalid_tool_input, unavailable,
/// max_uses_exceeded, too_many_requests, query_too_long, request_too_large...
struct web_search_tool_result_error {
  std::string error_code{};
  boost::json::object extra{};
  bool operator==(const web_search_tool_result_error&) const = default;
};

/// The result of a server-side web search: the hits, or an error.
struct web_search_tool_result_block {
  static constexpr std::string_view type_name = "web_search_tool_result";
  std::string tool_use_id{};
  std::variant<std::vector<web_search_result>, web_search_tool_result_error> content{};
  std::optional<anthropic::cache_control> cache_control{};
  boost::json::object extra{};
  bool operator==(const web_search_tool_result_block&) const = default;
};

/// A block of a type this library does not know, kept verbatim so that it
/// survives a round trip (and can be echoed back to the API).
struct unknown_block {
  boost::json::object json{};
  bool operator==(const unknown_block&) const = default;
};

/// A content block of any type.
class content_block {
 public:
  using variant_type =
      std::variant<text_block, image_block, document_block, tool_use_block, tool_result_block, thinking_block,
                   redacted_thinking_block, server_tool_use_block, web_search_tool_result_block, unknown_block>;

  /// An empty text block.
  content_block() = default;

  /// Any of the block types above.
  template <class Block>
    requires(!std::is_same_v<std::remove_cvref_t<Block>, content_block> &&
             std::is_constructible_v<variant_type, Block &&>)
  content_block(Block&& block)  // NOLINT: implicit on purpose, `content = {text_block{...}}`
      : value_(std::forward<Block>(block)) {}

  /// The block's `type` as on the wire ("text", "tool_use", ...); for an unknown
  /// block its `type` member, or "" when it has none.
  std::string_view type() const noexcept {
    return std::visit(
        [](const auto& b) -> std::string_view {
          using B = std::remove_cvref_t<decltype(b)>;
          if constexpr (std::is_same_v<B, unknown_block>) {
            const auto* t = b.json.if_contains("type");
            return t && t->is_string() ? std::string_view(t->get_string()) : std::string_view();
          } else {
            return B::type_name;
          }
        },
        value_);
  }

  /// The block as `T`, or nullptr when it holds another type.
  template <class T>
  T* get_if() noexcept {
    return std::get_if<T>(&value_);
  }
  template <class T>
  const T* get_if() const noexcept {
    return std::get_if<T>(&value_);
  }
  template <class T>
  bool is() const noexcept {
    return std::holds_alternative<T>(value_);
  }

  variant_type& variant() noexcept { return value_; }
  const variant_type& variant() const noexcept { return value_; }

  bool operator==(const content_block&) const = default;

 private:
  variant_type value_{};
};

inline tool_result_content::tool_result_content() noexcept = default;
inline tool_result_content::tool_result_content(std::string text) : value_(std::move(text)) {}
inline tool_result_content::tool_result_content(const char* text) : value_(std::string(text)) {}
inline tool_result_content::tool_result_content(std::vector<content_block> blocks) : value_(std::move(blocks)) {}
inline tool_result_content::tool_result_content(const tool_result_content&) = default;
inline tool_result_content::tool_result_content(tool_result_content&&) noexcept = default;
inline tool_result_content& tool_result_content::operator=(const tool_result_content&) = default;
inline tool_result_content& tool_result_content::operator=(tool_result_content&&) noexcept = default;
inline tool_result_content::~tool_result_content() = default;
inline const std::vector<content_block>* tool_result_content::blocks() const noexcept {
  return std::get_if<std::vector<content_block>>(&value_);
}
inline std::vector<content_block>* tool_result_content::blocks() noexcept {
  return std::get_if<std::vector<content_block>>(&value_);
}
inline bool tool_result_content::operator==(const tool_result_content& other) const { return value_ == other.value_; }

//------------------------------------------------------------------------------
// JSON conversions

namespace detail {

/// Checks the `type` tag of a block: present, a string, and the expected one.
inline void expect_type(object_reader& r, std::string_view expected) {
  const auto* obj = r.object();
  if (!obj) return;
  const auto* t = obj->if_contains("type");
  if (!t || !t->is_string() || t->get_string() != expected) {
    r.fail();
    return;
  }
  r.consume("type");
}

inline boost::json::object& start_object(boost::json::value& jv, std::string_view type = {}) {
  auto& o = jv.emplace_object();
  if (!type.empty()) o["type"] = type;
  return o;
}

}  // namespace detail

// cache_control
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const cache_control& c) {
  auto& o = detail::start_object(jv, c.type);
  detail::write_optional(o, "ttl", c.ttl);
  detail::write_extra(o, c.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, cache_control& out) {
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("ttl", out.ttl);
  return r.finish();
}

// citation
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const citation& c) {
  auto& o = detail::start_object(jv, c.type);
  o["cited_text"] = c.cited_text;
  detail::write_optional(o, "document_index", c.document_index);
  detail::write_optional(o, "document_title", c.document_title);
  detail::write_optional(o, "start_char_index", c.start_char_index);
  detail::write_optional(o, "end_char_index", c.end_char_index);
  detail::write_optional(o, "start_page_number", c.start_page_number);
  detail::write_optional(o, "end_page_number", c.end_page_number);
  detail::write_optional(o, "start_block_index", c.start_block_index);
  detail::write_optional(o, "end_block_index", c.end_block_index);
  detail::write_optional(o, "url", c.url);
  detail::write_optional(o, "title", c.title);
  detail::write_optional(o, "encrypted_index", c.encrypted_index);
  detail::write_optional(o, "search_result_index", c.search_result_index);
  detail::write_optional(o, "source", c.source);
  detail::write_extra(o, c.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, citation& out) {
  out = citation{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.required("cited_text", out.cited_text);
  r.optional("document_index", out.document_index);
  r.optional("document_title", out.document_title);
  r.optional("start_char_index", out.start_char_index);
  r.optional("end_char_index", out.end_char_index);
  r.optional("start_page_number", out.start_page_number);
  r.optional("end_page_number", out.end_page_number);
  r.optional("start_block_index", out.start_block_index);
  r.optional("end_block_index", out.end_block_index);
  r.optional("url", out.url);
  r.optional("title", out.title);
  r.optional("encrypted_index", out.encrypted_index);
  r.optional("search_result_index", out.search_result_index);
  r.optional("source", out.source);
  return r.finish();
}

// content_source
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_source& s) {
  auto& o = detail::start_object(jv, s.type);
  detail::write_optional(o, "media_type", s.media_type);
  detail::write_optional(o, "data", s.data);
  detail::write_optional(o, "url", s.url);
  if (s.content) o["content"] = *s.content;
  detail::write_extra(o, s.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, content_source& out) {
  out = content_source{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("media_type", out.media_type);
  r.optional("data", out.data);
  r.optional("url", out.url);
  r.optional("content", out.content);
  return r.finish();
}

// citations_config
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const citations_config& c) {
  auto& o = detail::start_object(jv);
  detail::write_defaultable(o, "enabled", c.enabled, c.extra);
  detail::write_extra(o, c.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, citations_config& out) {
  out = citations_config{};
  detail::object_reader r(jv, out.extra);
  r.optional("enabled", out.enabled);
  return r.finish();
}

// text_block
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const text_block& b) {
  auto& o = detail::start_object(jv, text_block::type_name);
  o["text"] = b.text;
  detail::write_optional(o, "citations", b.citations);
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, text_block& out) {
  out = text_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, text_block::type_name);
  r.required("text", out.text);
  r.optional("citations", out.citations);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

// image_block
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const image_block& b) {
  auto& o = detail::start_object(jv, image_block::type_name);
  o["source"] = boost::json::value_from(b.source, o.storage());
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, image_block& out) {
  out = image_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, image_block::type_name);
  r.required("source", out.source);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

// document_block
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const document_block& b) {
  auto& o = detail::start_object(jv, document_block::type_name);
  o["source"] = boost::json::value_from(b.source, o.storage());
  detail::write_optional(o, "title", b.title);
  detail::write_optional(o, "context", b.context);
  detail::write_optional(o, "citations", b.citations);
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, document_block& out) {
  out = document_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, document_block::type_name);
  r.required("source", out.source);
  r.optional("title", out.title);
  r.optional("context", out.context);
  r.optional("citations", out.citations);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

// tool_use_block
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_use_block& b) {
  auto& o = detail::start_object(jv, tool_use_block::type_name);
  o["id"] = b.id;
  o["name"] = b.name;
  o["input"] = b.input;
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, tool_use_block& out) {
  out = tool_use_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, tool_use_block::type_name);
  r.required("id", out.id);
  r.required("name", out.name);
  r.required("input", out.input);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

// server_tool_use_block
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const server_tool_use_block& b) {
  auto& o = detail::start_object(jv, server_tool_use_block::type_name);
  o["id"] = b.id;
  o["name"] = b.name;
  o["input"] = b.input;
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, server_tool_use_block& out) {
  out = server_tool_use_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, server_tool_use_block::type_name);
  r.required("id", out.id);
  r.required("name", out.name);
  r.required("input", out.input);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

// thinking_block
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const thinking_block& b) {
  auto& o = detail::start_object(jv, thinking_block::type_name);
  o["thinking"] = b.thinking;
  detail::write_defaultable(o, "signature", b.signature, b.extra);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, thinking_block& out) {
  out = thinking_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, thinking_block::type_name);
  r.required("thinking", out.thinking);
  // Optional: a streamed content_block_start carries no signature yet.
  r.optional("signature", out.signature);
  return r.finish();
}

// redacted_thinking_block
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const redacted_thinking_block& b) {
  auto& o = detail::start_object(jv, redacted_thinking_block::type_name);
  o["data"] = b.data;
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, redacted_thinking_block& out) {
  out = redacted_thinking_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, redacted_thinking_block::type_name);
  r.required("data", out.data);
  return r.finish();
}

// web search results
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_result& w) {
  auto& o = detail::start_object(jv, "web_search_result");
  o["url"] = w.url;
  o["title"] = w.title;
  detail::write_optional(o, "encrypted_content", w.encrypted_content);
  detail::write_optional(o, "page_age", w.page_age);
  detail::write_extra(o, w.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, web_search_result& out) {
  out = web_search_result{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, "web_search_result");
  r.required("url", out.url);
  r.required("title", out.title);
  r.optional("encrypted_content", out.encrypted_content);
  r.optional("page_age", out.page_age);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_tool_result_error& e) {
  auto& o = detail::start_object(jv, "web_search_tool_result_error");
  o["error_code"] = e.error_code;
  detail::write_extra(o, e.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, web_search_tool_result_error& out) {
  out = web_search_tool_result_error{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, "web_search_tool_result_error");
  r.required("error_code", out.error_code);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_tool_result_block& b) {
  auto& o = detail::start_object(jv, web_search_tool_result_block::type_name);
  o["tool_use_id"] = b.tool_use_id;
  o["content"] = std::visit([&](const auto& c) { return boost::json::value_from(c, o.storage()); }, b.content);
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, web_search_tool_result_block& out) {
  out = web_search_tool_result_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, web_search_tool_result_block::type_name);
  r.required("tool_use_id", out.tool_use_id);
  if (const auto* obj = r.object()) {
    const auto* content = obj->if_contains("content");
    if (content && content->is_object()) {
      web_search_tool_result_error error{};
      r.required("content", error);
      out.content = std::move(error);
    } else {
      r.required("content", out.content.emplace<std::vector<web_search_result>>());
    }
  }
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

// unknown_block: the JSON as it came
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const unknown_block& b) { jv = b.json; }

// content_block, and tool_result_block which nests content blocks
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_block& b);
inline boost::system::error_code from_json(const boost::json::value& jv, content_block& out);

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_result_block& b) {
  auto& o = detail::start_object(jv, tool_result_block::type_name);
  o["tool_use_id"] = b.tool_use_id;
  if (const auto* text = b.content.text()) {
    o["content"] = *text;
  } else if (const auto* blocks = b.content.blocks()) {
    o["content"] = boost::json::value_from(*blocks, o.storage());
  }
  detail::write_optional(o, "is_error", b.is_error);
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}
inline boost::system::error_code from_json(const boost::json::value& jv, tool_result_block& out) {
  out = tool_result_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, tool_result_block::type_name);
  r.required("tool_use_id", out.tool_use_id);
  if (const auto* obj = r.object()) {
    const auto* content = obj->if_contains("content");
    if (content && content->is_string()) {
      out.content = std::string();
      r.required("content", *out.content.text());
    } else if (content && content->is_array()) {
      out.content = std::vector<content_block>();
      r.required("content", *out.content.blocks());
    } else if (content && !content->is_null()) {
      r.fail();
    }
  }
  r.optional("is_error", out.is_error);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_block& b) {
  std::visit([&](const auto& block) { boost::json::value_from(block, jv); }, b.variant());
}

namespace detail {

/// Parses `jv` as the alternative whose `type_name` equals `type`; false when
/// no known alternative has that name.
template <std::size_t I = 0>
bool parse_known_block(std::string_view type, const boost::json::value& jv, content_block& out,
                       boost::system::error_code& ec) {
  using variant_type = content_block::variant_type;
  if constexpr (I == std::variant_size_v<variant_type>) {
    return false;
  } else {
    using block_type = std::variant_alternative_t<I, variant_type>;
    if constexpr (!std::is_same_v<block_type, unknown_block>) {
      if (type == block_type::type_name) {
        ec = from_json(jv, out.variant().template emplace<block_type>());
        return true;
      }
    }
    return parse_known_block<I + 1>(type, jv, out, ec);
  }
}

}  // namespace detail

inline boost::system::error_code from_json(const boost::json::value& jv, content_block& out) {
  const auto* obj = jv.if_object();
  if (!obj) return client_errc::invalid_message;
  const auto* type = obj->if_contains("type");
  if (!type || !type->is_string()) return client_errc::invalid_message;
  boost::system::error_code ec{};
  // Copy into the default storage: `jv` may live in a short-lived parse arena.
  if (!detail::parse_known_block(type->get_string(), jv, out, ec))
    out = unknown_block{boost::json::object(*obj, boost::json::storage_ptr())};
  return ec;
}

}  // namespace anthropic
