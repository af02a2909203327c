// stream: the same request as create.cpp, streamed.
//
// client::async_stream completes once the response head arrived; then
// message_stream::async_next hands out one event at a time until message_stop.
// Text deltas are printed as they arrive; the stream also accumulates the
// complete message (stream.message()), exactly what async_create would return.
// Offline (no ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN): mock_server in-process.
#include "offline.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <iostream>

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
  anthropic::testing::mock_server_options mock_options;
  mock_options.event_delay = std::chrono::milliseconds(30);  // so that the text visibly streams
  auto mock = example::mock_unless_credentials(io, options, mock_options);
  anthropic::client client(io.get_executor(), options);
  return example::run_to_end(io, stream_story(client), mock.get());
}
