// batch: many prompts, at most `concurrency` in flight, answers kept in input order.
//
// A fixed number of worker coroutines share one io_context thread; each takes
// the next prompt, awaits its reply and stores it at the prompt's index, so the
// output order never depends on which reply came back first. The client retries
// 429 / 529 / 5xx replies by itself; the on_retry hook makes every retry visible.
// Better than retrying is not being refused: every reply says how many requests
// are left in the rate-limit window (diagnostics::response.rate_limits()), and
// when fewer are left than workers run, the workers pause until the window resets.
// Offline (no ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN): mock_server in-process,
// scripted to answer the first two requests with 429 and 529, and a third with
// a nearly spent window.
#include "offline.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <ctime>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

constexpr std::size_t concurrency = 4;

/// Holds the workers back while the API's request window is nearly spent.
struct pacer {
  std::chrono::system_clock::time_point resume_at{};

  /// After each reply (or error): fewer requests left than workers running
  /// means the next ones would be refused, so wait for the window's reset.
  void observe(const anthropic::rate_limit& requests) {
    if (!requests.remaining || !requests.reset || *requests.remaining >= concurrency) return;
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(*requests.reset - std::chrono::system_clock::now());
    if (*requests.reset <= resume_at || wait.count() <= 0) return;  // known already, or reset already
    resume_at = *requests.reset;
    std::cout << "pacing: " << *requests.remaining << " requests left in the window, pausing " << wait.count()
              << " ms\n";
  }

  boost::asio::awaitable<void> wait_if_needed() {
    const auto wait = resume_at - std::chrono::system_clock::now();
    if (wait <= std::chrono::system_clock::duration::zero()) co_return;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
};

struct batch {
  anthropic::client& client;
  std::vector<std::string> subjects;
  std::vector<std::string> answers;  // answers[i] belongs to subjects[i]
  std::size_t next = 0;              // the next prompt to start (one thread: no lock needed)
  std::size_t failures = 0;
  pacer pace{};
};

boost::asio::awaitable<void> worker(batch& b) {
  while (b.next < b.subjects.size()) {
    co_await b.pace.wait_if_needed();
    if (b.next >= b.subjects.size()) break;
    const std::size_t i = b.next++;
    anthropic::message_request req{
        .model = "claude-sonnet-4-5",
        .max_tokens = 150,
        .messages = {anthropic::user("Write a one-sentence bedtime story about " + b.subjects[i] + ".")},
    };
    anthropic::diagnostics diag;  // the reply's head, rate limits included, on success too
    try {
      anthropic::message reply = co_await b.client.async_create(req, diag);
      b.answers[i] = reply.text();
    } catch (const anthropic::error_with_diagnostics& e) {
      // The retries are used up: record the failure, keep going with the rest.
      b.answers[i] = std::string("FAILED: ") + e.what();
      ++b.failures;
    }
    b.pace.observe(diag.response.rate_limits().requests);
  }
}

/// An RFC 3339 time in UTC, as the API writes its `*-reset` headers.
std::string rfc3339(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
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
    // A window with 2 requests left that resets in two to three seconds (whole
    // seconds, as the API sends them).
    const auto reset = std::chrono::system_clock::now() + std::chrono::seconds(3);
    mock->enqueue(reply::default_reply()
                      .header("anthropic-ratelimit-requests-limit", "50")
                      .header("anthropic-ratelimit-requests-remaining", "2")
                      .header("anthropic-ratelimit-requests-reset", rfc3339(reset)));
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
