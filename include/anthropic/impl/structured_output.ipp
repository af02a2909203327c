// The non-template steps of reading a structured output (see <anthropic/structured_output.hpp>
// and <anthropic/config.hpp>).
#pragma once

#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/structured_output.hpp>

#include <boost/json/parser.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace anthropic::detail {

/// Diagnostics of a reply that arrived fine but holds no usable output: only
/// the client's explanation.
inline diagnostics output_diagnostics(std::string problem) {
  diagnostics diag;
  diag.client_message = std::move(problem);
  return diag;
}

/// "<size> bytes of text: <excerpt>", or "no text".
inline std::string text_excerpt(std::string_view raw_text) {
  if (raw_text.empty()) return "no text";
  return std::to_string(raw_text.size()) + " bytes of text: " + body_snippet(raw_text);
}

/// "; category: ...; explanation: ..." from the refusal's `stop_details` (which
/// the typed message keeps in `extra`), as far as the API sent them.
inline std::string refusal_details(const message& reply) {
  std::string out;
  const auto* details = reply.extra.if_contains("stop_details");
  const auto* object = details ? details->if_object() : nullptr;
  if (!object) return out;
  for (const char* key : {"category", "explanation"}) {
    const auto* member = object->if_contains(key);
    if (!member || !member->is_string()) continue;
    out += "; ";
    out += key;
    out += ": ";
    out += member->get_string();
  }
  return out;
}

ANTHROPIC_DECL boost::system::error_code read_output_json(const message& reply, boost::json::value& jv,
                                                          std::string& raw_text, std::string& problem) {
  raw_text = reply.text();
  // The stop reason first: a refusal or a reply cut short is what went wrong,
  // even when its text also fails to parse (as a cut-off JSON text does).
  if (reply.stopped_for(stop_reasons::refusal)) {
    problem = "stop_reason refusal" + refusal_details(reply) + "; " + text_excerpt(raw_text);
    return client_errc::output_refused;
  }
  if (reply.stopped_for(stop_reasons::max_tokens) || reply.stopped_for(stop_reasons::model_context_window_exceeded)) {
    problem = "stop_reason " + *reply.stop_reason + "; " + text_excerpt(raw_text);
    return client_errc::output_truncated;
  }
  if (raw_text.empty()) {
    problem = "no text in " + std::to_string(reply.content.size()) + " content blocks";
    return client_errc::output_not_json;
  }
  // parser::write rather than parse(): it tells how far the text was valid.
  boost::json::parser parser(jv.storage(), parse_options());
  boost::system::error_code ec;
  const std::size_t valid = parser.write(raw_text.data(), raw_text.size(), ec);
  if (ec) {
    problem = ec.message() + " at byte " + std::to_string(valid) + "; " + text_excerpt(raw_text);
    return client_errc::output_not_json;
  }
  jv = parser.release();
  return {};
}

ANTHROPIC_DECL std::string mismatch_problem(std::string_view complaint, std::string_view raw_text) {
  return std::string(complaint) + "; " + text_excerpt(raw_text);
}

ANTHROPIC_DECL void throw_output_error(boost::system::error_code ec, std::string problem, std::string raw_text) {
  throw structured_output_error(ec, std::move(problem), std::move(raw_text));
}

}  // namespace anthropic::detail

namespace anthropic {

ANTHROPIC_DECL structured_output_error::structured_output_error(boost::system::error_code ec, std::string problem,
                                                                std::string raw_text)
    : error_with_diagnostics(ec, detail::output_diagnostics(std::move(problem))), raw_text_(std::move(raw_text)) {}

}  // namespace anthropic
