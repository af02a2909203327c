// One page of a list endpoint (models, message batches, files) and the
// parameters that choose it. Every list endpoint of the API pages the same way
// (spec section 6): `limit` items after `after_id` or before `before_id`.
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/types/json_support.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace anthropic {

/// Which page of a list to fetch. Set at most one of `after_id` and
/// `before_id`; leave both empty for the first page (newest items first).
struct list_params {
  /// Items per page, 1 to 1000; the API's default (20) when not set.
  std::optional<unsigned> limit{};
  /// The page after this item: the `last_id` of the previous page.
  std::string after_id{};
  /// The page before this item: the `first_id` of the next page.
  std::string before_id{};
};

/// One page of a list endpoint.
template <class Item>
struct page {
  std::vector<Item> data{};
  bool has_more = false;                 ///< more items beyond this page (in the direction asked)
  std::optional<std::string> first_id{};  ///< null on an empty page
  std::optional<std::string> last_id{};   ///< null on an empty page
  boost::json::object extra{};            ///< members this library does not type

  bool operator==(const page&) const = default;
};

/// Reads a page; every item must have its documented shape.
template <class Item>
boost::system::error_code from_json(const boost::json::value& jv, page<Item>& out) {
  out = page<Item>{};
  detail::object_reader r(jv, out.extra);
  r.required("data", out.data);
  r.required("has_more", out.has_more);
  r.nullable("first_id", out.first_id);
  r.nullable("last_id", out.last_id);
  return r.finish();
}

}  // namespace anthropic
