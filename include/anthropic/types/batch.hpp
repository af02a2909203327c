// Message Batches (spec section 6): the requests of a batch, the batch as the
// API reports it, and one line of its results.
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/json_support.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic {

/// One request of a batch: the Messages request (never streamed) and the id
/// its result line will carry.
struct batch_request {
  /// 1 to 64 characters of [A-Za-z0-9_-], unique within the batch.
  std::string custom_id{};
  message_request params{};

  bool operator==(const batch_request&) const = default;
};

/// What the API accepts in one batch, checked before anything is sent.
namespace batch_limits {
inline constexpr std::size_t max_requests = 100'000;
inline constexpr std::size_t max_body_bytes = 256u * 1024 * 1024;
inline constexpr std::size_t max_custom_id_length = 64;
}  // namespace batch_limits

/// The `processing_status` values documented today (the member stays a string).
namespace batch_statuses {
inline constexpr std::string_view in_progress = "in_progress";
inline constexpr std::string_view canceling = "canceling";
inline constexpr std::string_view ended = "ended";
}  // namespace batch_statuses

/// How many requests of a batch are in each state.
struct batch_request_counts {
  std::uint64_t processing = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t errored = 0;
  std::uint64_t canceled = 0;
  std::uint64_t expired = 0;
  boost::json::object extra{};

  std::uint64_t total() const noexcept { return processing + succeeded + errored + canceled + expired; }
  bool operator==(const batch_request_counts&) const = default;
};

/// A Message Batch as the API reports it.
struct message_batch {
  std::string id{};
  std::string type = "message_batch";
  std::string processing_status{};  ///< see batch_statuses
  batch_request_counts request_counts{};
  std::string created_at{};  ///< RFC 3339 times
  std::string expires_at{};
  std::optional<std::string> ended_at{};
  std::optional<std::string> archived_at{};
  std::optional<std::string> cancel_initiated_at{};
  /// Where the results are, once the batch has ended (null before).
  std::optional<std::string> results_url{};
  boost::json::object extra{};

  /// True once no request is processed any more: the results can be read.
  bool ended() const noexcept { return processing_status == batch_statuses::ended; }
  bool operator==(const message_batch&) const = default;
};

/// What a DELETE answers: the id of what is gone and its type
/// ("message_batch_deleted", "file_deleted").
struct deleted_object {
  std::string id{};
  std::string type{};
  boost::json::object extra{};

  bool operator==(const deleted_object&) const = default;
};

/// The `result.type` values of a results line (the member stays a string).
namespace batch_result_types {
inline constexpr std::string_view succeeded = "succeeded";
inline constexpr std::string_view errored = "errored";
inline constexpr std::string_view canceled = "canceled";
inline constexpr std::string_view expired = "expired";
}  // namespace batch_result_types

/// One line of a batch's results: what became of the request `custom_id`.
struct batch_result {
  std::string custom_id{};
  std::string type{};  ///< see batch_result_types
  /// The reply, when `type` is "succeeded".
  std::optional<anthropic::message> message{};
  /// When `type` is "errored": the API's error (`type`, `message`), as for a
  /// failed request.
  std::optional<std::string> error_type{};
  std::optional<std::string> error_message{};
  /// The whole `result` object as it came, for members this library does not
  /// type (the error's `request_id`, a newer result type's data).
  boost::json::object result{};
  boost::json::object extra{};  ///< members of the line beside `custom_id` and `result`

  bool succeeded() const noexcept { return type == batch_result_types::succeeded; }
  bool operator==(const batch_result&) const = default;
};

/// How client::async_wait_batch polls: the first pause, growing by `backoff`
/// after every look up to `max_interval`. A batch takes minutes to hours; the
/// defaults ask every 5 s at first and every minute from about the fifth minute.
struct batch_wait_options {
  std::chrono::milliseconds initial_interval{5000};
  std::chrono::milliseconds max_interval{60000};
  double backoff = 1.5;
  /// Called after every look at a batch that has not ended yet (status and
  /// counts), on the client's executor. Like a hook, it must not throw (an
  /// exception would leave io_context::run()).
  std::function<void(const message_batch&)> on_progress{};
};

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const batch_request& r);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const batch_request_counts& c);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, batch_request_counts& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const message_batch& b);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, message_batch& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const deleted_object& d);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, deleted_object& out);

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const batch_result& r);
/// A results line whose `result.type` is unknown still parses (only `type` and
/// `result` are filled); a "succeeded" one must carry a valid message.
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, batch_result& out);

/// Parses one line of a results file. Errors: client_errc::invalid_json,
/// client_errc::invalid_message.
ANTHROPIC_DECL boost::system::error_code parse_batch_result(std::string_view json_line, batch_result& out);

/// The JSON body of POST /v1/messages/batches, after checking what the API
/// would refuse: no request, more than batch_limits::max_requests, a custom_id
/// that is empty, too long, not of [A-Za-z0-9_-] or not unique, a body over
/// batch_limits::max_body_bytes. Those fail with client_errc::invalid_argument
/// and `problem` says which request; nothing is sent. `stream` is left out of
/// every request (a batch is never streamed).
ANTHROPIC_DECL boost::system::error_code batch_create_body(const std::vector<batch_request>& requests,
                                                           std::string& body, std::string& problem);

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/batch.ipp>
#endif
