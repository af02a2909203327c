// anthropic-cli --batch: one request per input line, `concurrency` of them in
// flight on one thread, one result line per request written in input order.
//
// Results are written as soon as every earlier line has its result, so a long
// batch produces output (and keeps little in memory) while it runs.
#pragma once

#include "arguments.hpp"
#include "output.hpp"
#include "request_builder.hpp"

#include <anthropic/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

namespace anthropic_cli {

/// The non-blank lines of a JSONL text, with their 1-based line numbers.
struct batch_line {
  std::size_t number;
  std::string text;
};

inline std::vector<batch_line> split_batch_lines(std::string_view text) {
  std::vector<batch_line> lines;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.push_back({number, std::string(line)});
  }
  return lines;
}

namespace detail {

using clock = std::chrono::steady_clock;

/// A request streamed to its end: the accumulated message, or the error with
/// `diag` (the response head in diag.response either way).
inline boost::asio::awaitable<boost::system::error_code> streamed_message(anthropic::client& client,
                                                                        const anthropic::message_request& req,
                                                                        anthropic::diagnostics& diag,
                                                                        anthropic::message& out) {
  constexpr auto no_throw = boost::asio::as_tuple(boost::asio::use_awaitable);
  auto [ec, stream] = co_await client.async_stream(req, diag, no_throw);
  if (ec) co_return ec;
  const anthropic::response_metadata head = stream.response();
  for (;;) {
    auto [next_ec, event] = co_await stream.async_next(diag, no_throw);
    if (next_ec) {
      diag.response = head;
      co_return next_ec;
    }
    if (!event) break;
  }
  out = stream.take_message();
  diag.response = head;
  co_return boost::system::error_code{};
}

/// What the workers share. Everything runs on one thread: no locking.
struct batch_state {
  const cli_arguments& args;
  anthropic::client& client;
  std::ostream& out;
  std::vector<batch_line> lines;
  std::vector<std::optional<std::string>> results;  // filled out of order
  std::size_t next_to_start = 0;
  std::size_t next_to_write = 0;
  std::size_t done = 0;
  std::size_t errors = 0;
  exit_status worst = exit_success;
  std::size_t workers_running = 0;
  boost::asio::steady_timer all_done;  // cancelled by the last worker to finish
  bool show_progress;
  clock::time_point started = clock::now();
  clock::time_point last_progress{};

  batch_state(const cli_arguments& a, anthropic::client& c, std::ostream& o, std::vector<batch_line> l,
              bool progress)
      : args(a),
        client(c),
        out(o),
        lines(std::move(l)),
        results(lines.size()),
        all_done(c.get_executor(), clock::time_point::max()),
        show_progress(progress) {}

  void record(std::size_t index, std::string line, exit_status status) {
    results[index] = std::move(line);
    ++done;
    if (status != exit_success) {
      ++errors;
      worst = std::max(worst, status);
    }
    while (next_to_write < results.size() && results[next_to_write]) {
      out << *results[next_to_write] << '\n';
      results[next_to_write].reset();  // written: free it
      ++next_to_write;
    }
    out.flush();
    progress(false);
  }

  // "[ 120/1000]  37.5 req/s  2 errors" on one self-overwriting stderr line,
  // at most ten times a second.
  void progress(bool final) {
    if (!show_progress) return;
    auto now = clock::now();
    if (!final && now - last_progress < std::chrono::milliseconds(100)) return;
    last_progress = now;
    double seconds = std::chrono::duration<double>(now - started).count();
    std::fprintf(stderr, "\r[%zu/%zu] %.1f req/s, %zu error%s", done, lines.size(),
                 seconds > 0 ? static_cast<double>(done) / seconds : 0.0, errors, errors == 1 ? "" : "s");
    if (final) std::fputc('\n', stderr);
    std::fflush(stderr);
  }
};

inline boost::asio::awaitable<void> batch_worker(std::shared_ptr<batch_state> state) {
  while (state->next_to_start < state->lines.size()) {
    const std::size_t index = state->next_to_start++;
    const batch_line& line = state->lines[index];
    anthropic::message_request req;
    std::string problem = build_request(line.text, "line " + std::to_string(line.number), state->args, {}, req);
    if (!problem.empty()) {
      state->record(index, usage_error_json(problem), exit_usage);
      continue;
    }
    anthropic::diagnostics diag;
    anthropic::message msg;
    boost::system::error_code ec;
    // --stream: each reply streamed and accumulated (the client streams a
    // create whose max_tokens needs it anyway).
    if (state->args.stream.value_or(false))
      ec = co_await streamed_message(state->client, req, diag, msg);
    else
      std::tie(ec, msg) = co_await state->client.async_create(req, diag, boost::asio::as_tuple(boost::asio::use_awaitable));
    const bool with_response = state->args.include_headers;
    if (ec)
      state->record(index, error_json(ec, diag, with_response), exit_status_for(ec));
    else
      state->record(index, message_json(msg, with_response ? &diag.response : nullptr), exit_success);
  }
  if (--state->workers_running == 0) state->all_done.cancel();
}

}  // namespace detail

/// Runs every line through `client`, `concurrency` at a time, writing one line
/// per input line to `out` in input order: the message JSON, or an error object
/// (see error_json; a line that is not a valid request gets type "usage_error").
/// Returns exit_success when every request succeeded, else the most severe
/// failure's status (transport > usage > API error).
inline boost::asio::awaitable<exit_status> run_batch(anthropic::client& client, const cli_arguments& args,
                                                     std::vector<batch_line> lines, std::ostream& out,
                                                     bool show_progress) {
  auto state = std::make_shared<detail::batch_state>(args, client, out, std::move(lines), show_progress);
  if (state->lines.empty()) co_return exit_success;
  const std::size_t workers = std::min(args.concurrency.value_or(4), state->lines.size());
  state->workers_running = workers;
  auto ex = co_await boost::asio::this_coro::executor;
  for (std::size_t i = 0; i < workers; ++i) boost::asio::co_spawn(ex, detail::batch_worker(state), boost::asio::detached);
  co_await state->all_done.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  state->progress(true);
  co_return state->worst;
}

}  // namespace anthropic_cli
