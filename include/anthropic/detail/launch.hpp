// The seam between the public headers and the request core: what basic_client
// needs to start an operation. Each operation's token-dependent part (the
// initiation in client.hpp) only type-erases the handler and calls
// launch_operation, so a translation unit that calls async_create with five
// different tokens still compiles the operation once, and with
// ANTHROPIC_SEPARATE_COMPILATION not at all (impl/client.ipp holds the
// definitions).
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>
#include <anthropic/stream.hpp>
#include <anthropic/types/batch.hpp>
#include <anthropic/types/file.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/model_info.hpp>
#include <anthropic/types/page.hpp>
#include <anthropic/types/request.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace anthropic {
class batch_results;
}  // namespace anthropic

namespace anthropic::detail {

class client_core;
class results_state;
class upload_body;

/// The handler an operation producing `T` completes, type-erased.
template <class T>
using handler_for = boost::asio::any_completion_handler<void(boost::system::error_code, T)>;

ANTHROPIC_DECL std::shared_ptr<client_core> make_client_core(boost::asio::any_io_executor ex, client_options options);
ANTHROPIC_DECL const client_options& options_of(const client_core& core) noexcept;
ANTHROPIC_DECL std::size_t connection_slots_in_use(client_core& core);
ANTHROPIC_DECL std::size_t idle_connections(client_core& core);

/// True for a completion token; false for request_options given in its place,
/// which a token's forwarding reference would otherwise take.
template <class T>
concept completion_token_argument = !std::is_same_v<std::remove_cvref_t<T>, request_options>;

/// The HTTP methods the API uses.
enum class http_method { get, post, delete_ };

/// One call of the API as the request core sends it. Built by the non-template
/// functions below when an operation is called, so the caller's arguments
/// need not outlive that call (also with deferred tokens) and a user's
/// translation unit never formats a body or a target.
struct api_call {
  std::string_view operation;  ///< names the call in hooks: "create", "list_models", ...
  http_method method = http_method::post;
  std::string path{};          ///< "/v1/...", ids and query values percent-encoded
  std::string body{};          ///< JSON, for a POST
  std::string_view beta{};     ///< a beta the call needs, merged with the client's (Files)
  /// A body sent in pieces instead of `body` (a Files upload).
  std::shared_ptr<upload_body> upload{};
  /// The caller's request_options; null: the client's settings only.
  std::shared_ptr<const request_options> options{};
  /// A create whose max_tokens needs streaming (long_request_needs_stream):
  /// `body` is then a stream's body, sent as one unless the settings say no.
  bool long_request = false;
  /// An argument the API would refuse (client_errc::invalid_argument), found
  /// before sending: the operation fails with it and `problem` as the
  /// diagnostics' client message, and nothing is sent.
  boost::system::error_code error{};
  std::string problem{};
};

/// True when a non-streamed create with these settings may take longer than
/// the 10 minutes a reply is given: 3600 s x max_tokens / 128,000 > 600 s,
/// or max_tokens above the model's non-streaming cap (the official SDKs' rule).
ANTHROPIC_DECL bool long_request_needs_stream(std::string_view model, std::uint64_t max_tokens) noexcept;

ANTHROPIC_DECL api_call create_call(const message_request& req);
ANTHROPIC_DECL api_call stream_call(const message_request& req);
ANTHROPIC_DECL api_call count_tokens_call(const message_request& req);
ANTHROPIC_DECL api_call get_model_call(std::string_view model_id);
ANTHROPIC_DECL api_call create_batch_call(const std::vector<batch_request>& requests);
ANTHROPIC_DECL api_call get_batch_call(std::string_view batch_id);
ANTHROPIC_DECL api_call cancel_batch_call(std::string_view batch_id);
ANTHROPIC_DECL api_call delete_batch_call(std::string_view batch_id);
ANTHROPIC_DECL api_call batch_results_call(std::string_view batch_id);
ANTHROPIC_DECL api_call upload_file_call(const file_upload& upload);
ANTHROPIC_DECL api_call get_file_call(std::string_view file_id);
ANTHROPIC_DECL api_call delete_file_call(std::string_view file_id);

/// A file's content, written to `sink` piece by piece.
struct download_call {
  api_call get;
  download_sink sink;
};
ANTHROPIC_DECL download_call download_file_call(std::string_view file_id, download_sink sink);
/// The same, written to the file at `path` (created or truncated when the
/// download starts; an unwritable path fails with invalid_argument).
ANTHROPIC_DECL download_call download_file_to_path_call(std::string_view file_id, const std::string& path);

/// Polls a batch (its get_batch_call) until it has ended.
struct wait_batch_call {
  api_call get;
  batch_wait_options options;
};
ANTHROPIC_DECL wait_batch_call wait_batch(std::string_view batch_id, batch_wait_options options);

/// Attaches the caller's request_options to a call, checking its headers and
/// betas first: a value the client would refuse makes the call fail with
/// client_errc::invalid_header_value before anything is sent.
ANTHROPIC_DECL void apply_request_options(api_call& call, const request_options& options);

/// The list endpoints: each pages the same way (list_params).
enum class list_endpoint { models, batches, files };
ANTHROPIC_DECL api_call list_call(list_endpoint endpoint, const list_params& params);

// The operations, as tags naming their result.
struct create_operation {
  using result_type = message;
};
struct stream_operation {
  using result_type = message_stream;
};
struct count_tokens_operation {
  using result_type = std::uint64_t;
};
/// A call whose 2xx body is the JSON of a `T` (a model, a page, a batch).
template <class T>
struct json_operation {
  using result_type = T;
};
/// The start of a batch's results download (see <anthropic/batch_results.hpp>).
struct batch_results_operation {
  using result_type = batch_results;
};
/// Downloads a file's content to a sink; the result is the byte count.
struct download_operation {
  using result_type = std::uint64_t;
};
/// Polls a batch until it has ended.
struct wait_batch_operation {
  using result_type = message_batch;
};
/// The next line of a batch's results.
struct next_result_operation {
  using result_type = std::optional<batch_result>;
};
/// The next item of a pager (see <anthropic/pager.hpp>).
template <class Item>
struct next_item_operation {
  using result_type = std::optional<Item>;
};

/// What a pager keeps between calls: the client, which list it walks, and the
/// items of the page fetched last. Only touched on the client's executor.
template <class Item>
struct pager_state {
  std::shared_ptr<client_core> core;
  list_endpoint endpoint;
  list_params params;  ///< the cursor (after_id or before_id) moves page by page
  std::shared_ptr<const request_options> options{};  ///< for every page's call
  std::vector<Item> items{};
  std::size_t next = 0;
  bool exhausted = false;
  bool busy = false;  ///< an async_next is running
};

/// What each operation takes: an api_call, or the state of the pager.
template <class Operation>
struct operation_input {
  using type = api_call;
};
template <class Item>
struct operation_input<next_item_operation<Item>> {
  using type = std::shared_ptr<pager_state<Item>>;
};
template <>
struct operation_input<download_operation> {
  using type = download_call;
};
template <>
struct operation_input<wait_batch_operation> {
  using type = wait_batch_call;
};
template <>
struct operation_input<next_result_operation> {
  using type = std::shared_ptr<results_state>;
};
template <class Operation>
using operation_input_t = typename operation_input<Operation>::type;

/// Runs `Operation` on the client's executor and completes `handler`, filling
/// `*diag` (when not null) at the end. A template over the operation, not over
/// the token, and instantiated only where an operation is used: header-only, a
/// translation unit compiles the operations it calls and no other; separately
/// compiled, the instantiations live in src.hpp (below: extern).
template <class Operation>
void launch_operation(const std::shared_ptr<client_core>& core, handler_for<typename Operation::result_type> handler,
                      diagnostics* diag, operation_input_t<Operation> input);

/// The token-dependent part of every operation: async_initiate over an
/// initiation that exposes the caller's executor (so asio::cancel_after and
/// friends work) and only type-erases the handler for launch_operation.
template <class Operation, class Executor>
struct operation_initiation {
  std::shared_ptr<client_core> core;
  Executor executor;

  using executor_type = Executor;
  executor_type get_executor() const noexcept { return executor; }

  template <class Handler>
  void operator()(Handler&& handler, diagnostics* diag, operation_input_t<Operation> input) const {
    using result_type = typename Operation::result_type;
    launch_operation<Operation>(core, handler_for<result_type>(std::forward<Handler>(handler)), diag,
                                std::move(input));
  }
};

/// Starts `Operation` for any completion token; `diag` may be null.
template <class Operation, class Executor, class CompletionToken>
auto initiate_operation(const std::shared_ptr<client_core>& core, const Executor& executor, CompletionToken& token,
                        diagnostics* diag, operation_input_t<Operation> input) {
  using signature = void(boost::system::error_code, typename Operation::result_type);
  return boost::asio::async_initiate<CompletionToken, signature>(operation_initiation<Operation, Executor>{core, executor},
                                                                 token, diag, std::move(input));
}

#ifdef ANTHROPIC_SEPARATE_COMPILATION
// The operations src.hpp compiles, listed once (impl/client.ipp instantiates
// the same list).
#define ANTHROPIC_FOR_EACH_OPERATION(X)   \
  X(create_operation)                     \
  X(stream_operation)                     \
  X(count_tokens_operation)               \
  X(json_operation<model_info>)           \
  X(json_operation<page<model_info>>)     \
  X(json_operation<message_batch>)        \
  X(json_operation<page<message_batch>>)  \
  X(json_operation<deleted_object>)       \
  X(next_item_operation<model_info>)      \
  X(next_item_operation<message_batch>)   \
  X(json_operation<file_metadata>)        \
  X(json_operation<page<file_metadata>>)  \
  X(next_item_operation<file_metadata>)   \
  X(download_operation)                   \
  X(batch_results_operation)              \
  X(wait_batch_operation)                 \
  X(next_result_operation)
#define ANTHROPIC_EXTERN_OPERATION(Operation)                                                                  \
  extern template void launch_operation<Operation>(const std::shared_ptr<client_core>&,                        \
                                                   handler_for<typename Operation::result_type>, diagnostics*, \
                                                   operation_input_t<Operation>);
ANTHROPIC_FOR_EACH_OPERATION(ANTHROPIC_EXTERN_OPERATION)
#undef ANTHROPIC_EXTERN_OPERATION
#endif

}  // namespace anthropic::detail
