// message_batch: submit, wait, read the results (the Message Batches API).
//
// Sends three prompts as one batch (asynchronous, half the price of the same
// requests sent one by one), waits for it to end with a progress line per
// look, then reads the results line by line (they come in any order: each
// carries the custom_id of its request) and prints each answer under its
// prompt. With ANTHROPIC_API_KEY set it uses the real API, where a batch takes
// minutes to hours; without, the in-process mock_server processes it in a
// second.
#include "offline.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <vector>

boost::asio::awaitable<void> run_batch(anthropic::client& client, std::chrono::milliseconds first_pause) {
  const std::vector<std::string> prompts{"Write a one-sentence bedtime story about a unicorn.",
                                         "Name three moons of Jupiter.", "What is 12 times 12?"};
  std::vector<anthropic::batch_request> requests;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    anthropic::message_request req{
        .model = "claude-sonnet-4-5", .max_tokens = 200, .messages = {anthropic::user(prompts[i])}};
    requests.push_back({"prompt-" + std::to_string(i), std::move(req)});
  }

  anthropic::message_batch batch = co_await client.async_create_batch(requests);
  std::cout << "batch " << batch.id << " created: " << batch.request_counts.processing << " requests\n";

  anthropic::batch_wait_options wait{.initial_interval = first_pause,
                                     .on_progress = [](const anthropic::message_batch& b) {
                                       std::cerr << "  " << b.processing_status << ": "
                                                 << b.request_counts.succeeded + b.request_counts.errored
                                                 << " of " << b.request_counts.total() << " done\n";
                                     }};
  batch = co_await client.async_wait_batch(batch.id, wait);
  std::cout << "batch ended: " << batch.request_counts.succeeded << " succeeded, " << batch.request_counts.errored
            << " errored, " << batch.request_counts.expired << " expired\n";

  // The results, in the order of the prompts (they arrive in any order).
  std::map<std::string, std::string> answers;
  anthropic::batch_results results = co_await client.async_batch_results(batch.id);
  while (std::optional<anthropic::batch_result> line = co_await results.async_next()) {
    if (line->succeeded())
      answers[line->custom_id] = line->message->text();
    else
      answers[line->custom_id] = "(" + line->type + ": " + line->error_message.value_or("no answer") + ")";
  }
  for (std::size_t i = 0; i < prompts.size(); ++i)
    std::cout << "\n> " << prompts[i] << "\n" << answers["prompt-" + std::to_string(i)] << "\n";
  std::cout << "\nall " << answers.size() << " results read\n";
}

int main() {
  boost::asio::io_context io;
  auto options = anthropic::client_options::from_env();
  anthropic::testing::mock_server_options mock_options;
  mock_options.batch_processing_time = std::chrono::milliseconds(300);
  auto mock = example::mock_unless_credentials(io, options, mock_options);
  anthropic::client client(io.get_executor(), options);
  // The real API: look every 30 s at first; the mock ends the batch in 0.3 s.
  const auto first_pause = mock ? std::chrono::milliseconds(100) : std::chrono::milliseconds(30000);
  return example::run_to_end(io, run_batch(client, first_pause), mock.get());
}
