// anthropic::client: the Messages API (messages, count_tokens, models, Message
// Batches, Files) over pooled HTTP/1.1 connections.
#pragma once

#include <anthropic/batch_results.hpp>
#include <anthropic/completion.hpp>
#include <anthropic/config.hpp>
#include <anthropic/detail/launch.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>
#include <anthropic/pager.hpp>
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
#include <boost/asio/execution_context.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace anthropic {

/// A client of the Anthropic Messages API (and of compatible routers).
///
/// One client talks to the host of its base URL over a pool of keep-alive
/// connections; many operations may run at once (a thousand streams on one
/// thread is an intended use). Cheap to move; the connections live as long as
/// the client or the last operation still running.
///
/// Every asynchronous operation:
/// - accepts any completion token (callbacks, use_awaitable, deferred,
///   use_future, as_tuple, ...); without one, `co_await` returns the result or
///   throws anthropic::error_with_diagnostics carrying the HTTP status, error type, message
///   and request id. The `diagnostics&` overloads hand the same details to the
///   no-throw path (e.g. `as_tuple(use_awaitable)`);
/// - serializes the request when called: `req` need not outlive the call;
/// - runs on the client's executor and invokes the handler through the
///   handler's associated executor;
/// - supports per-operation cancellation (terminal and partial, through the
///   handler's cancellation slot: `asio::cancel_after` on Boost >= 1.85,
///   awaitable operators, parallel groups): the operation's own connection is
///   closed and the operation completes with boost::asio::error::operation_aborted;
///   other operations and the pool are not disturbed;
/// - retries 408, 409, 429, >= 500 and failures before any response byte as
///   client_options::retry says, and fails with its own client_errc per timeout.
///
/// Thread safety: the client's state is only touched on its executor. On an
/// io_context run by one thread, any number of coroutines may share a client.
/// When several threads run the io_context, give the client a strand
/// (`asio::make_strand(io)`); operations may then be started from any thread,
/// and cancelled from the caller's own strand (`||`, parallel groups).
/// A client itself (the object) must not be moved or destroyed concurrently
/// with starting operations.
///
/// The API key and auth token never appear in an error, exception, diagnostic
/// or hook argument.
template <class Executor = boost::asio::any_io_executor>
class basic_client {
 public:
  using executor_type = Executor;

  /// The token used when none is given: the executor's default when it has
  /// one (`as_default_on`), else anthropic::default_token_t.
  using default_completion_token_type = typename detail::default_token_for<Executor>::type;

  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_client<OtherExecutor>;
  };

  /// A client whose operations run on `ex`. Never throws for a bad
  /// configuration (base URL, header values, missing credentials, CA files):
  /// every operation then fails with the matching error and an explanation.
  basic_client(const executor_type& ex, client_options options)
      : executor_(ex),
        core_(detail::make_client_core(boost::asio::any_io_executor(ex), std::move(options))) {}

  /// A client on `context`'s executor.
  template <class ExecutionContext,
            class = std::enable_if_t<std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>>>
  basic_client(ExecutionContext& context, client_options options)
      : basic_client(executor_type(context.get_executor()), std::move(options)) {}

  /// Takes over a client on another executor type (as `as_default_on` does).
  template <class OtherExecutor, class = std::enable_if_t<std::is_constructible_v<Executor, const OtherExecutor&>>>
  basic_client(basic_client<OtherExecutor>&& other)
      : executor_(other.executor_), core_(std::move(other.core_)) {}

  /// A moved-from client may only be destroyed or assigned to.
  basic_client(basic_client&&) noexcept = default;
  basic_client& operator=(basic_client&&) noexcept = default;

  executor_type get_executor() const noexcept { return executor_; }

  /// The options the client was created with.
  const client_options& options() const noexcept { return detail::options_of(*core_); }

  /// POST /v1/messages: the complete reply.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::message)`.
  /// Errors: an api_errc for an HTTP error (after retries), client_errc for
  /// transport problems (each timeout, tls_verification_failed,
  /// response_too_large, invalid_json / invalid_message for a body that is not a
  /// message, invalid_header_value / invalid_base_url / missing_credentials for a
  /// bad configuration), operation_aborted when cancelled, or the underlying
  /// network error. See the class comment for executor, cancellation and threads.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_create(const message_request& req, CompletionToken&& token = {}) {
    return initiate<detail::create_operation>(token, nullptr, detail::create_call(req));
  }
  /// async_create that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_create(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::create_operation>(token, &diag, detail::create_call(req));
  }
  /// async_create with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_create(const message_request& req, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::create_operation>(token, nullptr, with(call_options, detail::create_call(req)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_create(const message_request& req, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::create_operation>(token, &diag, with(call_options, detail::create_call(req)));
  }

  /// POST /v1/messages with "stream": true; completes once the response head
  /// (200, text/event-stream) arrived. Read the events with message_stream::async_next.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::message_stream)`.
  /// Retries happen only here, before any event reached the caller. Errors as for
  /// async_create, plus client_errc::unexpected_content_type for a 2xx response
  /// that is not an event stream, unexpected_redirect for a 3xx. The
  /// whole-request timeout ends when the head arrives: from then on the stream
  /// is bounded by timeouts.idle and the optional timeouts.stream only.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_stream(const message_request& req, CompletionToken&& token = {}) {
    return initiate<detail::stream_operation>(token, nullptr, detail::stream_call(req));
  }
  /// async_stream that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_stream(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::stream_operation>(token, &diag, detail::stream_call(req));
  }
  /// async_stream with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_stream(const message_request& req, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::stream_operation>(token, nullptr, with(call_options, detail::stream_call(req)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_stream(const message_request& req, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::stream_operation>(token, &diag, with(call_options, detail::stream_call(req)));
  }

  /// POST /v1/messages/count_tokens: the request's input tokens. Only the
  /// members count_tokens accepts are sent (no max_tokens, sampling settings,
  /// metadata or service tier).
  ///
  /// Handler signature: `void(boost::system::error_code, std::uint64_t)`. Errors
  /// as for async_create (invalid_message for a body without `input_tokens`).
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_count_tokens(const message_request& req, CompletionToken&& token = {}) {
    return initiate<detail::count_tokens_operation>(token, nullptr, detail::count_tokens_call(req));
  }
  /// async_count_tokens that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_count_tokens(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::count_tokens_operation>(token, &diag, detail::count_tokens_call(req));
  }
  /// async_count_tokens with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_count_tokens(const message_request& req, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::count_tokens_operation>(token, nullptr, with(call_options, detail::count_tokens_call(req)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_count_tokens(const message_request& req, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::count_tokens_operation>(token, &diag, with(call_options, detail::count_tokens_call(req)));
  }

  //----------------------------------------------------------------------------
  // Models (GET /v1/models)

  /// One page of the models the API serves, newest first. (No overload takes
  /// a defaulted struct argument: g++ 12 destroys such temporaries twice when
  /// they appear in a co_await expression; see README, Compatibility.)
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::page<anthropic::model_info>)`.
  /// Errors as for async_create, plus client_errc::invalid_argument for a
  /// `limit` outside 1..1000 or both cursors set (nothing is sent).
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_list_models(const list_params& params, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<model_info>>>(
        token, nullptr, detail::list_call(detail::list_endpoint::models, params));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_list_models(const list_params& params, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<model_info>>>(
        token, &diag, detail::list_call(detail::list_endpoint::models, params));
  }
  /// async_list_models with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_list_models(const list_params& params, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<model_info>>>(token, nullptr, with(call_options, detail::list_call(detail::list_endpoint::models, params)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_list_models(const list_params& params, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<model_info>>>(token, &diag, with(call_options, detail::list_call(detail::list_endpoint::models, params)));
  }
  /// The first page, with the API's default size.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken> && (!std::is_convertible_v<CompletionToken, const list_params&>)
  auto async_list_models(CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<model_info>>>(
        token, nullptr, detail::list_call(detail::list_endpoint::models, list_params{}));
  }

  /// Every model, page after page as needed (see basic_pager).
  basic_pager<model_info, Executor> list_all_models(list_params params = {}) const {
    return pager_for<model_info>(detail::list_endpoint::models, std::move(params));
  }
  /// list_all_models with every page's call made with `options`.
  basic_pager<model_info, Executor> list_all_models(list_params params, const request_options& options) const {
    return pager_for<model_info>(detail::list_endpoint::models, std::move(params), &options);
  }

  /// One model by id (an alias such as "claude-sonnet-4-5" resolves to its
  /// dated version).
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::model_info)`.
  /// Errors as for async_create (api_errc::not_found_error for an unknown id;
  /// client_errc::invalid_argument for an empty one).
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_get_model(std::string_view model_id, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<model_info>>(token, nullptr, detail::get_model_call(model_id));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_get_model(std::string_view model_id, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<model_info>>(token, &diag, detail::get_model_call(model_id));
  }
  /// async_get_model with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_get_model(std::string_view model_id, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<model_info>>(token, nullptr, with(call_options, detail::get_model_call(model_id)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_get_model(std::string_view model_id, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<model_info>>(token, &diag, with(call_options, detail::get_model_call(model_id)));
  }

  //----------------------------------------------------------------------------
  // Message Batches (/v1/messages/batches): asynchronous, at half the price,
  // results within 24 hours.

  /// Submits a batch. The requests are checked first (at least one, at most
  /// batch_limits::max_requests, each custom_id 1-64 characters of
  /// [A-Za-z0-9_-] and unique, at most batch_limits::max_body_bytes in all):
  /// what the API would refuse fails with client_errc::invalid_argument, the
  /// diagnostics' client_message naming the request, and nothing is sent.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::message_batch)`.
  /// Errors otherwise as for async_create. Like every POST, it is retried only
  /// when no response byte arrived or the server's head asks for it: a batch
  /// is never created twice by the client's retries.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_create_batch(const std::vector<batch_request>& requests, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, nullptr, detail::create_batch_call(requests));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_create_batch(const std::vector<batch_request>& requests, diagnostics& diag,
                          CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, &diag, detail::create_batch_call(requests));
  }
  /// async_create_batch with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_create_batch(const std::vector<batch_request>& requests, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, nullptr, with(call_options, detail::create_batch_call(requests)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_create_batch(const std::vector<batch_request>& requests, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, &diag, with(call_options, detail::create_batch_call(requests)));
  }

  /// A batch's current state (status, request counts, results_url once ended).
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::message_batch)`.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_get_batch(std::string_view batch_id, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, nullptr, detail::get_batch_call(batch_id));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_get_batch(std::string_view batch_id, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, &diag, detail::get_batch_call(batch_id));
  }
  /// async_get_batch with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_get_batch(std::string_view batch_id, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, nullptr, with(call_options, detail::get_batch_call(batch_id)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_get_batch(std::string_view batch_id, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, &diag, with(call_options, detail::get_batch_call(batch_id)));
  }

  /// One page of the workspace's batches, newest first.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::page<anthropic::message_batch>)`.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_list_batches(const list_params& params, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<message_batch>>>(
        token, nullptr, detail::list_call(detail::list_endpoint::batches, params));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_list_batches(const list_params& params, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<message_batch>>>(
        token, &diag, detail::list_call(detail::list_endpoint::batches, params));
  }
  /// async_list_batches with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_list_batches(const list_params& params, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<message_batch>>>(token, nullptr, with(call_options, detail::list_call(detail::list_endpoint::batches, params)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_list_batches(const list_params& params, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<message_batch>>>(token, &diag, with(call_options, detail::list_call(detail::list_endpoint::batches, params)));
  }
  /// The first page, with the API's default size.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken> && (!std::is_convertible_v<CompletionToken, const list_params&>)
  auto async_list_batches(CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<message_batch>>>(
        token, nullptr, detail::list_call(detail::list_endpoint::batches, list_params{}));
  }

  /// Every batch, page after page as needed (see basic_pager).
  basic_pager<message_batch, Executor> list_all_batches(list_params params = {}) const {
    return pager_for<message_batch>(detail::list_endpoint::batches, std::move(params));
  }
  /// list_all_batches with every page's call made with `options`.
  basic_pager<message_batch, Executor> list_all_batches(list_params params, const request_options& options) const {
    return pager_for<message_batch>(detail::list_endpoint::batches, std::move(params), &options);
  }

  /// Asks the API to stop a batch: its status becomes "canceling", then
  /// "ended" with the requests not yet processed counted as canceled.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::message_batch)`.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_cancel_batch(std::string_view batch_id, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, nullptr, detail::cancel_batch_call(batch_id));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_cancel_batch(std::string_view batch_id, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, &diag, detail::cancel_batch_call(batch_id));
  }
  /// async_cancel_batch with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_cancel_batch(std::string_view batch_id, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, nullptr, with(call_options, detail::cancel_batch_call(batch_id)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_cancel_batch(std::string_view batch_id, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<message_batch>>(token, &diag, with(call_options, detail::cancel_batch_call(batch_id)));
  }

  /// Looks at a batch until it has ended (pausing as `options` says, with
  /// options.on_progress after every look) and completes with its final state.
  /// A wait can take hours: bound it with cancellation (`asio::cancel_after`,
  /// `||` with a timer), which ends it with operation_aborted and leaves the
  /// batch running.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::message_batch)`.
  /// Errors: those of async_get_batch (each look is retried like one).
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_wait_batch(std::string_view batch_id, const batch_wait_options& options, CompletionToken&& token = {}) {
    return initiate<detail::wait_batch_operation>(token, nullptr, detail::wait_batch(batch_id, options));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_wait_batch(std::string_view batch_id, const batch_wait_options& options, diagnostics& diag,
                        CompletionToken&& token = {}) {
    return initiate<detail::wait_batch_operation>(token, &diag, detail::wait_batch(batch_id, options));
  }
  /// async_wait_batch with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_wait_batch(std::string_view batch_id, const batch_wait_options& options, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::wait_batch_operation>(token, nullptr, with(call_options, detail::wait_batch(batch_id, options)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_wait_batch(std::string_view batch_id, const batch_wait_options& options, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::wait_batch_operation>(token, &diag, with(call_options, detail::wait_batch(batch_id, options)));
  }
  /// async_wait_batch with the default batch_wait_options.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken> && (!std::is_convertible_v<CompletionToken, const batch_wait_options&>)
  auto async_wait_batch(std::string_view batch_id, CompletionToken&& token = {}) {
    return initiate<detail::wait_batch_operation>(token, nullptr, detail::wait_batch(batch_id, {}));
  }

  /// The results of an ended batch, read line by line as async_next asks for
  /// them (see batch_results): completes when the response head arrived.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::batch_results)`.
  /// Errors as for async_create (the API's invalid_request_error for a batch
  /// that has not ended). The request is built from the id, never from the
  /// batch's results_url, so that the key only goes to the base URL's host.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_batch_results(std::string_view batch_id, CompletionToken&& token = {}) {
    return initiate<detail::batch_results_operation>(token, nullptr, detail::batch_results_call(batch_id));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_batch_results(std::string_view batch_id, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::batch_results_operation>(token, &diag, detail::batch_results_call(batch_id));
  }
  /// async_batch_results with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_batch_results(std::string_view batch_id, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::batch_results_operation>(token, nullptr, with(call_options, detail::batch_results_call(batch_id)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_batch_results(std::string_view batch_id, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::batch_results_operation>(token, &diag, with(call_options, detail::batch_results_call(batch_id)));
  }

  /// Deletes an ended batch and its results (cancel one in progress first).
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::deleted_object)`.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_delete_batch(std::string_view batch_id, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, nullptr, detail::delete_batch_call(batch_id));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_delete_batch(std::string_view batch_id, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, &diag, detail::delete_batch_call(batch_id));
  }
  /// async_delete_batch with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_delete_batch(std::string_view batch_id, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, nullptr, with(call_options, detail::delete_batch_call(batch_id)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_delete_batch(std::string_view batch_id, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, &diag, with(call_options, detail::delete_batch_call(batch_id)));
  }

  //----------------------------------------------------------------------------
  // Files (beta: the client adds files_api_beta to these requests)

  /// Uploads a file (multipart/form-data), streamed from disk or memory: the
  /// content is read piece by piece as it is sent, and again from the start if
  /// the request is retried. Use the id in image_file() / document_file().
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::file_metadata)`.
  /// Errors as for async_create, plus client_errc::invalid_argument (nothing
  /// sent) for a file that cannot be read or is over max_file_size, or a name
  /// with CR, LF or NUL. timeouts.response_head bounds each piece of the upload;
  /// timeouts.request the whole of it.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_upload_file(const file_upload& upload, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, nullptr, detail::upload_file_call(upload));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_upload_file(const file_upload& upload, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, &diag, detail::upload_file_call(upload));
  }
  /// async_upload_file with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_upload_file(const file_upload& upload, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, nullptr, with(call_options, detail::upload_file_call(upload)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_upload_file(const file_upload& upload, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, &diag, with(call_options, detail::upload_file_call(upload)));
  }

  /// One page of the workspace's files, newest first.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::page<anthropic::file_metadata>)`.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_list_files(const list_params& params, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<file_metadata>>>(
        token, nullptr, detail::list_call(detail::list_endpoint::files, params));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_list_files(const list_params& params, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<file_metadata>>>(
        token, &diag, detail::list_call(detail::list_endpoint::files, params));
  }
  /// async_list_files with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_list_files(const list_params& params, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<file_metadata>>>(token, nullptr, with(call_options, detail::list_call(detail::list_endpoint::files, params)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_list_files(const list_params& params, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<file_metadata>>>(token, &diag, with(call_options, detail::list_call(detail::list_endpoint::files, params)));
  }
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken> && (!std::is_convertible_v<CompletionToken, const list_params&>)
  auto async_list_files(CompletionToken&& token = {}) {
    return initiate<detail::json_operation<page<file_metadata>>>(
        token, nullptr, detail::list_call(detail::list_endpoint::files, list_params{}));
  }

  /// Every file, page after page as needed (see basic_pager).
  basic_pager<file_metadata, Executor> list_all_files(list_params params = {}) const {
    return pager_for<file_metadata>(detail::list_endpoint::files, std::move(params));
  }
  /// list_all_files with every page's call made with `options`.
  basic_pager<file_metadata, Executor> list_all_files(list_params params, const request_options& options) const {
    return pager_for<file_metadata>(detail::list_endpoint::files, std::move(params), &options);
  }

  /// A file's metadata.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::file_metadata)`.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_get_file(std::string_view file_id, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, nullptr, detail::get_file_call(file_id));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_get_file(std::string_view file_id, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, &diag, detail::get_file_call(file_id));
  }
  /// async_get_file with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_get_file(std::string_view file_id, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, nullptr, with(call_options, detail::get_file_call(file_id)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_get_file(std::string_view file_id, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<file_metadata>>(token, &diag, with(call_options, detail::get_file_call(file_id)));
  }

  /// Deletes a file.
  ///
  /// Handler signature: `void(boost::system::error_code, anthropic::deleted_object)`.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_delete_file(std::string_view file_id, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, nullptr, detail::delete_file_call(file_id));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_delete_file(std::string_view file_id, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, &diag, detail::delete_file_call(file_id));
  }
  /// async_delete_file with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_delete_file(std::string_view file_id, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, nullptr, with(call_options, detail::delete_file_call(file_id)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_delete_file(std::string_view file_id, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::json_operation<deleted_object>>(token, &diag, with(call_options, detail::delete_file_call(file_id)));
  }

  /// Downloads a file's content (only files made by tools are downloadable)
  /// into `sink`, piece by piece as it arrives: memory stays bounded by one
  /// read whatever the size.
  ///
  /// Handler signature: `void(boost::system::error_code, std::uint64_t bytes)`.
  /// Errors as for async_create; once the head arrived, response_truncated for
  /// a body cut short, idle_timeout, or what the sink returned. Cancellation
  /// closes the connection; what the sink received stays with it.
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_download_file(std::string_view file_id, download_sink sink, CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, nullptr, detail::download_file_call(file_id, std::move(sink)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_download_file(std::string_view file_id, download_sink sink, diagnostics& diag,
                           CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, &diag, detail::download_file_call(file_id, std::move(sink)));
  }
  /// async_download_file with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_download_file(std::string_view file_id, download_sink sink, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, nullptr, with(call_options, detail::download_file_call(file_id, std::move(sink))));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_download_file(std::string_view file_id, download_sink sink, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, &diag, with(call_options, detail::download_file_call(file_id, std::move(sink))));
  }
  /// async_download_file into the file at `path` (created or truncated when
  /// called; invalid_argument when it cannot be written).
  template <class CompletionToken = default_completion_token_type>
    requires detail::completion_token_argument<CompletionToken>
  auto async_download_file_to(std::string_view file_id, const std::string& path, CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, nullptr, detail::download_file_to_path_call(file_id, path));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_download_file_to(std::string_view file_id, const std::string& path, diagnostics& diag,
                              CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, &diag, detail::download_file_to_path_call(file_id, path));
  }
  /// async_download_file_to with this call's settings (see request_options).
  template <class CompletionToken = default_completion_token_type>
  auto async_download_file_to(std::string_view file_id, const std::string& path, const request_options& call_options, CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, nullptr, with(call_options, detail::download_file_to_path_call(file_id, path)));
  }
  template <class CompletionToken = default_completion_token_type>
  auto async_download_file_to(std::string_view file_id, const std::string& path, const request_options& call_options, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::download_operation>(token, &diag, with(call_options, detail::download_file_to_path_call(file_id, path)));
  }

  /// Slots of client_options::max_connections taken: connections busy with a
  /// request (including ones still being opened) plus idle ones, after closing
  /// idle ones that expired. For tests and metrics; call on the client's executor.
  std::size_t connection_slots_in_use() const { return detail::connection_slots_in_use(*core_); }
  /// Open connections waiting in the pool for the next request (expired ones
  /// closed first). The pool is at rest when this equals connection_slots_in_use().
  std::size_t idle_connections() const { return detail::idle_connections(*core_); }

 private:
  template <class>
  friend class basic_client;

  template <class Item>
  basic_pager<Item, Executor> pager_for(detail::list_endpoint endpoint, list_params params,
                                        const request_options* options = nullptr) const {
    auto state = std::make_shared<detail::pager_state<Item>>();
    state->core = core_;
    state->endpoint = endpoint;
    state->params = std::move(params);
    if (options) state->options = std::make_shared<const request_options>(*options);
    return basic_pager<Item, Executor>(executor_, std::move(state));
  }

  // The call's input with the caller's request_options attached (to its
  // request, for the inputs that wrap one: a download, a wait).
  template <class Input>
  static Input with(const request_options& options, Input input) {
    if constexpr (std::is_same_v<Input, detail::api_call>)
      detail::apply_request_options(input, options);
    else
      detail::apply_request_options(input.get, options);
    return input;
  }

  template <class Operation, class CompletionToken>
  auto initiate(CompletionToken& token, diagnostics* diag, detail::operation_input_t<Operation> input) {
    return detail::initiate_operation<Operation>(core_, executor_, token, diag, std::move(input));
  }

  Executor executor_;
  std::shared_ptr<detail::client_core> core_;
};

/// The client on any executor (any_io_executor). See basic_client.
using client = basic_client<>;

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/client.ipp>
#endif
