// The client's implementation (see <anthropic/config.hpp> and
// detail/launch.hpp): the core's construction and accessors, request bodies,
// and the launch of each operation.
#pragma once

#include <anthropic/client.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/operations.hpp>
#include <anthropic/detail/launch.hpp>

#include <fstream>
#include <memory>
#include <string>
#include <utility>

namespace anthropic::detail {

ANTHROPIC_DECL std::shared_ptr<client_core> make_client_core(boost::asio::any_io_executor ex, client_options options) {
  return std::make_shared<client_core>(std::move(ex), std::move(options));
}

ANTHROPIC_DECL const client_options& options_of(const client_core& core) noexcept { return core.options(); }

ANTHROPIC_DECL std::size_t connection_slots_in_use(client_core& core) { return core.pool().connections(); }

ANTHROPIC_DECL std::size_t idle_connections(client_core& core) { return core.pool().idle_connections(); }

ANTHROPIC_DECL bool long_request_needs_stream(std::string_view model, std::uint64_t max_tokens) noexcept {
  // Output at 128,000 tokens an hour at worst: a reply that may take longer
  // than the 600 s a non-streamed one is given needs a stream.
  constexpr std::uint64_t tokens_per_hour = 128'000;
  if (max_tokens > tokens_per_hour * 600 / 3600) return true;
  // Models whose non-streamed replies are capped lower (the platform names the
  // official SDKs list).
  for (std::string_view capped : {"claude-opus-4@20250514", "anthropic.claude-opus-4-1-20250805-v1:0",
                                  "claude-opus-4-1@20250805"})
    if (model == capped) return max_tokens > 8192;
  return false;
}

ANTHROPIC_DECL api_call create_call(const message_request& req) {
  if (long_request_needs_stream(req.model, req.max_tokens)) {
    // Serialized as a stream's body right away: a long create is either sent
    // as a stream or not at all (stream_long_requests off).
    api_call call{"create", http_method::post, "/v1/messages", message_body(req, message_call::stream)};
    call.long_request = true;
    return call;
  }
  return {"create", http_method::post, "/v1/messages", message_body(req, message_call::create)};
}

ANTHROPIC_DECL api_call stream_call(const message_request& req) {
  return {"stream", http_method::post, "/v1/messages", message_body(req, message_call::stream)};
}

ANTHROPIC_DECL api_call count_tokens_call(const message_request& req) {
  return {"count_tokens", http_method::post, "/v1/messages/count_tokens",
          message_body(req, message_call::count_tokens)};
}

/// A call on one resource: `prefix` + the percent-encoded id + `suffix`. An
/// empty id would name the collection instead: refused.
inline api_call resource_call(std::string_view operation, http_method method, std::string_view prefix,
                              std::string_view id, std::string_view suffix = {}) {
  api_call call{operation, method, std::string(prefix)};
  append_percent_encoded(call.path, id);
  call.path += suffix;
  if (id.empty()) {
    call.error = client_errc::invalid_argument;
    call.problem = std::string(operation) + " needs an id";
  }
  return call;
}

ANTHROPIC_DECL api_call get_model_call(std::string_view model_id) {
  return resource_call("get_model", http_method::get, "/v1/models/", model_id);
}

ANTHROPIC_DECL api_call create_batch_call(const std::vector<batch_request>& requests) {
  api_call call{"create_batch", http_method::post, "/v1/messages/batches"};
  call.error = batch_create_body(requests, call.body, call.problem);
  return call;
}

ANTHROPIC_DECL api_call get_batch_call(std::string_view batch_id) {
  return resource_call("get_batch", http_method::get, "/v1/messages/batches/", batch_id);
}

ANTHROPIC_DECL api_call cancel_batch_call(std::string_view batch_id) {
  return resource_call("cancel_batch", http_method::post, "/v1/messages/batches/", batch_id, "/cancel");
}

ANTHROPIC_DECL api_call delete_batch_call(std::string_view batch_id) {
  return resource_call("delete_batch", http_method::delete_, "/v1/messages/batches/", batch_id);
}

ANTHROPIC_DECL wait_batch_call wait_batch(std::string_view batch_id, batch_wait_options options) {
  return {get_batch_call(batch_id), std::move(options)};
}

ANTHROPIC_DECL api_call batch_results_call(std::string_view batch_id) {
  // The batch's results_url names the same place; the path is built from the
  // id so that the credentials never go to a host a response names.
  return resource_call("batch_results", http_method::get, "/v1/messages/batches/", batch_id, "/results");
}

ANTHROPIC_DECL api_call upload_file_call(const file_upload& upload) {
  api_call call{"upload_file", http_method::post, "/v1/files"};
  call.beta = files_api_beta;
  call.error = upload_body::open(upload, call.upload, call.problem);
  return call;
}

ANTHROPIC_DECL api_call get_file_call(std::string_view file_id) {
  api_call call = resource_call("get_file", http_method::get, "/v1/files/", file_id);
  call.beta = files_api_beta;
  return call;
}

ANTHROPIC_DECL api_call delete_file_call(std::string_view file_id) {
  api_call call = resource_call("delete_file", http_method::delete_, "/v1/files/", file_id);
  call.beta = files_api_beta;
  return call;
}

ANTHROPIC_DECL download_call download_file_call(std::string_view file_id, download_sink sink) {
  download_call call{resource_call("download_file", http_method::get, "/v1/files/", file_id, "/content"),
                     std::move(sink)};
  call.get.beta = files_api_beta;
  if (!call.sink && !call.get.error) {
    call.get.error = client_errc::invalid_argument;
    call.get.problem = "download_file needs a sink";
  }
  return call;
}

ANTHROPIC_DECL download_call download_file_to_path_call(std::string_view file_id, const std::string& path) {
  auto file = std::make_shared<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  download_call call = download_file_call(file_id, [file](std::string_view piece) -> boost::system::error_code {
    if (!file->write(piece.data(), static_cast<std::streamsize>(piece.size())) || !file->flush())
      return make_error_code(boost::system::errc::io_error);
    return {};
  });
  if (!*file && !call.get.error) {
    call.get.error = client_errc::invalid_argument;
    call.get.problem = "cannot write '" + path + "'";
  }
  return call;
}

ANTHROPIC_DECL api_call list_call(list_endpoint endpoint, const list_params& params) {
  api_call call{};
  switch (endpoint) {
    case list_endpoint::models: call = {"list_models", http_method::get, "/v1/models"}; break;
    case list_endpoint::batches: call = {"list_batches", http_method::get, "/v1/messages/batches"}; break;
    case list_endpoint::files:
      call = {"list_files", http_method::get, "/v1/files"};
      call.beta = files_api_beta;
      break;
  }
  char separator = '?';
  auto add = [&](std::string_view name, std::string_view value) {
    call.path.append(1, separator).append(name).append(1, '=');
    append_percent_encoded(call.path, value);
    separator = '&';
  };
  if (params.limit) add("limit", std::to_string(*params.limit));
  if (!params.after_id.empty()) add("after_id", params.after_id);
  if (!params.before_id.empty()) add("before_id", params.before_id);
  if (params.limit && (*params.limit < 1 || *params.limit > 1000)) {
    call.error = client_errc::invalid_argument;
    call.problem = "list_params::limit must be between 1 and 1000";
  } else if (!params.after_id.empty() && !params.before_id.empty()) {
    call.error = client_errc::invalid_argument;
    call.problem = "set list_params::after_id or before_id, not both";
  }
  return call;
}

ANTHROPIC_DECL void apply_request_options(api_call& call, const request_options& options) {
  // The first refusal wins; a call refused already keeps its own reason.
  auto check = [&call](std::string_view name, std::string_view value) {
    if (call.error) return;
    if (auto problem = header_refusal(name, value); !problem.empty()) {
      call.error = client_errc::invalid_header_value;
      call.problem = std::move(problem);
    }
  };
  for (const auto& [name, value] : options.headers) check(name, value);
  for (const auto& beta : options.betas) check("anthropic-beta", beta);
  check("idempotency-key", options.idempotency_key);
  call.options = std::make_shared<const request_options>(options);
}

// Which coroutine runs each operation.
template <class Operation>
struct coroutine_of;
template <>
struct coroutine_of<create_operation> {
  static constexpr auto run = &run_create;
};
template <>
struct coroutine_of<stream_operation> {
  static constexpr auto run = &run_stream;
};
template <>
struct coroutine_of<count_tokens_operation> {
  static constexpr auto run = &run_count_tokens;
};
template <class T>
struct coroutine_of<json_operation<T>> {
  static constexpr auto run = &run_json_call<T>;
};
template <>
struct coroutine_of<batch_results_operation> {
  static constexpr auto run = &run_batch_results;
};
template <>
struct coroutine_of<download_operation> {
  static constexpr auto run = &run_download;
};
template <>
struct coroutine_of<wait_batch_operation> {
  static constexpr auto run = &run_wait_batch;
};
template <>
struct coroutine_of<next_result_operation> {
  static constexpr auto run = &run_next_result;
};
template <class Item>
struct coroutine_of<next_item_operation<Item>> {
  static constexpr auto run = &run_next_item<Item>;
};

template <class Operation>
void launch_operation(const std::shared_ptr<client_core>& core, handler_for<typename Operation::result_type> handler,
                      diagnostics* diag, operation_input_t<Operation> input) {
  launch<typename Operation::result_type>(core, std::move(handler), diag,
                                          [&core, &input](const std::shared_ptr<op_control>& control) {
                                            return coroutine_of<Operation>::run(core, control, std::move(input));
                                          });
}

#ifdef ANTHROPIC_SEPARATE_COMPILATION
#define ANTHROPIC_INSTANTIATE_OPERATION(Operation)                                                      \
  template void launch_operation<Operation>(const std::shared_ptr<client_core>&,                        \
                                            handler_for<typename Operation::result_type>, diagnostics*, \
                                            operation_input_t<Operation>);
ANTHROPIC_FOR_EACH_OPERATION(ANTHROPIC_INSTANTIATE_OPERATION)
#undef ANTHROPIC_INSTANTIATE_OPERATION
#endif

}  // namespace anthropic::detail
