// mock_server's members (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/testing/detail/mock_server_state.hpp>
#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>

namespace anthropic::testing {

ANTHROPIC_DECL mock_server::mock_server(boost::asio::any_io_executor ex, mock_server_options opts)
    : state_(std::make_shared<detail::mock_server_state>(std::move(ex), std::move(opts))) {
  state_->start();
}

ANTHROPIC_DECL mock_server::mock_server(mock_server_options opts)
    : own_context_(std::make_unique<boost::asio::io_context>(1)),
      state_(std::make_shared<detail::mock_server_state>(own_context_->get_executor(), std::move(opts))) {
  state_->start();
  thread_ = std::thread([ctx = own_context_.get()] { ctx->run(); });
}

ANTHROPIC_DECL mock_server::~mock_server() { stop(); }

ANTHROPIC_DECL void mock_server::stop() {
  boost::asio::dispatch(state_->get_executor(), [state = state_] { state->close_all(); });
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

ANTHROPIC_DECL unsigned short mock_server::port() const noexcept { return state_->port(); }

ANTHROPIC_DECL std::string mock_server::base_url() const {
  return (state_->uses_tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port());
}

ANTHROPIC_DECL const std::string& mock_server::ca_pem() const noexcept { return state_->ca_pem(); }

ANTHROPIC_DECL void mock_server::configure_client(client_options& opts) const {
  opts.base_url = base_url();
  opts.tls.ca_pem = ca_pem();
  opts.api_key = state_->api_key().empty() ? "mock-key" : state_->api_key();
  opts.auth_token.clear();
}

ANTHROPIC_DECL void mock_server::enqueue(reply r, std::size_t times) { state_->enqueue(std::move(r), times); }

ANTHROPIC_DECL void mock_server::fail_next_connections(connection_fault fault, std::size_t count) {
  state_->fail_connections(fault, count);
}

ANTHROPIC_DECL std::vector<recorded_request> mock_server::requests() const { return state_->requests(); }

ANTHROPIC_DECL bool mock_server::expire_batch(std::string_view batch_id) { return state_->expire_batch(batch_id); }

ANTHROPIC_DECL std::string mock_server::add_file(std::string filename, std::string mime_type, std::string bytes,
                                                bool downloadable) {
  return state_->add_file(std::move(filename), std::move(mime_type), std::move(bytes), downloadable);
}

ANTHROPIC_DECL std::size_t mock_server::connections_accepted() const noexcept {
  return state_->connections_accepted();
}

}  // namespace anthropic::testing
