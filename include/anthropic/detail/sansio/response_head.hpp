// A response head turned into anthropic::response_metadata: its status,
// request id and headers, copied (the rate limits are read from those on
// demand: detail/sansio/rate_limits.hpp).
#pragma once

#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/response.hpp>

#include <boost/beast/http/message.hpp>

#include <iterator>
#include <string>

namespace anthropic::detail {

/// The metadata of a response head: its status, request id and headers.
inline void read_response_metadata(const boost::beast::http::response_header<>& head, response_metadata& out) {
  out.clear();
  out.http_status = static_cast<int>(head.result_int());
  out.request_id = std::string(response_request_id(head));
  out.headers.reserve(static_cast<std::size_t>(std::distance(head.begin(), head.end())));
  for (const auto& field : head) out.headers.emplace_back(field.name_string(), field.value());
}

/// A delivered response's head in `diag`: its status, request id and metadata.
inline void record_response(const boost::beast::http::response_header<>& head, diagnostics& diag) {
  read_response_metadata(head, diag.response);
  diag.http_status = diag.response.http_status;
  diag.request_id = diag.response.request_id;
}

}  // namespace anthropic::detail
