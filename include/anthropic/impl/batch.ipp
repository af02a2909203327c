// The JSON conversions of Message Batches and the checks of a batch's
// requests (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/batch.hpp>

#include <boost/json/serialize.hpp>

#include <string>
#include <unordered_set>

namespace anthropic {

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const batch_request& r) {
  auto& o = jv.emplace_object();
  o["custom_id"] = r.custom_id;
  auto& params = o["params"];
  params = boost::json::value_from(r.params, o.storage());
  params.as_object().erase("stream");
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const batch_request_counts& c) {
  auto& o = jv.emplace_object();
  detail::write_defaultable(o, "processing", c.processing, c.extra);
  detail::write_defaultable(o, "succeeded", c.succeeded, c.extra);
  detail::write_defaultable(o, "errored", c.errored, c.extra);
  detail::write_defaultable(o, "canceled", c.canceled, c.extra);
  detail::write_defaultable(o, "expired", c.expired, c.extra);
  detail::write_extra(o, c.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, batch_request_counts& out) {
  out = batch_request_counts{};
  detail::object_reader r(jv, out.extra);
  r.optional("processing", out.processing);
  r.optional("succeeded", out.succeeded);
  r.optional("errored", out.errored);
  r.optional("canceled", out.canceled);
  r.optional("expired", out.expired);
  return r.finish();
}

namespace detail {
// A time member the API sends as null until it happens.
inline void write_time(boost::json::object& o, std::string_view key, const std::optional<std::string>& t) {
  o[key] = t ? boost::json::value(*t, o.storage()) : boost::json::value(nullptr);
}
}  // namespace detail

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_batch& b) {
  auto& o = jv.emplace_object();
  o["id"] = b.id;
  o["type"] = b.type;
  o["processing_status"] = b.processing_status;
  o["request_counts"] = boost::json::value_from(b.request_counts, o.storage());
  o["created_at"] = b.created_at;
  o["expires_at"] = b.expires_at;
  detail::write_time(o, "ended_at", b.ended_at);
  detail::write_time(o, "archived_at", b.archived_at);
  detail::write_time(o, "cancel_initiated_at", b.cancel_initiated_at);
  detail::write_time(o, "results_url", b.results_url);
  detail::write_extra(o, b.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message_batch& out) {
  out = message_batch{};
  detail::object_reader r(jv, out.extra);
  r.required("id", out.id);
  r.optional("type", out.type);
  r.required("processing_status", out.processing_status);
  r.required("request_counts", out.request_counts);
  r.optional("created_at", out.created_at);
  r.optional("expires_at", out.expires_at);
  r.nullable("ended_at", out.ended_at);
  r.nullable("archived_at", out.archived_at);
  r.nullable("cancel_initiated_at", out.cancel_initiated_at);
  r.nullable("results_url", out.results_url);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const deleted_object& d) {
  auto& o = jv.emplace_object();
  o["id"] = d.id;
  o["type"] = d.type;
  detail::write_extra(o, d.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, deleted_object& out) {
  out = deleted_object{};
  detail::object_reader r(jv, out.extra);
  r.required("id", out.id);
  r.optional("type", out.type);
  return r.finish();
}

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const batch_result& r) {
  auto& o = jv.emplace_object();
  o["custom_id"] = r.custom_id;
  // `result` is kept whole; the typed members win where they were set.
  auto& result = o["result"].emplace_object();
  result = r.result;
  result["type"] = r.type;
  if (r.message) result["message"] = boost::json::value_from(*r.message, o.storage());
  if (r.error_type || r.error_message) {
    auto& error = result["error"];
    if (!error.is_object()) error.emplace_object();
    auto& inner = error.as_object()["error"];
    if (!inner.is_object()) inner.emplace_object();
    if (!error.as_object().contains("type")) error.as_object()["type"] = "error";
    if (r.error_type) inner.as_object()["type"] = *r.error_type;
    if (r.error_message) inner.as_object()["message"] = *r.error_message;
  }
  detail::write_extra(o, r.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, batch_result& out) {
  out = batch_result{};
  detail::object_reader r(jv, out.extra);
  r.required("custom_id", out.custom_id);
  r.required("result", out.result);
  if (auto ec = r.finish()) return ec;
  const auto* type = out.result.if_contains("type");
  if (!type || !type->is_string()) return client_errc::invalid_message;
  out.type = type->get_string();
  if (out.type == batch_result_types::succeeded) {
    const auto* msg = out.result.if_contains("message");
    if (!msg) return client_errc::invalid_message;
    out.message.emplace();
    if (auto ec = from_json(*msg, *out.message)) return ec;
  } else if (out.type == batch_result_types::errored) {
    // `error` is an ErrorResponse: {"type":"error","error":{"type","message"},"request_id"}.
    const auto* response = out.result.if_contains("error");
    const auto* outer = response ? response->if_object() : nullptr;
    const auto* inner_value = outer ? outer->if_contains("error") : nullptr;
    const auto* inner = inner_value ? inner_value->if_object() : nullptr;
    if (!inner) return client_errc::invalid_message;
    if (const auto* t = inner->if_contains("type"); t && t->is_string()) out.error_type = std::string(t->get_string());
    if (const auto* m = inner->if_contains("message"); m && m->is_string())
      out.error_message = std::string(m->get_string());
  }
  return {};
}

ANTHROPIC_DECL boost::system::error_code parse_batch_result(std::string_view json_line, batch_result& out) {
  return detail::parse_typed(json_line, out);
}

namespace detail {
inline bool is_valid_custom_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > batch_limits::max_custom_id_length) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
      return false;
  return true;
}
}  // namespace detail

ANTHROPIC_DECL boost::system::error_code batch_create_body(const std::vector<batch_request>& requests,
                                                           std::string& body, std::string& problem) {
  auto refuse = [&](std::string why) {
    problem = std::move(why);
    body.clear();
    return make_error_code(client_errc::invalid_argument);
  };
  if (requests.empty()) return refuse("a batch needs at least one request");
  if (requests.size() > batch_limits::max_requests)
    return refuse("a batch holds at most " + std::to_string(batch_limits::max_requests) + " requests, this one " +
                  std::to_string(requests.size()));
  std::unordered_set<std::string_view> seen;
  seen.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& id = requests[i].custom_id;
    // The id is shown only when it is safe to print (it is valid then).
    if (!detail::is_valid_custom_id(id))
      return refuse("request " + std::to_string(i) + ": custom_id must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -");
    if (!seen.insert(id).second) return refuse("request " + std::to_string(i) + ": custom_id '" + id + "' is not unique");
  }
  // Serialized request by request, so that the checks above and the size
  // limit below need no tree of the whole batch.
  body = "{\"requests\":[";
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i) body += ',';
    detail::json_scratch scratch;
    body += boost::json::serialize(boost::json::value_from(requests[i], scratch.storage()));
    if (body.size() > batch_limits::max_body_bytes)
      return refuse("the batch is larger than " + std::to_string(batch_limits::max_body_bytes / (1024 * 1024)) +
                    " MB at request " + std::to_string(i));
  }
  body += "]}";
  return {};
}

}  // namespace anthropic
