// What GET /v1/models and GET /v1/models/{id} return (spec section 6).
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/json_support.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace anthropic {

/// A model the API serves.
struct model_info {
  std::string id{};            ///< what message_request::model takes, e.g. "claude-sonnet-4-5-20250929"
  std::string type = "model";
  std::string display_name{};  ///< e.g. "Claude Sonnet 4.5"
  std::string created_at{};    ///< RFC 3339 time of release
  std::optional<std::uint64_t> max_input_tokens{};
  std::optional<std::uint64_t> max_tokens{};
  /// What the model supports (thinking, vision, ...), as the API describes it.
  std::optional<boost::json::object> capabilities{};
  boost::json::object extra{};  ///< members this library does not type

  bool operator==(const model_info&) const = default;
};

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const model_info& m);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, model_info& out);

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/model_info.ipp>
#endif
