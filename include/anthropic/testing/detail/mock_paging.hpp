// What mock_server's list endpoints share: the answer of an endpoint before
// it becomes a response, query parameters, and the API's paging (spec
// section 6: `limit` items after `after_id` or before `before_id`, newest
// first). Sans-io.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace anthropic::testing::detail {

/// What an endpoint answers: a JSON body, or an API error of `error_type`.
struct endpoint_answer {
  unsigned status = 200;
  std::string body{};
  std::string content_type = "application/json";
  std::string error_type{};  ///< non-empty: the body is the API's error with this type and `message`
  std::string message{};

  static endpoint_answer json(const boost::json::value& v, unsigned status = 200) {
    return {status, boost::json::serialize(v)};
  }
  static endpoint_answer error(unsigned status, std::string type, std::string message) {
    return {status, {}, "application/json", std::move(type), std::move(message)};
  }
  static endpoint_answer not_found() {
    return error(404, "not_found_error", "The requested resource could not be found.");
  }
  static endpoint_answer invalid(std::string message) {
    return error(400, "invalid_request_error", std::move(message));
  }
};

/// The value of query parameter `name` in `target` ("/path?a=1&b=2"),
/// percent-decoded; nothing when absent.
inline std::optional<std::string> query_value(std::string_view target, std::string_view name) {
  auto query_start = target.find('?');
  if (query_start == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(query_start + 1);
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(pair.size() == query.size() ? pair.size() : pair.size() + 1);
    if (pair.substr(0, pair.find('=')) != name) continue;
    std::string_view raw = pair.find('=') == std::string_view::npos ? std::string_view{} : pair.substr(pair.find('=') + 1);
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%' && i + 2 < raw.size() && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
        out += static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
        i += 2;
      } else {
        out += raw[i] == '+' ? ' ' : raw[i];
      }
    }
    return out;
  }
  return std::nullopt;
}

/// The percent-decoded last segment of a path: the id in "/v1/models/{id}".
inline std::string decoded_segment(std::string_view segment) {
  std::string target = "?v=";
  target += segment;
  return query_value(target, "v").value_or(std::string{});
}

/// One page of `items` (newest first, each an object with an "id"), as the
/// API pages: `limit` (1..1000, default 20) items after the item `after_id`
/// or before the item `before_id`. An unknown cursor gives an empty page.
inline endpoint_answer page_of(const boost::json::array& items, std::string_view target) {
  std::size_t limit = 20;
  if (auto text = query_value(target, "limit")) {
    limit = 0;
    bool digits = !text->empty() && text->size() <= 4;
    for (char c : *text) digits = digits && c >= '0' && c <= '9';
    if (digits) limit = std::stoul(*text);
    if (limit < 1 || limit > 1000)
      return endpoint_answer::error(400, "invalid_request_error", "limit: Input should be between 1 and 1000");
  }
  auto after = query_value(target, "after_id");
  auto before = query_value(target, "before_id");
  if (after && before)
    return endpoint_answer::error(400, "invalid_request_error", "Cannot specify both after_id and before_id");
  auto index_of = [&](const std::string& id) {
    for (std::size_t i = 0; i < items.size(); ++i)
      if (items[i].as_object().at("id").as_string() == id) return i;
    return items.size();
  };
  std::size_t begin = 0, end = items.size();
  bool has_more = false;
  if (before) {
    end = index_of(*before);
    if (end == items.size()) end = 0;
    begin = end > limit ? end - limit : 0;
    has_more = begin > 0;
  } else {
    if (after) begin = std::min(items.size(), index_of(*after) + 1);
    end = std::min(items.size(), begin + limit);
    has_more = end < items.size();
  }
  boost::json::array data(items.begin() + static_cast<std::ptrdiff_t>(begin),
                          items.begin() + static_cast<std::ptrdiff_t>(end));
  boost::json::object page{{"data", data}, {"has_more", has_more}, {"first_id", nullptr}, {"last_id", nullptr}};
  if (!data.empty()) {
    page["first_id"] = data.front().as_object().at("id");
    page["last_id"] = data.back().as_object().at("id");
  }
  return endpoint_answer::json(page);
}

}  // namespace anthropic::testing::detail
