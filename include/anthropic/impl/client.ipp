// The client's non-template functions (see <anthropic/config.hpp> and
// detail/launch.hpp): the core's construction and accessors, request bodies,
// and the three launch functions.
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

ANTHROPIC_DECL void launch_create(const std::shared_ptr<client_core>& core, handler_for<message> handler,
                                  diagnostics* diag, std::string body) {
  launch<message>(core, std::move(handler), diag, &run_create, std::move(body));
}

ANTHROPIC_DECL void launch_stream(const std::shared_ptr<client_core>& core, handler_for<message_stream> handler,
                                  diagnostics* diag, std::string body) {
  launch<message_stream>(core, std::move(handler), diag, &run_stream, std::move(body));
}

ANTHROPIC_DECL void launch_count_tokens(const std::shared_ptr<client_core>& core, handler_for<std::uint64_t> handler,
                                        diagnostics* diag, std::string body) {
  launch<std::uint64_t>(core, std::move(handler), diag, &run_count_tokens, std::move(body));
}

}  // namespace anthropic::detail
