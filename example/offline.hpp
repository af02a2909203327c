// What the examples share. With no credentials in the environment, an in-process
// mock_server answers instead of the API, so that every example runs offline as it
// is (and CTest runs them that way); with ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN
// set, they talk to the real API. And the usual main(): run one coroutine to its
// end, report an exception that escapes it.
#pragma once

#include <anthropic/options.hpp>
#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <memory>
#include <utility>

namespace example {

/// Without credentials in `options`: starts a mock_server on `io`, points `options`
/// at it and returns it. With credentials: null, and `options` is left alone.
inline std::unique_ptr<anthropic::testing::mock_server> mock_unless_credentials(
    boost::asio::io_context& io, anthropic::client_options& options,
    anthropic::testing::mock_server_options mock_options = {}) {
  if (!options.api_key.empty() || !options.auth_token.empty()) return nullptr;
  auto mock = std::make_unique<anthropic::testing::mock_server>(io.get_executor(), std::move(mock_options));
  mock->configure_client(options);
  std::cerr << "ANTHROPIC_API_KEY is not set: using the in-process mock server\n";
  return mock;
}

/// Runs `task` on `io` to its end, then stops `mock` (if any) so that run()
/// returns. Returns main()'s exit status: 1 when an exception escaped (printed).
template <class Awaitable>
int run_to_end(boost::asio::io_context& io, Awaitable task, anthropic::testing::mock_server* mock) {
  int status = 0;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr error) {
    if (mock) mock->stop();
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      std::cerr << "\nerror: " << e.what() << "\n";
      status = 1;
    }
  });
  io.run();
  return status;
}

}  // namespace example
