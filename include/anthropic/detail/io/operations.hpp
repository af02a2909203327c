// The bodies of the client's operations: the frame every call shares (hooks,
// deadline, request building), the coroutines of a JSON call (create, models,
// batches), count_tokens, stream and a pager's next item, and launch(), which
// runs one on the client's executor for any completion token. Included by
// impl/client.ipp only.
#pragma once

#include <anthropic/batch_results.hpp>
#include <anthropic/completion.hpp>
#include <anthropic/detail/io/call_context.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/exchange.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/detail/io/results_state.hpp>
#include <anthropic/detail/launch.hpp>
#include <anthropic/detail/sansio/error_response.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>
#include <anthropic/detail/io/stream_state.hpp>
#include <anthropic/stream.hpp>
#include <anthropic/types/json_support.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/page.hpp>
#include <anthropic/types/request.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace anthropic::detail {

/// Which Messages call a message_request is the body of.
enum class message_call { create, stream, count_tokens };

/// The JSON body of a Messages call.
inline std::string message_body(const message_request& req, message_call call) {
  json_scratch scratch;
  boost::json::value body = boost::json::value_from(req, scratch.storage());
  auto& members = body.as_object();
  switch (call) {
    case message_call::create: members.erase("stream"); break;
    case message_call::stream: members["stream"] = true; break;
    case message_call::count_tokens:
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

/// Runs the coroutine `make_coroutine(control)` returns on the client's
/// executor and completes the type-erased handler with its result: one
/// instantiation per operation, whatever the completion token.
template <class T, class MakeCoroutine>
void launch(const std::shared_ptr<client_core>& core, handler_for<T> handler, diagnostics* diag,
            MakeCoroutine make_coroutine) {
  auto control = std::make_shared<op_control>();
  connect_cancellation(handler, control, core->executor());
  boost::asio::co_spawn(core->executor(), make_coroutine(control),
                        [core, control, handler = std::move(handler), diag](std::exception_ptr error,
                                                                            op_result<T> result) mutable {
                          // Only resource exhaustion (bad_alloc) gets here: let it
                          // propagate out of run() as Asio does for other handlers.
                          if (error) std::rethrow_exception(error);
                          if (diag) *diag = std::move(result.diag);
                          complete(std::move(handler), core->executor(), result.ec, std::move(result.value));
                        });
}

inline boost::beast::http::verb verb_of(http_method method) noexcept {
  switch (method) {
    case http_method::get: return boost::beast::http::verb::get;
    case http_method::delete_: return boost::beast::http::verb::delete_;
    case http_method::post: break;
  }
  return boost::beast::http::verb::post;
}

/// Whether the call can be sent: the client's configuration, then the call's
/// own arguments. Fills `diag` when not.
inline boost::system::error_code refusal(const call_context& call, const api_call& api, diagnostics& diag) {
  if (auto ec = call.core->config_error(diag)) return ec;
  if (api.error) diag.client_message = api.problem;
  return api.error;
}

/// Sends `api` and reads the whole 2xx response into `out`.
inline boost::asio::awaitable<boost::system::error_code> async_send_and_read(call_context& call, api_call api,
                                                                           std::string& out, diagnostics& diag) {
  if (auto ec = refusal(call, api, diag)) co_return ec;
  streamed_body streamed;
  request_extras extras{api.beta, nullptr, call.overrides.get()};
  if (api.upload) {
    streamed = {api.upload->content_type(), api.upload->size()};
    extras.streamed = &streamed;
  }
  make_api_request(call.core->common_headers(), verb_of(api.method),
                   api.method == http_method::post ? request_kind::json_post : request_kind::json_get, call.target,
                   std::move(api.body), call.request, extras);
  auto [ec, conn] = co_await async_request_head(call, diag, false, api.upload.get());
  if (ec) co_return ec;
  const auto& opts = call.core->options();
  record_response(conn->head(), diag);
  std::string detail;
  {
    watched_connection watch(*call.control, conn.get());
    ec = co_await async_read_whole_body(*conn, out, opts.max_response_size, call.timeouts, call.deadline, detail);
  }
  if (call.control->cancelled) ec = boost::asio::error::operation_aborted;
  if (!ec) conn.finish();
  if (ec == client_errc::response_too_large)
    diag.client_message = "max_response_size is " + std::to_string(opts.max_response_size) + " bytes";
  else if (ec && ec != boost::asio::error::operation_aborted)
    diag.client_message = detail;
  co_return ec;
}

/// Sends `api` and waits for its 2xx head, leaving the body to the caller (a
/// stream, a download, a batch's results). On failure the call has ended
/// (on_request_end was told).
inline boost::asio::awaitable<std::pair<boost::system::error_code, connection_lease>> async_send_for_body(
    call_context& call, api_call& api, request_kind kind, diagnostics& diag) {
  boost::system::error_code ec = refusal(call, api, diag);
  connection_lease conn;
  if (!ec) {
    make_api_request(call.core->common_headers(), verb_of(api.method), kind, call.target, std::move(api.body),
                     call.request, request_extras{api.beta, nullptr, call.overrides.get()});
    // (Bound first: g++ 12 mishandles some co_await temporaries.)
    auto head = co_await async_request_head(call, diag, kind == request_kind::stream_post);
    ec = head.first;
    conn = std::move(head.second);
  }
  if (ec) end_call(call, ec);
  co_return std::pair{ec, std::move(conn)};
}

/// A call whose 2xx body is the JSON of a `T`: a message (create), a model, a
/// page, a batch.
template <class T>
boost::asio::awaitable<op_result<T>> run_json_call(std::shared_ptr<client_core> core,
                                                   std::shared_ptr<op_control> control, api_call api) {
  call_context call(std::move(core), std::move(control), api.operation, api.path, api.options);
  op_result<T> result;
  std::string response;
  result.ec = co_await async_send_and_read(call, std::move(api), response, result.diag);
  if (!result.ec) {
    result.ec = parse_typed(response, result.value);
    if (result.ec) result.diag.client_message = "the body is " + body_snippet(response);
  }
  if constexpr (std::is_same_v<T, message>) {
    if (!result.ec && call.core->options().hooks.on_usage) call.core->options().hooks.on_usage(call.info, result.value.usage);
  }
  end_call(call, result.ec);
  co_return result;
}

/// POST /v1/messages for one message. A create whose max_tokens needs
/// streaming (api.long_request) is sent as a stream and accumulated, so that a
/// long generation is not cut off by the response-head timeout; with
/// stream_long_requests off it fails before anything is sent.
inline boost::asio::awaitable<op_result<message>> run_create(std::shared_ptr<client_core> core,
                                                            std::shared_ptr<op_control> control, api_call api) {
  if (!api.long_request) co_return co_await run_json_call<message>(std::move(core), std::move(control), std::move(api));
  call_context call(std::move(core), std::move(control), api.operation, api.path, api.options);
  if (!call.stream_long_requests && !api.error) {
    api.error = client_errc::streaming_required;
    api.problem = "stream_long_requests is off: stream this call (async_stream) or lower max_tokens";
  }
  op_result<message> result;
  auto [ec, conn] = co_await async_send_for_body(call, api, request_kind::stream_post, result.diag);
  if ((result.ec = ec)) co_return result;
  // The stream reports the end of the call (on_request_end) and the usage.
  auto state = std::make_shared<stream_state>(call, std::move(conn));
  diagnostics stream_diag;
  result.ec = co_await state->async_read_to_end(*call.control, stream_diag);
  if (result.ec) {
    result.diag = std::move(stream_diag);
  } else {
    result.diag.http_status = state->response().http_status;
    result.diag.request_id = state->response().request_id;
    result.value = state->take_message();
  }
  // The head, as a create's diagnostics have it, also with an error.
  result.diag.response = state->response();
  co_return result;
}

inline boost::asio::awaitable<op_result<std::uint64_t>> run_count_tokens(std::shared_ptr<client_core> core,
                                                                         std::shared_ptr<op_control> control,
                                                                         api_call api) {
  call_context call(std::move(core), std::move(control), api.operation, api.path, api.options);
  op_result<std::uint64_t> result;
  std::string response;
  result.ec = co_await async_send_and_read(call, std::move(api), response, result.diag);
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
                                                                    api_call api) {
  call_context call(std::move(core), std::move(control), api.operation, api.path, api.options);
  op_result<message_stream> result;
  auto [ec, conn] = co_await async_send_for_body(call, api, request_kind::stream_post, result.diag);
  if ((result.ec = ec)) co_return result;
  // From here the stream reports the end of the request (on_request_end). The
  // request deadline ends with the head: a long generation was billed already,
  // so only the idle gap (and the optional whole-stream limit) bounds it.
  result.value = message_stream(std::make_shared<stream_state>(call, std::move(conn)));
  co_return result;
}

/// Looks at a batch until it has ended, pausing between looks as the options
/// say; each look is one get_batch call (retried like any other).
inline boost::asio::awaitable<op_result<message_batch>> run_wait_batch(std::shared_ptr<client_core> core,
                                                                      std::shared_ptr<op_control> control,
                                                                      wait_batch_call wait) {
  const auto& opts = wait.options;
  auto interval = std::max(opts.initial_interval, std::chrono::milliseconds(1));
  boost::asio::steady_timer timer(core->executor());
  for (;;) {
    auto look = co_await run_json_call<message_batch>(core, control, wait.get);
    if (look.ec || look.value.ended()) co_return look;
    if (opts.on_progress) opts.on_progress(look.value);
    if (control->cancelled) break;
    timer.expires_after(interval);
    control->active_timer = &timer;
    auto [wait_ec] = co_await timer.async_wait(use_tuple);
    (void)wait_ec;
    control->active_timer = nullptr;
    if (control->cancelled) break;
    const auto grown = std::chrono::duration_cast<std::chrono::milliseconds>(interval * std::max(opts.backoff, 1.0));
    interval = std::min(std::max(grown, interval), std::max(opts.max_interval, interval));
  }
  op_result<message_batch> aborted;
  aborted.ec = boost::asio::error::operation_aborted;
  co_return aborted;
}

/// GET a file's content into a sink, piece by piece: memory stays bounded by
/// one read whatever the file's size. The result is the number of bytes.
inline boost::asio::awaitable<op_result<std::uint64_t>> run_download(std::shared_ptr<client_core> core,
                                                                    std::shared_ptr<op_control> control,
                                                                    download_call download) {
  api_call& api = download.get;
  call_context call(std::move(core), std::move(control), api.operation, api.path, api.options);
  op_result<std::uint64_t> result;
  auto [ec, conn] = co_await async_send_for_body(call, api, request_kind::download, result.diag);
  if ((result.ec = ec)) co_return result;
  record_response(conn->head(), result.diag);
  // The request deadline ended with the head (a large file takes its time);
  // the idle gap bounds each read.
  const auto idle = call.timeouts.idle;
  for (;;) {
    boost::system::error_code read_ec;
    std::string_view piece;
    {
      watched_connection watch(*call.control, conn.get());
      std::tie(read_ec, piece) =
          co_await conn->async_read_body_some(limit_for(idle, client_errc::idle_timeout, clock::time_point::max()));
    }
    if (call.control->cancelled) read_ec = boost::asio::error::operation_aborted;
    if (read_ec) {
      std::string detail;
      result.ec = read_ec.category() == client_category() || read_ec == boost::asio::error::operation_aborted
                      ? read_ec
                      : classify_read_failure(read_ec, client_errc::response_truncated, detail);
      if (!detail.empty()) result.diag.client_message = detail + ", after " + std::to_string(result.value) + " bytes";
      break;
    }
    if (piece.empty()) {
      conn.finish();
      break;
    }
    if ((result.ec = download.sink(piece))) {
      result.diag.client_message = "the sink refused the content after " + std::to_string(result.value) + " bytes";
      break;
    }
    result.value += piece.size();
  }
  end_call(call, result.ec);
  co_return result;
}

/// GET a batch's results: completes once the response head arrived; the
/// lines are read by batch_results::async_next.
inline boost::asio::awaitable<op_result<batch_results>> run_batch_results(std::shared_ptr<client_core> core,
                                                                         std::shared_ptr<op_control> control,
                                                                         api_call api) {
  call_context call(std::move(core), std::move(control), api.operation, api.path, api.options);
  op_result<batch_results> result;
  auto [ec, conn] = co_await async_send_for_body(call, api, request_kind::download, result.diag);
  if ((result.ec = ec)) co_return result;
  // From here the reader reports the end of the request (on_request_end), and
  // only the idle gap bounds it: a results file may take long to download.
  result.value = batch_results(std::make_shared<results_state>(call, std::move(conn)));
  co_return result;
}

inline boost::asio::awaitable<op_result<std::optional<batch_result>>> run_next_result(
    std::shared_ptr<client_core> core, std::shared_ptr<op_control> control, std::shared_ptr<results_state> results) {
  (void)core;
  op_result<std::optional<batch_result>> result;
  auto next = co_await results->next(*control, result.diag);
  result.ec = next.first;
  result.value = std::move(next.second);
  co_return result;
}

/// The next item of a pager: from the page in hand, else from the next page
/// (one list call, retried like any other), else nothing once the list ends.
template <class Item>
boost::asio::awaitable<op_result<std::optional<Item>>> run_next_item(std::shared_ptr<client_core> core,
                                                                    std::shared_ptr<op_control> control,
                                                                    std::shared_ptr<pager_state<Item>> pager) {
  op_result<std::optional<Item>> result;
  if (pager->busy) {
    result.ec = client_errc::operation_in_progress;
    result.diag.client_message = "a pager hands out one item at a time: wait for async_next to complete";
    co_return result;
  }
  pager->busy = true;
  // An empty page that says there is more would loop for ever: at most one.
  bool empty_page_seen = false;
  while (pager->next == pager->items.size() && !pager->exhausted) {
    // (Named first: g++ 12 destroys a temporary argument of a co_await expression twice.)
    api_call next_page = list_call(pager->endpoint, pager->params);
    if (pager->options) apply_request_options(next_page, *pager->options);
    auto fetched = co_await run_json_call<page<Item>>(core, control, std::move(next_page));
    if (fetched.ec) {
      result.ec = fetched.ec;
      result.diag = std::move(fetched.diag);
      break;
    }
    page<Item>& got = fetched.value;
    const bool backwards = !pager->params.before_id.empty();
    const auto& cursor = backwards ? got.first_id : got.last_id;
    pager->items = std::move(got.data);
    pager->next = 0;
    if (!got.has_more || !cursor || (pager->items.empty() && empty_page_seen)) {
      pager->exhausted = true;
    } else {
      (backwards ? pager->params.before_id : pager->params.after_id) = *cursor;
      empty_page_seen = pager->items.empty();
    }
  }
  if (!result.ec && pager->next < pager->items.size()) result.value = std::move(pager->items[pager->next++]);
  pager->busy = false;
  co_return result;
}

}  // namespace anthropic::detail
