// The JSON conversions of content blocks, their sources and citations: the non-template functions of <anthropic/types/content.hpp>
// (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/content.hpp>

namespace anthropic::detail {

ANTHROPIC_DECL void expect_type(object_reader& r, std::string_view expected) {
  const auto* obj = r.object();
  if (!obj) return;
  const auto* t = obj->if_contains("type");
  if (!t || !t->is_string() || t->get_string() != expected) {
    r.fail();
    return;
  }
  r.consume("type");
}

ANTHROPIC_DECL boost::json::object& start_object(boost::json::value& jv, std::string_view type) {
  auto& o = jv.emplace_object();
  if (!type.empty()) o["type"] = type;
  return o;
}
}  // namespace anthropic::detail

namespace anthropic {

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const cache_control& c) {
  auto& o = detail::start_object(jv, c.type);
  detail::write_optional(o, "ttl", c.ttl);
  detail::write_extra(o, c.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, cache_control& out) {
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("ttl", out.ttl);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const citation& c) {
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

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, citation& out) {
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

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_source& s) {
  auto& o = detail::start_object(jv, s.type);
  detail::write_optional(o, "media_type", s.media_type);
  detail::write_optional(o, "data", s.data);
  detail::write_optional(o, "url", s.url);
  detail::write_optional(o, "file_id", s.file_id);
  if (s.content) o["content"] = *s.content;
  detail::write_extra(o, s.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, content_source& out) {
  out = content_source{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("media_type", out.media_type);
  r.optional("data", out.data);
  r.optional("url", out.url);
  r.optional("file_id", out.file_id);
  r.optional("content", out.content);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const citations_config& c) {
  auto& o = detail::start_object(jv);
  detail::write_defaultable(o, "enabled", c.enabled, c.extra);
  detail::write_extra(o, c.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, citations_config& out) {
  out = citations_config{};
  detail::object_reader r(jv, out.extra);
  r.optional("enabled", out.enabled);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const text_block& b) {
  auto& o = detail::start_object(jv, text_block::type_name);
  o["text"] = b.text;
  detail::write_optional(o, "citations", b.citations);
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, text_block& out) {
  out = text_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, text_block::type_name);
  r.required("text", out.text);
  r.optional("citations", out.citations);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const image_block& b) {
  auto& o = detail::start_object(jv, image_block::type_name);
  o["source"] = boost::json::value_from(b.source, o.storage());
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, image_block& out) {
  out = image_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, image_block::type_name);
  r.required("source", out.source);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const document_block& b) {
  auto& o = detail::start_object(jv, document_block::type_name);
  o["source"] = boost::json::value_from(b.source, o.storage());
  detail::write_optional(o, "title", b.title);
  detail::write_optional(o, "context", b.context);
  detail::write_optional(o, "citations", b.citations);
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, document_block& out) {
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

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_use_block& b) {
  auto& o = detail::start_object(jv, tool_use_block::type_name);
  o["id"] = b.id;
  o["name"] = b.name;
  o["input"] = b.input;
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool_use_block& out) {
  out = tool_use_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, tool_use_block::type_name);
  r.required("id", out.id);
  r.required("name", out.name);
  r.required("input", out.input);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const server_tool_use_block& b) {
  auto& o = detail::start_object(jv, server_tool_use_block::type_name);
  o["id"] = b.id;
  o["name"] = b.name;
  o["input"] = b.input;
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, server_tool_use_block& out) {
  out = server_tool_use_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, server_tool_use_block::type_name);
  r.required("id", out.id);
  r.required("name", out.name);
  r.required("input", out.input);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const thinking_block& b) {
  auto& o = detail::start_object(jv, thinking_block::type_name);
  o["thinking"] = b.thinking;
  detail::write_defaultable(o, "signature", b.signature, b.extra);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, thinking_block& out) {
  out = thinking_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, thinking_block::type_name);
  r.required("thinking", out.thinking);
  // Optional: a streamed content_block_start carries no signature yet.
  r.optional("signature", out.signature);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const redacted_thinking_block& b) {
  auto& o = detail::start_object(jv, redacted_thinking_block::type_name);
  o["data"] = b.data;
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, redacted_thinking_block& out) {
  out = redacted_thinking_block{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, redacted_thinking_block::type_name);
  r.required("data", out.data);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_result& w) {
  auto& o = detail::start_object(jv, "web_search_result");
  o["url"] = w.url;
  o["title"] = w.title;
  detail::write_optional(o, "encrypted_content", w.encrypted_content);
  detail::write_optional(o, "page_age", w.page_age);
  detail::write_extra(o, w.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, web_search_result& out) {
  out = web_search_result{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, "web_search_result");
  r.required("url", out.url);
  r.required("title", out.title);
  r.optional("encrypted_content", out.encrypted_content);
  r.optional("page_age", out.page_age);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_tool_result_error& e) {
  auto& o = detail::start_object(jv, "web_search_tool_result_error");
  o["error_code"] = e.error_code;
  detail::write_extra(o, e.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, web_search_tool_result_error& out) {
  out = web_search_tool_result_error{};
  detail::object_reader r(jv, out.extra);
  detail::expect_type(r, "web_search_tool_result_error");
  r.required("error_code", out.error_code);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const web_search_tool_result_block& b) {
  auto& o = detail::start_object(jv, web_search_tool_result_block::type_name);
  o["tool_use_id"] = b.tool_use_id;
  o["content"] = std::visit([&](const auto& c) { return boost::json::value_from(c, o.storage()); }, b.content);
  detail::write_optional(o, "cache_control", b.cache_control);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, web_search_tool_result_block& out) {
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

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const unknown_block& b) { jv = b.json; }

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_result_block& b) {
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

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool_result_block& out) {
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

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const content_block& b) {
  std::visit([&](const auto& block) { boost::json::value_from(block, jv); }, b.variant());
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, content_block& out) {
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
