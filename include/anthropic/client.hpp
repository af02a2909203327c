// anthropic::client: the Messages API over pooled HTTP/1.1 connections.
#pragma once

#include <anthropic/completion.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/detail/io/exchange.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>
#include <anthropic/stream.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace anthropic {

namespace detail {

enum class api_call { create, stream, count_tokens };

/// The JSON body for one call. Serialized when the operation is called, so the
/// request need not outlive that call (also with deferred tokens).
inline std::string request_body(const message_request& req, api_call call) {
  unsigned char initial[4096];
  boost::json::monotonic_resource arena(initial, sizeof initial);
  boost::json::value body = boost::json::value_from(req, boost::json::storage_ptr(&arena));
  auto& members = body.as_object();
  switch (call) {
    case api_call::create: members.erase("stream"); break;
    case api_call::stream: members["stream"] = true; break;
    case api_call::count_tokens:
      // count_tokens takes the prompt, not the generation settings (spec section 6).
      for (const char* key : {"max_tokens", "stream", "temperature", "top_p", "top_k", "stop_sequences",
                              "metadata", "service_tier"})
        members.erase(key);
      break;
  }
  return boost::json::serialize(body);
}

/// What an operation coroutine ends with.
template <class T>
struct op_result {
  boost::system::error_code ec;
  T value{};
  diagnostics diag;
};

/// Runs `operation` (a coroutine producing op_result<T>) on the client's executor
/// and completes the type-erased handler with it. Non-template over the token:
/// every completion token shares this code.
template <class T, class Operation>
void launch(const std::shared_ptr<client_core>& core,
            boost::asio::any_completion_handler<void(boost::system::error_code, T)> handler, diagnostics* diag,
            Operation operation) {
  auto control = std::make_shared<op_control>();
  connect_cancellation(handler, control, core->executor());
  boost::asio::co_spawn(core->executor(), operation(control),
                        [core, control, handler = std::move(handler), diag](std::exception_ptr error,
                                                                            op_result<T> result) mutable {
                          // Only resource exhaustion (bad_alloc) gets here: let it
                          // propagate out of run() as Asio does for other handlers.
                          if (error) std::rethrow_exception(error);
                          if (diag) *diag = std::move(result.diag);
                          complete(std::move(handler), core->executor(), result.ec, std::move(result.value));
                        });
}

/// Common frame of the three operations: hooks, configuration errors, request
/// building, the exchange up to the response head. Neither copied nor moved:
/// `info.target` views the `target` member.
struct call_context {
  call_context(std::shared_ptr<client_core> core_in, std::shared_ptr<op_control> control_in,
               std::string_view operation, std::string_view api_path)
      : core(std::move(core_in)),
        control(std::move(control_in)),
        target(core->url().target(api_path)),
        info(core->new_request(operation, target)),
        deadline(request_deadline(core->options().timeouts.request)) {
    if (core->options().hooks.on_request_start) core->options().hooks.on_request_start(info);
  }
  call_context(const call_context&) = delete;
  call_context& operator=(const call_context&) = delete;

  std::shared_ptr<client_core> core;
  std::shared_ptr<op_control> control;
  std::string target;
  request_info info;
  clock::time_point deadline;
  http_request request;
};

inline void end_call(const call_context& call, boost::system::error_code ec) {
  if (call.core->options().hooks.on_request_end) call.core->options().hooks.on_request_end(call.info, ec);
}

/// POST `body` and read the whole 2xx response into `out`.
inline boost::asio::awaitable<boost::system::error_code> async_post_and_read(call_context& call, std::string body,
                                                                           std::string& out, diagnostics& diag) {
  if (auto ec = call.core->config_error(diag)) co_return ec;
  make_json_post(call.core->common_headers(), call.target, std::move(body), false, call.request);
  auto [ec, conn] = co_await async_request_head(call.core, *call.control, call.request, call.info, call.deadline,
                                                diag, false);
  if (ec) co_return ec;
  const auto& opts = call.core->options();
  diag.http_status = static_cast<int>(conn->head().result_int());
  diag.request_id = std::string(conn->head()["request-id"]);
  std::string detail;
  {
    watched_connection watch(*call.control, conn.get());
    ec = co_await async_read_whole_body(*conn, out, opts.max_response_size, opts.timeouts, call.deadline, detail);
  }
  if (call.control->cancelled) ec = boost::asio::error::operation_aborted;
  if (!ec) conn.finish();
  if (ec == client_errc::response_too_large)
    diag.message = "max_response_size is " + std::to_string(opts.max_response_size) + " bytes";
  else if (ec && ec != boost::asio::error::operation_aborted)
    diag.message = detail;
  co_return ec;
}

inline boost::asio::awaitable<op_result<message>> run_create(std::shared_ptr<client_core> core,
                                                             std::shared_ptr<op_control> control, std::string body) {
  call_context call(std::move(core), std::move(control), "create", "/v1/messages");
  op_result<message> result;
  std::string response;
  result.ec = co_await async_post_and_read(call, std::move(body), response, result.diag);
  if (!result.ec) {
    result.ec = parse_message(response, result.value);
    if (result.ec) result.diag.message = "the body is " + body_snippet(response);
  }
  if (!result.ec && call.core->options().hooks.on_usage) call.core->options().hooks.on_usage(call.info, result.value.usage);
  end_call(call, result.ec);
  co_return result;
}

inline boost::asio::awaitable<op_result<std::uint64_t>> run_count_tokens(std::shared_ptr<client_core> core,
                                                                         std::shared_ptr<op_control> control,
                                                                         std::string body) {
  call_context call(std::move(core), std::move(control), "count_tokens", "/v1/messages/count_tokens");
  op_result<std::uint64_t> result;
  std::string response;
  result.ec = co_await async_post_and_read(call, std::move(body), response, result.diag);
  if (!result.ec) {
    boost::system::error_code parse_ec;
    boost::json::value doc = boost::json::parse(response, parse_ec);
    const boost::json::value* count = nullptr;
    if (parse_ec)
      result.ec = client_errc::invalid_json;
    else if (!doc.is_object() || !(count = doc.as_object().if_contains("input_tokens")) || !count->is_number())
      result.ec = client_errc::invalid_message;
    else if (auto n = count->to_number<std::uint64_t>(parse_ec); !parse_ec)
      result.value = n;
    else
      result.ec = client_errc::invalid_message;
    if (result.ec) result.diag.message = "expected a token count, the body is " + body_snippet(response);
  }
  end_call(call, result.ec);
  co_return result;
}

inline boost::asio::awaitable<op_result<message_stream>> run_stream(std::shared_ptr<client_core> core,
                                                                    std::shared_ptr<op_control> control,
                                                                    std::string body) {
  call_context call(std::move(core), std::move(control), "stream", "/v1/messages");
  op_result<message_stream> result;
  if ((result.ec = call.core->config_error(result.diag))) {
    end_call(call, result.ec);
    co_return result;
  }
  make_json_post(call.core->common_headers(), call.target, std::move(body), true, call.request);
  auto [ec, conn] = co_await async_request_head(call.core, *call.control, call.request, call.info, call.deadline,
                                                result.diag, true);
  result.ec = ec;
  if (ec) {
    end_call(call, ec);
    co_return result;
  }
  // From here the stream reports the end of the request (on_request_end). The
  // request deadline ends with the head: a long generation was billed already,
  // so only the idle gap (and the optional whole-stream limit) bounds it.
  result.value =
      message_stream(std::make_shared<stream_state>(call.core, std::move(conn), call.target, call.info.id));
  co_return result;
}

template <class Executor, class = void>
struct default_token_for {
  using type = default_token_t;
};
template <class Executor>
struct default_token_for<Executor, std::void_t<typename Executor::default_completion_token_type>> {
  using type = typename Executor::default_completion_token_type;
};

}  // namespace detail

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
///   throws anthropic::api_error carrying the HTTP status, error type, message
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
        core_(std::make_shared<detail::client_core>(boost::asio::any_io_executor(ex), std::move(options))) {}

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
  const client_options& options() const noexcept { return core_->options(); }

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
    return initiate<message>(create_initiation{core_, executor_}, token, nullptr,
                             detail::request_body(req, detail::api_call::create));
  }
  /// async_create that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_create(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<message>(create_initiation{core_, executor_}, token, &diag,
                             detail::request_body(req, detail::api_call::create));
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
    return initiate<message_stream>(stream_initiation{core_, executor_}, token, nullptr,
                                    detail::request_body(req, detail::api_call::stream));
  }
  /// async_stream that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_stream(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<message_stream>(stream_initiation{core_, executor_}, token, &diag,
                                    detail::request_body(req, detail::api_call::stream));
  }

  /// POST /v1/messages/count_tokens: the request's input tokens. Only the
  /// members count_tokens accepts are sent (no max_tokens, sampling settings,
  /// metadata or service tier).
  ///
  /// Handler signature: `void(boost::system::error_code, std::uint64_t)`. Errors
  /// as for async_create (invalid_message for a body without `input_tokens`).
  template <class CompletionToken = default_completion_token_type>
  auto async_count_tokens(const message_request& req, CompletionToken&& token = {}) {
    return initiate<std::uint64_t>(count_initiation{core_, executor_}, token, nullptr,
                                   detail::request_body(req, detail::api_call::count_tokens));
  }
  /// async_count_tokens that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_count_tokens(const message_request& req, diagnostics& diag, CompletionToken&& token = {}) {
    return initiate<std::uint64_t>(count_initiation{core_, executor_}, token, &diag,
                                   detail::request_body(req, detail::api_call::count_tokens));
  }

  /// Connections open (busy or idle) and idle in the pool, after closing idle
  /// ones that expired; for tests and metrics. Call on the client's executor.
  std::size_t open_connections() const { return core_->pool().connections(); }
  std::size_t idle_connections() const { return core_->pool().idle_connections(); }

 private:
  template <class>
  friend class basic_client;

  // One initiation type per operation: each exposes get_executor() (so
  // asio::cancel_after and friends work) and hands a type-erased handler to
  // non-template code.
  template <class T, auto Run>
  struct initiation_base {
    std::shared_ptr<detail::client_core> core;
    Executor executor;

    using executor_type = Executor;
    executor_type get_executor() const noexcept { return executor; }

    template <class Handler>
    void operator()(Handler&& handler, diagnostics* diag, std::string body) const {
      detail::launch<T>(core,
                        boost::asio::any_completion_handler<void(boost::system::error_code, T)>(
                            std::forward<Handler>(handler)),
                        diag, [core = core, body = std::move(body)](std::shared_ptr<detail::op_control> control) mutable {
                          return Run(core, std::move(control), std::move(body));
                        });
    }
  };
  using create_initiation = initiation_base<message, &detail::run_create>;
  using stream_initiation = initiation_base<message_stream, &detail::run_stream>;
  using count_initiation = initiation_base<std::uint64_t, &detail::run_count_tokens>;

  template <class T, class Initiation, class CompletionToken>
  static auto initiate(Initiation init, CompletionToken& token, diagnostics* diag, std::string body) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code, T)>(
        std::move(init), token, diag, std::move(body));
  }

  Executor executor_;
  std::shared_ptr<detail::client_core> core_;
};

/// The client on any executor (any_io_executor). See basic_client.
using client = basic_client<>;

}  // namespace anthropic
