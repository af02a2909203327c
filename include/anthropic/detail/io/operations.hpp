// The bodies of the client's operations: the frame every call shares (hooks,
// deadline, request building), the coroutines of create, count_tokens and
// stream, and launch(), which runs one on the client's executor for any
// completion token. Included by impl/client.ipp only.
#pragma once

#include <anthropic/completion.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/exchange.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/detail/launch.hpp>
#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>
#include <anthropic/detail/io/stream_state.hpp>
#include <anthropic/stream.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace anthropic::detail {

enum class api_call { create, stream, count_tokens };

/// The JSON body for one call. Serialized when the operation is called, so the
/// request need not outlive that call (also with deferred tokens).
inline std::string request_body(const message_request& req, api_call call) {
  json_scratch scratch;
  boost::json::value body = boost::json::value_from(req, scratch.storage());
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

/// An operation's coroutine: runs on the client's executor under `control`.
template <class T>
using operation_coroutine = boost::asio::awaitable<op_result<T>> (*)(std::shared_ptr<client_core> core,
                                                                    std::shared_ptr<op_control> control,
                                                                    std::string body);

/// Runs `operation` on the client's executor and completes the type-erased
/// handler with its result: one instantiation per result type, whatever the
/// completion token.
template <class T>
void launch(const std::shared_ptr<client_core>& core, handler_for<T> handler, diagnostics* diag,
            operation_coroutine<T> operation, std::string body) {
  auto control = std::make_shared<op_control>();
  connect_cancellation(handler, control, core->executor());
  boost::asio::co_spawn(core->executor(), operation(core, control, std::move(body)),
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
  call.core->report_request_end(call.info, ec);
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
  diag.request_id = std::string(response_request_id(conn->head()));
  std::string detail;
  {
    watched_connection watch(*call.control, conn.get());
    ec = co_await async_read_whole_body(*conn, out, opts.max_response_size, opts.timeouts, call.deadline, detail);
  }
  if (call.control->cancelled) ec = boost::asio::error::operation_aborted;
  if (!ec) conn.finish();
  if (ec == client_errc::response_too_large)
    diag.client_message = "max_response_size is " + std::to_string(opts.max_response_size) + " bytes";
  else if (ec && ec != boost::asio::error::operation_aborted)
    diag.client_message = detail;
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
    if (result.ec) result.diag.client_message = "the body is " + body_snippet(response);
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
    if (result.ec) result.diag.client_message = "expected a token count, the body is " + body_snippet(response);
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
      message_stream(std::make_shared<stream_state>(call.core, std::move(conn), call.target, call.info.sequence));
  co_return result;
}

}  // namespace anthropic::detail
