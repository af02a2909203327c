// The client's implementation (see <anthropic/config.hpp> and
// detail/launch.hpp): the core's construction and accessors, request bodies,
// and the launch of each operation.
#pragma once

#include <anthropic/client.hpp>
#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/operations.hpp>
#include <anthropic/detail/launch.hpp>

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

ANTHROPIC_DECL std::string create_body(const message_request& req) { return request_body(req, api_call::create); }

ANTHROPIC_DECL std::string stream_body(const message_request& req) { return request_body(req, api_call::stream); }

ANTHROPIC_DECL std::string count_tokens_body(const message_request& req) {
  return request_body(req, api_call::count_tokens);
}

// Which coroutine runs each operation.
template <class Operation>
constexpr operation_coroutine<typename Operation::result_type> coroutine_of = nullptr;
template <>
inline constexpr operation_coroutine<message> coroutine_of<create_operation> = &run_create;
template <>
inline constexpr operation_coroutine<message_stream> coroutine_of<stream_operation> = &run_stream;
template <>
inline constexpr operation_coroutine<std::uint64_t> coroutine_of<count_tokens_operation> = &run_count_tokens;

template <class Operation>
void launch_operation(const std::shared_ptr<client_core>& core, handler_for<typename Operation::result_type> handler,
                      diagnostics* diag, std::string body) {
  launch<typename Operation::result_type>(core, std::move(handler), diag, coroutine_of<Operation>, std::move(body));
}

#ifdef ANTHROPIC_SEPARATE_COMPILATION
template void launch_operation<create_operation>(const std::shared_ptr<client_core>&, handler_for<message>,
                                                 diagnostics*, std::string);
template void launch_operation<stream_operation>(const std::shared_ptr<client_core>&, handler_for<message_stream>,
                                                 diagnostics*, std::string);
template void launch_operation<count_tokens_operation>(const std::shared_ptr<client_core>&,
                                                       handler_for<std::uint64_t>, diagnostics*, std::string);
#endif

}  // namespace anthropic::detail
