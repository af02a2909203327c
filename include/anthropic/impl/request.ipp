// The JSON conversions of the request body and its parts: the non-template functions of <anthropic/types/request.hpp>
// (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/request.hpp>

namespace anthropic::detail {

ANTHROPIC_DECL bool is_plain_text(const std::vector<content_block>& blocks) {
  if (blocks.size() != 1) return false;
  const auto* text = blocks.front().get_if<text_block>();
  return text && !text->citations && !text->cache_control && text->extra.empty();
}

ANTHROPIC_DECL boost::json::value content_to_json(const std::vector<content_block>& blocks, boost::json::storage_ptr sp) {
  if (is_plain_text(blocks)) return boost::json::value(blocks.front().get_if<text_block>()->text, sp);
  return boost::json::value_from(blocks, std::move(sp));
}
}  // namespace anthropic::detail

namespace anthropic {

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_param& p) {
  auto& o = jv.emplace_object();
  o["role"] = p.role;
  o["content"] = detail::content_to_json(p.content, o.storage());
  detail::write_extra(o, p.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message_param& out) {
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

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, system_prompt& out) {
  if (detail::read_string_or_blocks(jv, out.blocks) != detail::read_status::ok) return client_errc::invalid_message;
  return {};
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const request_metadata& m) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "user_id", m.user_id);
  detail::write_extra(o, m.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, request_metadata& out) {
  out = request_metadata{};
  detail::object_reader r(jv, out.extra);
  r.optional("user_id", out.user_id);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool& t) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "type", t.type);
  o["name"] = t.name;
  detail::write_optional(o, "description", t.description);
  if (t.input_schema) o["input_schema"] = *t.input_schema;
  detail::write_optional(o, "cache_control", t.cache_control);
  detail::write_extra(o, t.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool& out) {
  out = tool{};
  detail::object_reader r(jv, out.extra);
  r.required("name", out.name);
  r.optional("description", out.description);
  r.optional("input_schema", out.input_schema);
  r.optional("type", out.type);
  r.optional("cache_control", out.cache_control);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const tool_choice& c) {
  auto& o = jv.emplace_object();
  o["type"] = c.type;
  detail::write_optional(o, "name", c.name);
  detail::write_optional(o, "disable_parallel_tool_use", c.disable_parallel_tool_use);
  detail::write_extra(o, c.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, tool_choice& out) {
  out = tool_choice{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("name", out.name);
  r.optional("disable_parallel_tool_use", out.disable_parallel_tool_use);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const thinking_config& t) {
  auto& o = jv.emplace_object();
  o["type"] = t.type;
  detail::write_optional(o, "budget_tokens", t.budget_tokens);
  detail::write_optional(o, "display", t.display);
  detail::write_extra(o, t.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, thinking_config& out) {
  out = thinking_config{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  r.optional("budget_tokens", out.budget_tokens);
  r.optional("display", out.display);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const json_output_format& f) {
  auto& o = jv.emplace_object();
  o["type"] = f.type;
  // json_schema always carries a schema (even an empty one, as the caller
  // asked); a newer format type only when it was given one, so that a body
  // read back is written as it came.
  if (f.type == "json_schema" || !f.schema.empty()) o["schema"] = f.schema;
  detail::write_extra(o, f.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, json_output_format& out) {
  out = json_output_format{};
  detail::object_reader r(jv, out.extra);
  r.required("type", out.type);
  // Optional although json_schema requires it: a format type newer than this
  // library may have none, and the body must still read back.
  r.optional("schema", out.schema);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const output_config& c) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "format", c.format);
  detail::write_optional(o, "effort", c.effort);
  detail::write_extra(o, c.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, output_config& out) {
  out = output_config{};
  detail::object_reader r(jv, out.extra);
  r.optional("format", out.format);
  r.optional("effort", out.effort);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_request& req) {
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
  detail::write_optional(o, "output_config", req.output_config);
  detail::write_extra(o, req.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message_request& out) {
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
  r.optional("output_config", out.output_config);
  return r.finish();
}

ANTHROPIC_DECL boost::system::error_code parse_request(std::string_view json_text, message_request& out) {
  return detail::parse_typed(json_text, out);
}

ANTHROPIC_DECL void serialize(const message_request& req, std::string& out) {
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

ANTHROPIC_DECL std::string serialize(const message_request& req) {
  std::string out{};
  serialize(req, out);
  return out;
}

}  // namespace anthropic
