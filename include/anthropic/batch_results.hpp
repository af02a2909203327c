// anthropic::batch_results: the results of an ended Message Batch, one typed
// line at a time, read from the connection as they are asked for. A results
// file of any size is read in memory bounded by its longest line.
//
//   auto results = co_await client.async_batch_results(batch.id);
//   while (auto line = co_await results.async_next())
//     if (line->succeeded()) std::cout << line->custom_id << ": " << line->message->text() << '\n';
#pragma once

#include <anthropic/completion.hpp>
#include <anthropic/config.hpp>
#include <anthropic/detail/launch.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/batch.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace anthropic {

/// The result lines of one batch, as started by client::async_batch_results.
///
/// Call async_next() until it yields an empty optional: every line of the
/// results file is handed out once, in the order the server sends them (which
/// is not the order of the requests: match them by custom_id). The connection
/// goes back to the pool at the end, or is closed when the reading fails or
/// the object is destroyed before the end.
///
/// Thread safety: one caller at a time (a second concurrent async_next fails
/// with client_errc::operation_in_progress). Movable, not copyable.
class batch_results {
 public:
  using next_signature = void(boost::system::error_code, std::optional<batch_result>);

  /// An empty reader (what a failed async_batch_results hands out):
  /// async_next fails with boost::asio::error::not_connected.
  batch_results() = default;
  explicit batch_results(std::shared_ptr<detail::results_state> state) noexcept : state_(std::move(state)) {}

  /// Reads the next line.
  ///
  /// - Handler signature: `void(boost::system::error_code, std::optional<anthropic::batch_result>)`;
  ///   empty at the end of the results and on error.
  /// - Executor and cancellation as for client operations: terminal and
  ///   partial cancellation close the connection and fail the reader with
  ///   boost::asio::error::operation_aborted.
  /// - Errors: client_errc::response_truncated (the body ended early),
  ///   idle_timeout, invalid_json / invalid_message (a line that is not a
  ///   result: the diagnostics name the line), line_too_large (a line over
  ///   client_options::max_response_size). A failed reader keeps failing with
  ///   the same error; lines handed out before stay valid. Never retried.
  template <class CompletionToken = default_token_t>
  auto async_next(CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, next_signature>(initiation{state_}, token,
                                                                        static_cast<diagnostics*>(nullptr));
  }
  /// async_next that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_token_t>
  auto async_next(diagnostics& diag, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, next_signature>(initiation{state_}, token, &diag);
  }

  /// Lines read so far (handed out, or failing to parse).
  ANTHROPIC_DECL std::uint64_t lines_read() const noexcept;

  /// The `request-id` header of the response ("" when absent).
  ANTHROPIC_DECL std::string_view request_id() const noexcept;

  /// False for an empty (default-constructed or moved-from) reader.
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  struct initiation {
    std::shared_ptr<detail::results_state> state;

    using executor_type = boost::asio::any_io_executor;
    executor_type get_executor() const noexcept { return executor_of(state.get()); }

    template <class Handler>
    void operator()(Handler&& handler, diagnostics* diag) const {
      if (!state) return detail::complete_not_connected(std::forward<Handler>(handler), diag, std::optional<batch_result>{});
      detail::launch_operation<detail::next_result_operation>(
          core_of(*state), detail::handler_for<std::optional<batch_result>>(std::forward<Handler>(handler)), diag,
          state);
    }
  };

  ANTHROPIC_DECL static boost::asio::any_io_executor executor_of(const detail::results_state* state) noexcept;
  ANTHROPIC_DECL static const std::shared_ptr<detail::client_core>& core_of(const detail::results_state& state) noexcept;

  std::shared_ptr<detail::results_state> state_;
};

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/batch_results.ipp>
#endif
