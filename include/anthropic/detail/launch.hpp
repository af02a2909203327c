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
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace anthropic::detail {

class client_core;

/// The handler an operation producing `T` completes, type-erased.
template <class T>
using handler_for = boost::asio::any_completion_handler<void(boost::system::error_code, T)>;

ANTHROPIC_DECL std::shared_ptr<client_core> make_client_core(boost::asio::any_io_executor ex, client_options options);
ANTHROPIC_DECL const client_options& options_of(const client_core& core) noexcept;
ANTHROPIC_DECL std::size_t connection_slots_in_use(client_core& core);
ANTHROPIC_DECL std::size_t idle_connections(client_core& core);

/// The JSON bodies of the three calls. Serialized when the operation is called,
/// so the request need not outlive that call (also with deferred tokens).
ANTHROPIC_DECL std::string create_body(const message_request& req);
ANTHROPIC_DECL std::string stream_body(const message_request& req);
ANTHROPIC_DECL std::string count_tokens_body(const message_request& req);

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

/// Runs `Operation` on the client's executor and completes `handler`, filling
/// `*diag` (when not null) at the end. A template over the operation, not over
/// the token, and instantiated only where an operation is used: header-only, a
/// translation unit compiles the operations it calls and no other; separately
/// compiled, the three instantiations live in src.hpp (below: extern).
template <class Operation>
void launch_operation(const std::shared_ptr<client_core>& core, handler_for<typename Operation::result_type> handler,
                      diagnostics* diag, std::string body);

#ifdef ANTHROPIC_SEPARATE_COMPILATION
extern template void launch_operation<create_operation>(const std::shared_ptr<client_core>&, handler_for<message>,
                                                        diagnostics*, std::string);
extern template void launch_operation<stream_operation>(const std::shared_ptr<client_core>&,
                                                        handler_for<message_stream>, diagnostics*, std::string);
extern template void launch_operation<count_tokens_operation>(const std::shared_ptr<client_core>&,
                                                              handler_for<std::uint64_t>, diagnostics*, std::string);
#endif

}  // namespace anthropic::detail
