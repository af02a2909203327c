// anthropic-cli: the Messages API from the command line (see `anthropic-cli --help`
// and README.md, "Command-line tool"). Everything runs on one io_context thread.
#include "arguments.hpp"
#include "batch_runner.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "request_builder.hpp"

#include <anthropic/client.hpp>
#include <anthropic/safe_text.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

namespace {

using namespace anthropic_cli;
using boost::asio::as_tuple;
using boost::asio::use_awaitable;

/// One streamed request: deltas (or raw events) to stdout as they arrive.
boost::asio::awaitable<int> run_stream(anthropic::client& client, const anthropic::message_request& req,
                                       const cli_arguments& args) {
  anthropic::diagnostics diag;
  auto [ec, stream] = co_await client.async_stream(req, diag, as_tuple(use_awaitable));
  if (ec) co_return report_failure(args, ec, diag);
  // Model output keeps its line breaks and tabs; every other control character
  // is shown, not obeyed (anthropic/safe_text.hpp).
  anthropic::printable_stream screen(anthropic::printable_layout::lines);
  bool line_open = false;  // text printed without a final newline yet
  auto print = [&](const std::string& text) {
    if (text.empty()) return;
    std::cout << text << std::flush;
    line_open = text.back() != '\n';
  };
  for (;;) {
    auto [next_ec, event] = co_await stream.async_next(diag, as_tuple(use_awaitable));
    if (next_ec) {
      print(screen.finish());
      if (line_open) std::cout << std::endl;  // the error line must not glue onto the text
      co_return report_failure(args, next_ec, diag);
    }
    if (!event) break;
    if (args.events) {
      std::cout << json_line(event->raw_json()) << std::endl;
    } else if (!args.json) {
      if (auto text = event->text_delta()) print(screen.append(*text));
    }
  }
  print(screen.finish());
  if (args.json)
    std::cout << message_json(stream.message(), args.include_headers ? &stream.response() : nullptr) << std::endl;
  else if (line_open) std::cout << std::endl;
  co_return exit_success;
}

/// One request answered in one piece.
boost::asio::awaitable<int> run_create(anthropic::client& client, const anthropic::message_request& req,
                                       const cli_arguments& args) {
  anthropic::diagnostics diag;
  auto [ec, msg] = co_await client.async_create(req, diag, as_tuple(use_awaitable));
  if (ec) co_return report_failure(args, ec, diag);
  if (args.json) {
    std::cout << message_json(msg, args.include_headers ? &diag.response : nullptr) << std::endl;
  } else {
    std::string text = anthropic::printable(msg.text(), anthropic::printable_layout::lines);
    std::cout << text << (text.empty() || text.back() != '\n' ? "\n" : "") << std::flush;
  }
  co_return exit_success;
}

boost::asio::awaitable<int> run(const cli_arguments& args) {
  auto ex = co_await boost::asio::this_coro::executor;
  if (args.command == "mock-server") co_return co_await serve_mock(args, ex);
  client_setup setup = make_client_setup(args, ex);
  // The mock server serves on this thread: stop it however this coroutine ends,
  // so that io_context::run() returns.
  struct stop_mock {
    client_setup& s;
    ~stop_mock() {
      if (s.mock) s.mock->stop();
    }
  } stopper{setup};
  if (!setup.error.empty()) co_return usage_error(setup.error);
  anthropic::client client(ex, setup.options);
  if (!args.command.empty()) co_return co_await run_command(client, args);

  if (args.batch_file) {
    auto text = read_all(*args.batch_file);
    if (!text) co_return usage_error("--batch: cannot read '" + *args.batch_file + "'");
    co_return co_await run_batch(client, args, split_batch_lines(*text), std::cout, isatty(STDERR_FILENO) == 1);
  }

  std::string body;
  if (args.request_file) {
    auto text = read_all(*args.request_file);
    if (!text) co_return usage_error("--request: cannot read '" + *args.request_file + "'");
    body = std::move(*text);
  }
  std::string prompt;
  for (const auto& word : args.prompt_words) prompt += (prompt.empty() ? "" : " ") + word;
  if (prompt.empty() && !args.request_file && isatty(STDIN_FILENO) != 1) {
    prompt = *read_all("-");
    while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == '\r')) prompt.pop_back();
  }
  anthropic::message_request req;
  if (auto problem = build_request(body, "the --request body", args, prompt, req); !problem.empty())
    co_return usage_error(problem);

  // --stream / --no-stream win, then the body's "stream", then streaming.
  const bool stream = args.events || args.stream.value_or(req.stream.value_or(true));
  req.stream.reset();  // the client sets it per call
  // (An if rather than `co_await (c ? a : b)`: g++ 12 miscompiles awaitables in a conditional.)
  if (stream) co_return co_await run_stream(client, req, args);
  co_return co_await run_create(client, req, args);
}

}  // namespace

int main(int argc, char** argv) {
  parse_outcome parsed = parse_arguments(argc, argv);
  if (!parsed.error.empty()) return usage_error(parsed.error);
  if (parsed.args.help) {
    std::cout << usage_text;
    return exit_success;
  }
  boost::asio::io_context io(1);
  int status = exit_transport;
  boost::asio::co_spawn(io, run(parsed.args), [&](std::exception_ptr error, int result) {
    status = result;
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        std::cerr << "anthropic-cli: " << anthropic::printable(e.what()) << std::endl;
        status = exit_transport;
      }
    }
  });
  io.run();
  return status;
}
