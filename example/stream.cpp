// stream: the same request as create.cpp, streamed.
//
// client::async_stream completes once the response head arrived; then
// message_stream::async_next hands out one event at a time until message_stop.
// Text deltas are printed as they arrive; the stream also accumulates the
// complete message (stream.message()), exactly what async_create would return.
// Offline (no ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN): mock_server in-process.
#include <anthropic/client.hpp>
#include <anthropic/testing/mock_server.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>

boost::asio::awaitable<void> stream_story(anthropic::client& client) {
  anthropic::message_request req{
      .model = "claude-sonnet-4-5",
      .max_tokens = 150,
      .messages = {anthropic::user("Write a one-sentence bedtime story about a unicorn.")},
      .temperature = 0.7,
  };
  anthropic::message_stream stream = co_await client.async_stream(req);
  // async_next yields a pointer to the event, null after message_stop. The event
  // (and the text view) points into the receive buffer: valid until the next call.
  while (const anthropic::stream_event* event = co_await stream.async_next()) {
    if (auto text = event->text_delta()) std::cout << *text << std::flush;
  }
  const anthropic::message& msg = stream.message();  // owns its data
  std::cout << "\n(" << msg.usage.input_tokens << " input tokens, " << msg.usage.output_tokens
            << " output tokens, stop_reason " << msg.stop_reason.value_or("none") << ")\n";
}

int main() {
  boost::asio::io_context io;
  auto options = anthropic::client_options::from_env();

  std::unique_ptr<anthropic::testing::mock_server> mock;
  if (options.api_key.empty() && options.auth_token.empty()) {
    anthropic::testing::mock_server_options mock_options;
    mock_options.event_delay = std::chrono::milliseconds(30);  // so that the text visibly streams
    mock = std::make_unique<anthropic::testing::mock_server>(io.get_executor(), mock_options);
    options.base_url = mock->base_url();
    options.tls.ca_pem = mock->ca_pem();
    options.api_key = "mock";
    std::cerr << "ANTHROPIC_API_KEY is not set: using the in-process mock server\n";
  }

  anthropic::client client(io.get_executor(), options);
  int status = 0;
  boost::asio::co_spawn(io, stream_story(client), [&](std::exception_ptr error) {
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
