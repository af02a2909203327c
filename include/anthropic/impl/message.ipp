// The JSON conversions of the reply (usage, message), its parsing and serialization: the non-template functions of <anthropic/types/message.hpp>
// (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/message.hpp>

namespace anthropic {

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const cache_creation& c) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "ephemeral_5m_input_tokens", c.ephemeral_5m_input_tokens);
  detail::write_optional(o, "ephemeral_1h_input_tokens", c.ephemeral_1h_input_tokens);
  detail::write_extra(o, c.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, cache_creation& out) {
  out = cache_creation{};
  detail::object_reader r(jv, out.extra);
  r.optional("ephemeral_5m_input_tokens", out.ephemeral_5m_input_tokens);
  r.optional("ephemeral_1h_input_tokens", out.ephemeral_1h_input_tokens);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const server_tool_usage& s) {
  auto& o = jv.emplace_object();
  detail::write_optional(o, "web_search_requests", s.web_search_requests);
  detail::write_optional(o, "web_fetch_requests", s.web_fetch_requests);
  detail::write_extra(o, s.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, server_tool_usage& out) {
  out = server_tool_usage{};
  detail::object_reader r(jv, out.extra);
  r.optional("web_search_requests", out.web_search_requests);
  r.optional("web_fetch_requests", out.web_fetch_requests);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const usage& u) {
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

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, usage& out) {
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

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message& m) {
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

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message& out) {
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

ANTHROPIC_DECL boost::system::error_code parse_message(std::string_view json_text, message& out) {
  return detail::parse_typed(json_text, out);
}

ANTHROPIC_DECL std::string serialize(const message& m) { return boost::json::serialize(boost::json::value_from(m)); }

}  // namespace anthropic
