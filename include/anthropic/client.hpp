// anthropic::client: the Messages API over pooled HTTP/1.1 connections.
#pragma once

#include <anthropic/completion.hpp>
#include <anthropic/config.hpp>
#include <anthropic/detail/launch.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>
#include <anthropic/stream.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

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
  auto async_create(const message_request& req, CompletionToken&& token = {}) {
    return initiate<detail::create_operation>(token, nullptr, detail::create_body(req));
  }
  /// async_create that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_create(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::create_operation>(token, &diag, detail::create_body(req));
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
  auto async_stream(const message_request& req, CompletionToken&& token = {}) {
    return initiate<detail::stream_operation>(token, nullptr, detail::stream_body(req));
  }
  /// async_stream that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_stream(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::stream_operation>(token, &diag, detail::stream_body(req));
  }

  /// POST /v1/messages/count_tokens: the request's input tokens. Only the
  /// members count_tokens accepts are sent (no max_tokens, sampling settings,
  /// metadata or service tier).
  ///
  /// Handler signature: `void(boost::system::error_code, std::uint64_t)`. Errors
  /// as for async_create (invalid_message for a body without `input_tokens`).
  template <class CompletionToken = default_completion_token_type>
  auto async_count_tokens(const message_request& req, CompletionToken&& token = {}) {
    return initiate<detail::count_tokens_operation>(token, nullptr, detail::count_tokens_body(req));
  }
  /// async_count_tokens that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_count_tokens(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<detail::count_tokens_operation>(token, &diag, detail::count_tokens_body(req));
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

  // One initiation type per operation: each exposes get_executor() (so
  // asio::cancel_after and friends work) and only type-erases the handler for
  // launch_operation, which is compiled once whatever the token.
  template <class Operation>
  struct initiation {
    std::shared_ptr<detail::client_core> core;
    Executor executor;

    using executor_type = Executor;
    executor_type get_executor() const noexcept { return executor; }

    template <class Handler>
    void operator()(Handler&& handler, diagnostics* diag, std::string body) const {
      using result_type = typename Operation::result_type;
      detail::launch_operation<Operation>(core, detail::handler_for<result_type>(std::forward<Handler>(handler)), diag,
                                          std::move(body));
    }
  };
  template <class Operation, class CompletionToken>
  auto initiate(CompletionToken& token, diagnostics* diag, std::string body) {
    using signature = void(boost::system::error_code, typename Operation::result_type);
    return boost::asio::async_initiate<CompletionToken, signature>(initiation<Operation>{core_, executor_}, token, diag,
                                                                   std::move(body));
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
