// mock_server's Message Batches (spec section 6), sans-io: batches created,
// listed, cancelled, expired and deleted as the API does, their requests
// answered by the mock's own message logic once a batch's processing time has
// passed (state advances whenever a batch is looked at, so no timer runs), and
// results as JSONL in random order.
#pragma once

#include <anthropic/testing/detail/default_replies.hpp>
#include <anthropic/testing/detail/mock_paging.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace anthropic::testing::detail {

/// An RFC 3339 time with microseconds, as the API writes them.
inline std::string rfc3339(std::chrono::system_clock::time_point t) {
  const auto seconds = std::chrono::system_clock::to_time_t(t);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06dZ", static_cast<int>(micros));
  return std::string(buf) + fraction;
}

class batch_store {
 public:
  using clock = std::chrono::steady_clock;
  /// Makes unique ids with a prefix ("msgbatch_", "msg_mock").
  using id_source = std::function<std::string(const char* prefix)>;

  /// `results_base`: the server's base URL, for `results_url`. `next_id` may
  /// be called from any thread.
  batch_store(std::chrono::milliseconds processing_time, std::size_t tokens_per_reply, std::string results_base,
              id_source next_id)
      : processing_time_(processing_time),
        tokens_per_reply_(tokens_per_reply),
        results_base_(std::move(results_base)),
        next_id_(std::move(next_id)) {}

  /// Answers a request on /v1/messages/batches[/...]; `path` has no query.
  endpoint_answer answer(boost::beast::http::verb verb, std::string_view path, std::string_view target,
                         std::string_view body) {
    namespace http = boost::beast::http;
    std::lock_guard lock(mutex_);
    constexpr std::string_view root = "/v1/messages/batches";
    std::string_view rest = path.substr(root.size());
    if (rest.empty() || rest == "/") {
      if (verb == http::verb::post) return create(body);
      if (verb == http::verb::get) return list(target);
      return endpoint_answer::not_found();
    }
    rest.remove_prefix(1);
    std::string_view action = rest.find('/') == std::string_view::npos ? std::string_view{} : rest.substr(rest.find('/'));
    stored_batch* batch = find(decoded_segment(rest.substr(0, rest.size() - action.size())));
    if (!batch) return endpoint_answer::not_found();
    advance(*batch);
    if (action.empty() && verb == http::verb::get) return endpoint_answer::json(batch_json(*batch));
    if (action.empty() && verb == http::verb::delete_) return remove(*batch);
    if (action == "/cancel" && verb == http::verb::post) return cancel(*batch);
    if (action == "/results" && verb == http::verb::get) return results(*batch);
    return endpoint_answer::not_found();
  }

  /// Ends a batch now: every request not yet processed expires (the 24-hour
  /// window, without the wait). False for an unknown id.
  bool expire(std::string_view id) {
    std::lock_guard lock(mutex_);
    stored_batch* batch = find(id);
    if (!batch) return false;
    advance(*batch);
    if (batch->state != status::ended) finish(*batch, result_kind::expired);
    return true;
  }

 private:
  enum class status { in_progress, canceling, ended };
  enum class result_kind { processed, canceled, expired };

  struct stored_request {
    std::string custom_id;
    boost::json::object params;
  };
  struct stored_batch {
    std::string id;
    std::vector<stored_request> requests;
    clock::time_point due;  // when processing ends
    std::string created_at, expires_at;
    std::optional<std::string> ended_at, cancel_initiated_at;
    status state = status::in_progress;
    std::uint64_t succeeded = 0, errored = 0, canceled = 0, expired = 0;
    std::vector<std::string> result_lines;  // in the order they are served
  };


  stored_batch* find(std::string_view id) {
    for (auto& b : batches_)
      if (b.id == id) return &b;
    return nullptr;
  }

  endpoint_answer create(std::string_view body) {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(body, ec);
    const auto* object = ec ? nullptr : doc.if_object();
    if (!object) return endpoint_answer::invalid("There was an error parsing the body of your request: it is not a JSON object.");
    const auto* requests = object->if_contains("requests");
    if (!requests) return endpoint_answer::invalid("requests: Field required");
    if (!requests->is_array()) return endpoint_answer::invalid("requests: Input should be a valid list");
    const auto& list = requests->get_array();
    if (list.empty()) return endpoint_answer::invalid("requests: List should have at least 1 item after validation, not 0");
    if (list.size() > 100'000) return endpoint_answer::invalid("requests: List should have at most 100000 items after validation");
    stored_batch batch;
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto* entry = list[i].if_object();
      const std::string where = "requests." + std::to_string(i);
      if (!entry) return endpoint_answer::invalid(where + ": Input should be a valid dictionary");
      const auto* custom_id = entry->if_contains("custom_id");
      if (!custom_id || !custom_id->is_string()) return endpoint_answer::invalid(where + ".custom_id: Field required");
      std::string id(custom_id->get_string());
      if (id.empty() || id.size() > 64 || id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
        return endpoint_answer::invalid(where + ".custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
      if (!seen.insert(id).second) return endpoint_answer::invalid("Duplicate custom_id: " + id);
      const auto* params = entry->if_contains("params");
      if (!params || !params->is_object()) return endpoint_answer::invalid(where + ".params: Field required");
      batch.requests.push_back({std::move(id), params->get_object()});
    }
    const auto now = std::chrono::system_clock::now();
    batch.id = next_id_("msgbatch_mock");
    batch.due = clock::now() + processing_time_;
    batch.created_at = rfc3339(now);
    batch.expires_at = rfc3339(now + std::chrono::hours(24));
    batch.result_lines.reserve(batch.requests.size());
    batches_.push_back(std::move(batch));
    return endpoint_answer::json(batch_json(batches_.back()));
  }

  endpoint_answer list(std::string_view target) {
    boost::json::array items;
    for (auto it = batches_.rbegin(); it != batches_.rend(); ++it) {
      advance(*it);
      items.push_back(batch_json(*it));
    }
    return page_of(items, target);
  }

  endpoint_answer cancel(stored_batch& batch) {
    if (batch.state == status::in_progress) {
      batch.state = status::canceling;
      batch.cancel_initiated_at = rfc3339(std::chrono::system_clock::now());
    }
    return endpoint_answer::json(batch_json(batch));
  }

  endpoint_answer remove(stored_batch& batch) {
    if (batch.state != status::ended)
      return endpoint_answer::invalid("Batch " + batch.id + " cannot be deleted while it is in progress; cancel it first.");
    boost::json::object gone{{"id", batch.id}, {"type", "message_batch_deleted"}};
    batches_.erase(batches_.begin() + (&batch - batches_.data()));
    return endpoint_answer::json(gone);
  }

  endpoint_answer results(const stored_batch& batch) const {
    if (batch.state != status::ended)
      return endpoint_answer::invalid("Batch " + batch.id + " has not ended yet: its results are not available.");
    endpoint_answer a;
    a.content_type = "application/binary";
    std::size_t size = 0;
    for (const auto& line : batch.result_lines) size += line.size() + 1;
    a.body.reserve(size);
    for (const auto& line : batch.result_lines) a.body.append(line).append(1, '\n');
    return a;
  }

  // A canceling batch ends at once (nothing of it was processed yet); an
  // in-progress one once its processing time has passed.
  void advance(stored_batch& batch) {
    if (batch.state == status::canceling) finish(batch, result_kind::canceled);
    else if (batch.state == status::in_progress && clock::now() >= batch.due) finish(batch, result_kind::processed);
  }

  void finish(stored_batch& batch, result_kind kind) {
    for (auto& request : batch.requests) {
      boost::json::object result;
      switch (kind) {
        case result_kind::canceled: result = {{"type", "canceled"}}; ++batch.canceled; break;
        case result_kind::expired: result = {{"type", "expired"}}; ++batch.expired; break;
        case result_kind::processed:
          if (auto problem = request_problem(request.params, true)) {
            boost::json::object error{{"type", "error"},
                                      {"error", {{"type", "invalid_request_error"}, {"message", *problem}}}};
            result = {{"type", "errored"}, {"error", std::move(error)}};
            ++batch.errored;
          } else {
            planned_message msg = plan_message(request.params, tokens_per_reply_, next_id_("msg_mock"));
            result = {{"type", "succeeded"}, {"message", message_json(msg)}};
            ++batch.succeeded;
          }
          break;
      }
      batch.result_lines.push_back(
          boost::json::serialize(boost::json::object{{"custom_id", request.custom_id}, {"result", std::move(result)}}));
    }
    batch.requests.clear();
    batch.requests.shrink_to_fit();
    // "in any order", as the API says: never the order of the requests.
    std::shuffle(batch.result_lines.begin(), batch.result_lines.end(), random_);
    batch.state = status::ended;
    batch.ended_at = rfc3339(std::chrono::system_clock::now());
  }

  boost::json::object batch_json(const stored_batch& b) const {
    const char* state = b.state == status::in_progress ? "in_progress" : b.state == status::canceling ? "canceling" : "ended";
    auto optional_time = [](const std::optional<std::string>& t) {
      return t ? boost::json::value(*t) : boost::json::value(nullptr);
    };
    boost::json::object counts{{"processing", b.requests.size()},
                               {"succeeded", b.succeeded},
                               {"errored", b.errored},
                               {"canceled", b.canceled},
                               {"expired", b.expired}};
    boost::json::value results_url = nullptr;
    if (b.state == status::ended) results_url = results_base_ + "/v1/messages/batches/" + b.id + "/results";
    return {{"id", b.id},
            {"type", "message_batch"},
            {"processing_status", state},
            {"request_counts", std::move(counts)},
            {"ended_at", optional_time(b.ended_at)},
            {"created_at", b.created_at},
            {"expires_at", b.expires_at},
            {"archived_at", nullptr},
            {"cancel_initiated_at", optional_time(b.cancel_initiated_at)},
            {"results_url", std::move(results_url)}};
  }

  std::mutex mutex_;  // expire() may come from any thread
  std::chrono::milliseconds processing_time_;
  std::size_t tokens_per_reply_;
  std::string results_base_;
  std::vector<stored_batch> batches_;  // oldest first
  id_source next_id_;
  std::minstd_rand random_{std::random_device{}()};
};

}  // namespace anthropic::testing::detail
