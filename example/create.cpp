// create: one request, one complete reply.
//
// Sends the bedtime-story prompt with client::async_create and prints the reply's
// text and token usage. With ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN, and
// optionally ANTHROPIC_BASE_URL) set, it talks to the real API; without, it
// starts anthropic::testing::mock_server in-process and says so.
#include "offline.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

boost::asio::awaitable<void> tell_story(anthropic::client& client) {
  anthropic::message_request req{
      .model = "claude-sonnet-4-5",  // on OneRouter: "claude-sonnet-4-5@20250929"
      .max_tokens = 150,
      .messages = {anthropic::user("Write a one-sentence bedtime story about a unicorn.")},
      .temperature = 0.7,
  };
  // Without a completion token, co_await returns the message or throws
  // anthropic::error_with_diagnostics (HTTP status, error type, message, request id).
  anthropic::message msg = co_await client.async_create(req);
  std::cout << msg.text() << "\n"
            << "(" << msg.usage.input_tokens << " input tokens, " << msg.usage.output_tokens
            << " output tokens, stop_reason " << msg.stop_reason.value_or("none") << ")\n";
}

int main() {
  boost::asio::io_context io;
  auto options = anthropic::client_options::from_env();
  // No credentials: answer from a mock server on this io_context instead.
  auto mock = example::mock_unless_credentials(io, options);
  anthropic::client client(io.get_executor(), options);
  return example::run_to_end(io, tell_story(client), mock.get());
}
