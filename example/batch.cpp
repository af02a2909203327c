// batch: many prompts, at most `concurrency` in flight, answers kept in input order.
//
// A fixed number of worker coroutines share one io_context thread; each takes
// the next prompt, awaits its reply and stores it at the prompt's index, so the
// output order never depends on which reply came back first. The client retries
// 429 / 529 / 5xx replies by itself; the on_retry hook makes every retry visible.
// Offline (no ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN): mock_server in-process,
// scripted to answer the first two requests with 429 and 529.
#include "offline.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

constexpr std::size_t concurrency = 4;

struct batch {
  anthropic::client& client;
  std::vector<std::string> subjects;
  std::vector<std::string> answers;  // answers[i] belongs to subjects[i]
  std::size_t next = 0;              // the next prompt to start (one thread: no lock needed)
  std::size_t failures = 0;
};

boost::asio::awaitable<void> worker(batch& b) {
  while (b.next < b.subjects.size()) {
    const std::size_t i = b.next++;
    anthropic::message_request req{
        .model = "claude-sonnet-4-5",
        .max_tokens = 150,
        .messages = {anthropic::user("Write a one-sentence bedtime story about " + b.subjects[i] + ".")},
    };
    try {
      anthropic::message reply = co_await b.client.async_create(req);
      b.answers[i] = reply.text();
    } catch (const anthropic::error_with_diagnostics& e) {
      // The retries are used up: record the failure, keep going with the rest.
      b.answers[i] = std::string("FAILED: ") + e.what();
      ++b.failures;
    }
  }
}

int main() {
  boost::asio::io_context io;
  auto options = anthropic::client_options::from_env();

  auto mock = example::mock_unless_credentials(io, options);
  if (mock) {
    // What a busy API does now and then; the client retries both.
    using anthropic::testing::reply;
    mock->enqueue(reply::error(429, "rate_limit_error", "Number of requests has exceeded your rate limit")
                      .header("retry-after-ms", "100"));
    mock->enqueue(reply::error(529, "overloaded_error", "Overloaded").header("retry-after-ms", "100"));
  }
  options.retry.max_retries = 3;
  options.hooks.on_retry = [](const anthropic::request_info& request, const anthropic::retry_info& retry) {
    std::cout << "retry " << retry.retry << " of request #" << request.sequence << ": HTTP " << retry.http_status << " ("
              << retry.error.message() << "), next attempt in " << retry.delay.count() << " ms\n";
  };

  anthropic::client client(io.get_executor(), options);
  batch b{client, {"a unicorn", "a dragon", "a fox", "an owl", "a whale", "a robot", "a kitten", "a comet",
                   "a lighthouse", "a tortoise", "a snowman", "a firefly"}, {}};
  b.answers.resize(b.subjects.size());

  std::size_t running = concurrency;
  int status = 0;
  for (std::size_t w = 0; w < concurrency; ++w) {
    boost::asio::co_spawn(io, worker(b), [&](std::exception_ptr error) {
      if (error) status = 1;  // not an API error (those are caught above): e.g. out of memory
      if (--running == 0 && mock) mock->stop();
    });
  }
  io.run();

  bool in_order = true;
  for (std::size_t i = 0; i < b.subjects.size(); ++i) {
    std::cout << "[" << i + 1 << "] " << b.answers[i] << "\n";
    // Offline, each story names its subject: a cheap check that answers did not swap places.
    if (mock && b.answers[i].find(b.subjects[i]) == std::string::npos) in_order = false;
  }
  if (b.failures || !in_order) {
    std::cout << b.failures << " prompts failed" << (in_order ? "" : ", answers out of order") << "\n";
    return 1;
  }
  std::cout << "all " << b.subjects.size() << " prompts answered in order\n";
  return status;
}
