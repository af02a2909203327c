// Turns an HTTP error response into an error code and diagnostics (spec section 5).
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/safe_text.hpp>

#include <boost/beast/http/fields.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace anthropic::detail {

/// The id the API gives each response (its `request-id` header; empty when absent).
inline std::string_view response_request_id(const boost::beast::http::fields& head) { return head["request-id"]; }

/// Longest body excerpt kept when an error body is not the API's JSON shape.
inline constexpr std::size_t error_snippet_limit = 200;

/// A printable one-line excerpt of a body that is not the API's JSON (an HTML 502
/// page from a proxy, say): runs of white space and control characters become one
/// space, the cut never splits a UTF-8 sequence, and bytes that are not UTF-8 (a
/// Latin-1 or compressed page) become U+FFFD (printable()).
inline std::string body_snippet(std::string_view body, std::size_t limit = error_snippet_limit) {
  std::string out;
  out.reserve(std::min(body.size(), limit));
  bool pending_space = false;
  for (char ch : body) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      if (out.size() + 1 >= limit) break;
      out += ' ';
      pending_space = false;
    }
    if (out.size() >= limit) break;
    out += ch;
  }
  if (out.size() >= limit || out.size() < body.size()) {
    // Drop a partial UTF-8 sequence at the end (continuation bytes are 10xxxxxx).
    std::size_t end = out.size();
    std::size_t lead = end;
    while (lead > 0 && (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80) --lead;
    if (lead > 0) {
      auto first = static_cast<unsigned char>(out[lead - 1]);
      std::size_t want = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
      if (end - (lead - 1) < want) out.resize(lead - 1);
    }
  }
  return printable(out);
}

/// Fills `out` from an error response and returns its code (api_category).
/// Understands the API's shape `{"type":"error","error":{"type","message"},"request_id"}`
/// and the OpenAI-like shape some routers send `{"error":{"type","message","code"}}`;
/// any other body keeps the status and a short snippet as the message. The
/// `request-id` header wins over the body's `request_id`.
inline boost::system::error_code parse_error_response(int status, std::string_view body,
                                                      std::string_view request_id_header, diagnostics& out) {
  out.clear();
  out.http_status = status;
  out.request_id = std::string(request_id_header);

  boost::system::error_code parse_ec;
  boost::json::value doc = boost::json::parse(body, parse_ec);
  const boost::json::object* error = nullptr;
  if (!parse_ec && doc.is_object())
    if (auto* e = doc.as_object().if_contains("error"); e && e->is_object()) error = &e->as_object();

  if (error) {
    if (auto* t = error->if_contains("type"); t && t->is_string()) out.error_type = t->as_string();
    if (auto* m = error->if_contains("message"); m && m->is_string()) out.server_message = m->as_string();
    if (out.request_id.empty())
      if (auto* id = doc.as_object().if_contains("request_id"); id && id->is_string())
        out.request_id = id->as_string();
  } else {
    out.server_message = body_snippet(body);
  }
  return api_errc_from(status, out.error_type);
}

}  // namespace anthropic::detail
