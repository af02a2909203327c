// The state of one results download behind anthropic::batch_results: its
// connection, the line framer, and the coroutine that hands out the next
// typed line, reading more of the body only when no whole line is buffered.
// Memory is bounded by the longest line (client_options::max_response_size),
// whatever the size of the results file.
#pragma once

#include <anthropic/detail/io/call_context.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/connection_lease.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/detail/sansio/deadline.hpp>
#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/detail/sansio/line_framer.hpp>
#include <anthropic/detail/sansio/transport_error.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/batch.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

namespace anthropic::detail {

class results_state {
 public:
  /// `conn` holds the response head (2xx) of `call`, a GET .../results.
  results_state(const call_context& call, connection_lease conn)
      : core_(call.core),
        conn_(std::move(conn)),
        target_(call.target),
        info_{call.info.sequence, call.info.operation, {}},
        idle_(call.timeouts.idle),
        http_status_(static_cast<int>(conn_->head().result_int())),
        request_id_(response_request_id(conn_->head())),
        framer_(core_->options().max_response_size) {
    info_.target = target_;
  }

  results_state(const results_state&) = delete;
  results_state& operator=(const results_state&) = delete;

  // Dropped before the end: the connection is mid-body, so it is closed (on
  // the client's executor, where the pool lives).
  ~results_state() {
    if (!conn_) return;
    boost::asio::post(core_->executor(), [core = core_, conn = std::move(conn_), info = info_,
                                          target = std::move(target_)]() mutable {
      info.target = target;
      conn.release(false);
      core->report_request_end(info, make_error_code(boost::asio::error::operation_aborted));
    });
  }

  const std::shared_ptr<client_core>& core() const noexcept { return core_; }
  const std::string& request_id() const noexcept { return request_id_; }
  std::uint64_t lines_read() const noexcept { return lines_; }

  /// The next result, nothing at the end of the body. A failure repeats on
  /// every later call; results handed out before it stay with the caller.
  boost::asio::awaitable<std::pair<boost::system::error_code, std::optional<batch_result>>> next(op_control& control,
                                                                                               diagnostics& diag) {
    using result = std::pair<boost::system::error_code, std::optional<batch_result>>;
    if (busy_) {
      diag.client_message = "batch_results hands out one line at a time: wait for async_next to complete";
      co_return result{client_errc::operation_in_progress, std::nullopt};
    }
    if (failure_) {
      diag = failure_diag_;
      co_return result{failure_, std::nullopt};
    }
    if (ended_) co_return result{};
    busy_ = true;
    struct not_busy {
      bool& flag;
      ~not_busy() { flag = false; }
    } unmark{busy_};

    for (;;) {
      std::string_view line;
      switch (framer_.next_line(line)) {
        case line_framer::status::line:
          co_return typed(line, diag);
        case line_framer::status::too_long:
          co_return result{fail(client_errc::line_too_large, "max_response_size is " +
                                                                 std::to_string(core_->options().max_response_size) +
                                                                 " bytes, line " + std::to_string(lines_ + 1) + " is longer",
                                diag),
                           std::nullopt};
        case line_framer::status::need_more:
          break;
      }
      if (control.cancelled) co_return result{fail(boost::asio::error::operation_aborted, "", diag), std::nullopt};
      boost::system::error_code read_ec;
      std::string_view piece;
      {
        watched_connection watch(control, conn_.get());
        std::tie(read_ec, piece) = co_await conn_->async_read_body_some(
            limit_for(idle_, client_errc::idle_timeout, clock::time_point::max()));
      }
      if (control.cancelled) co_return result{fail(boost::asio::error::operation_aborted, "", diag), std::nullopt};
      if (read_ec) {
        std::string detail;
        const auto ec = read_ec.category() == client_category()
                            ? read_ec
                            : classify_read_failure(read_ec, client_errc::response_truncated, detail);
        if (!detail.empty()) detail += ", ";
        co_return result{fail(ec, detail + "after " + std::to_string(lines_) + " lines", diag), std::nullopt};
      }
      if (piece.empty()) {  // the body ended: a last line may lack its newline
        conn_.finish();
        result last{};
        if (framer_.finish(line)) last = typed(line, diag);
        end(last.first);
        co_return last;
      }
      auto space = framer_.prepare(piece.size());
      std::memcpy(space.data(), piece.data(), piece.size());
      framer_.commit(piece.size());
    }
  }

 private:
  std::pair<boost::system::error_code, std::optional<batch_result>> typed(std::string_view line, diagnostics& diag) {
    ++lines_;
    std::optional<batch_result> out(std::in_place);
    if (auto ec = parse_batch_result(line, *out))
      return {fail(ec, "results line " + std::to_string(lines_) + " is " + body_snippet(line), diag), std::nullopt};
    return {{}, std::move(out)};
  }

  boost::system::error_code fail(boost::system::error_code ec, std::string message, diagnostics& diag) {
    failure_ = ec;
    failure_diag_ = {};
    failure_diag_.http_status = http_status_;
    failure_diag_.request_id = request_id_;
    failure_diag_.client_message = std::move(message);
    diag = failure_diag_;
    conn_.release(false);
    end(ec);
    return ec;
  }

  void end(boost::system::error_code ec) {
    if (ended_) return;
    ended_ = true;
    core_->report_request_end(info_, ec);
  }

  std::shared_ptr<client_core> core_;
  connection_lease conn_;
  std::string target_;
  request_info info_;
  std::chrono::milliseconds idle_;  // the call's timeouts.idle
  int http_status_;
  std::string request_id_;
  line_framer framer_;
  std::uint64_t lines_ = 0;
  boost::system::error_code failure_;
  diagnostics failure_diag_;
  bool busy_ = false;
  bool ended_ = false;
};

}  // namespace anthropic::detail
