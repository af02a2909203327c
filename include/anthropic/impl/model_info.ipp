// The JSON conversions of model_info (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/model_info.hpp>

namespace anthropic {

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const model_info& m) {
  auto& o = jv.emplace_object();
  o["type"] = m.type;
  o["id"] = m.id;
  // Left out when a router left them out, so that a round trip is faithful.
  if (!m.display_name.empty()) o["display_name"] = m.display_name;
  if (!m.created_at.empty()) o["created_at"] = m.created_at;
  detail::write_optional(o, "max_input_tokens", m.max_input_tokens);
  detail::write_optional(o, "max_tokens", m.max_tokens);
  detail::write_optional(o, "capabilities", m.capabilities);
  detail::write_extra(o, m.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, model_info& out) {
  out = model_info{};
  detail::object_reader r(jv, out.extra);
  r.required("id", out.id);
  r.optional("type", out.type);
  // Routers that list models may leave these out; the id is what matters.
  r.optional("display_name", out.display_name);
  r.optional("created_at", out.created_at);
  r.optional("max_input_tokens", out.max_input_tokens);
  r.optional("max_tokens", out.max_tokens);
  r.optional("capabilities", out.capabilities);
  return r.finish();
}

}  // namespace anthropic
