// Content blocks: the pieces a message's `content` is made of, in requests and
// in responses, with their JSON conversions.
//
// Every block type is a plain aggregate with typed members for what the API
// documents and an `extra` object for everything else (members newer than this
// library, explicit nulls, values that do not fit the typed member). A block of
// a type this library does not know is kept whole as `unknown_block`. Together
// this makes parse -> serialize give back JSON equal to the input.
#pragma once

#include <anthropic/config.hpp>
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
///  - "file":   file_id (a file uploaded with client::async_upload_file)
struct content_source {
  std::string type{};
  std::optional<std::string> media_type{};
  std::optional<std::string> data{};
  std::optional<std::string> url{};
  std::optional<std::string> file_id{};
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
ANTHROPIC_DECL void expect_type(object_reader& r, std::string_view expected);

ANTHROPIC_DECL boost::json::object& start_object(boost::json::value& jv, std::string_view type = {});

}  // namespace detail

// cache_control
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const cache_control& c);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, cache_control& out);

// citation
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const citation& c);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, citation& out);

// content_source
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_source& s);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, content_source& out);

// citations_config
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const citations_config& c);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, citations_config& out);

// text_block
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const text_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, text_block& out);

// image_block
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const image_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, image_block& out);

// document_block
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const document_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, document_block& out);

// tool_use_block
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_use_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool_use_block& out);

// server_tool_use_block
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const server_tool_use_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, server_tool_use_block& out);

// thinking_block
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const thinking_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, thinking_block& out);

// redacted_thinking_block
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const redacted_thinking_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, redacted_thinking_block& out);

// web search results
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_result& w);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, web_search_result& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_tool_result_error& e);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, web_search_tool_result_error& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_tool_result_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, web_search_tool_result_block& out);

// unknown_block: the JSON as it came
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const unknown_block& b);

// content_block, and tool_result_block which nests content blocks
ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, content_block& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_result_block& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool_result_block& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_block& b);

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

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, content_block& out);

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/content.ipp>
#endif
