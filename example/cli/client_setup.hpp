// anthropic-cli: client_options from the environment and the flags, or from the
// in-process mock server with --mock.
#pragma once

#include "arguments.hpp"

#include <anthropic/options.hpp>
#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>

namespace anthropic_cli {

/// The client configuration for one run; `mock` is the server --mock started
/// (it serves on the caller's executor and must outlive the client's requests).
struct client_setup {
  anthropic::client_options options;
  std::unique_ptr<anthropic::testing::mock_server> mock;
  std::string error;  ///< a usage error, empty when the configuration is usable
};

/// Pause between the mock server's stream events: slow enough that the demo's
/// story visibly streams, fast enough that the whole reply takes under a second.
inline constexpr std::chrono::milliseconds mock_event_delay{40};

inline client_setup make_client_setup(const cli_arguments& args, boost::asio::any_io_executor ex) {
  client_setup setup;
  auto& opts = setup.options;
  if (args.mock) {
    // Only what the command line says: a real key from the environment has no
    // business travelling to the mock server.
    anthropic::testing::mock_server_options mock_opts;
    mock_opts.event_delay = mock_event_delay;
    setup.mock = std::make_unique<anthropic::testing::mock_server>(ex, std::move(mock_opts));
    setup.mock->configure_client(opts);
  } else {
    opts = anthropic::client_options::from_env();
  }
  if (args.base_url) opts.base_url = *args.base_url;
  // The environment's proxy is the one for the final base URL (NO_PROXY may
  // list it); the mock server is never reached through one unless asked.
  if (args.proxy)
    opts.proxy = *args.proxy;
  else
    opts.proxy = args.mock ? std::string() : anthropic::client_options::proxy_from_env(opts.base_url);
  if (args.api_key) opts.api_key = *args.api_key;
  if (args.auth_token) {
    opts.auth_token = *args.auth_token;
    // An explicit token means bearer auth; a key from the environment must not tag along.
    if (!args.api_key) opts.api_key.clear();
  }
  if (args.ca_file) {
    // Checked here so that a typo is a usage error, not an OpenSSL error later.
    if (!std::ifstream(*args.ca_file)) {
      setup.error = "--cacert: cannot read '" + *args.ca_file + "'";
      return setup;
    }
    opts.tls.ca_file = *args.ca_file;
  }
  if (args.max_retries) opts.retry.max_retries = *args.max_retries;
  // One run is one client: the flags' headers and betas go with every request.
  opts.headers.insert(opts.headers.end(), args.headers.begin(), args.headers.end());
  opts.betas.insert(opts.betas.end(), args.betas.begin(), args.betas.end());
  if (args.timeout_seconds) {
    // At least 1 ms: a zero duration would mean "no limit" to the client.
    auto ms = std::chrono::milliseconds(std::max(1LL, static_cast<long long>(*args.timeout_seconds * 1000.0 + 0.5)));
    // timeouts.request ends when a stream's head arrives; the events after it
    // have their own limit, off unless asked for. A user who gives --timeout
    // asks for one.
    opts.timeouts.request = ms;
    opts.timeouts.stream = ms;
  }
  if (opts.api_key.empty() && opts.auth_token.empty())
    setup.error = "no credentials: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN), pass --api-key / --auth-token, "
                  "or try --mock";
  return setup;
}

}  // namespace anthropic_cli
