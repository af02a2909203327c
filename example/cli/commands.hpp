// anthropic-cli's commands: models, batches, files and mock-server (see usage_text).
// Each prints JSON on stdout (one object per line for lists) and fails the way
// a prompt does: an error line on stderr (or a JSON error object with --json)
// and the exit status of output.hpp.
#pragma once

#include "arguments.hpp"
#include "batch_runner.hpp"
#include "output.hpp"
#include "request_builder.hpp"

#include <anthropic/client.hpp>
#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/system/errc.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace anthropic_cli {

/// The whole of a file, or of stdin for "-"; nullopt when it cannot be read.
inline std::optional<std::string> read_all(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(file), {});
}

inline int usage_error(const std::string& message) {
  std::cerr << "anthropic-cli: " << message << "\n\n" << usage_text;
  return exit_usage;
}

/// Reports a failed request the way the output mode wants it.
inline int report_failure(const cli_arguments& args, const boost::system::error_code& ec,
                          const anthropic::diagnostics& diag) {
  if (args.json)
    std::cout << error_json(ec, diag, args.include_headers) << std::endl;
  else
    std::cerr << error_line(ec, diag) << std::endl;
  return exit_status_for(ec);
}

/// One typed value as a line of printable JSON.
template <class T>
std::string typed_json_line(const T& value) {
  return json_line(boost::json::serialize(boost::json::value_from(value)));
}

namespace detail {

using boost::asio::as_tuple;
using boost::asio::use_awaitable;

/// The requests of a batch file: {"custom_id", "params"} lines, request bodies
/// or prompt strings (ids "line-N"), completed by the flags. "" or a problem.
inline std::string batch_requests_from(std::string_view text, const cli_arguments& args,
                                       std::vector<anthropic::batch_request>& out) {
  for (const auto& line : split_batch_lines(text)) {
    const std::string where = "line " + std::to_string(line.number);
    std::string custom_id = "line-" + std::to_string(line.number);
    std::string body = line.text;
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(line.text, ec);
    if (const auto* object = ec ? nullptr : parsed.if_object(); object && object->contains("params")) {
      const auto* id = object->if_contains("custom_id");
      if (!id || !id->is_string()) return where + ": \"custom_id\" must be a string beside \"params\"";
      custom_id = std::string(id->get_string());
      body = boost::json::serialize(object->at("params"));
    }
    anthropic::batch_request request{std::move(custom_id), {}};
    if (auto problem = build_request(body, where, args, "", request.params); !problem.empty()) return problem;
    out.push_back(std::move(request));
  }
  if (out.empty()) return "the batch file has no request";
  return {};
}

/// Every item of a list, one JSON line each, pages fetched as needed.
template <class Pager>
boost::asio::awaitable<int> print_every(Pager pager, const cli_arguments& args) {
  anthropic::diagnostics diag;
  for (;;) {
    auto [ec, item] = co_await pager.async_next(diag, as_tuple(use_awaitable));
    if (ec) co_return report_failure(args, ec, diag);
    if (!item) break;
    std::cout << typed_json_line(*item) << '\n';
  }
  std::cout << std::flush;
  co_return exit_success;
}

inline boost::asio::awaitable<int> models_command(anthropic::client& client, const cli_arguments& args) {
  const auto& words = args.command_words;
  anthropic::diagnostics diag;
  if (words.size() == 2 && words[0] == "get") {
    auto [ec, model] = co_await client.async_get_model(words[1], diag, as_tuple(use_awaitable));
    if (ec) co_return report_failure(args, ec, diag);
    std::cout << typed_json_line(model) << std::endl;
    co_return exit_success;
  }
  if (!(words.empty() || (words.size() == 1 && words[0] == "list")))
    co_return usage_error("models takes 'list' or 'get ID'");
  // (The pager is named first: g++ 12 destroys a temporary argument of a
  // co_await expression twice.)
  auto models = client.list_all_models();
  co_return co_await print_every(std::move(models), args);
}

inline boost::asio::awaitable<int> wait_for_batch(anthropic::client& client, const cli_arguments& args,
                                                  const std::string& id) {
  const bool show_progress = isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  anthropic::batch_wait_options wait;
  wait.initial_interval = std::chrono::seconds(1);
  wait.on_progress = [&](const anthropic::message_batch& b) {
    if (!show_progress) return;
    const auto& c = b.request_counts;
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    std::cerr << "\r" << b.processing_status << ": " << c.succeeded << " succeeded, " << c.errored << " errored, "
              << c.processing << " processing (" << elapsed.count() << " s)   " << std::flush;
  };
  anthropic::diagnostics diag;
  auto [ec, batch] = co_await client.async_wait_batch(id, wait, diag, as_tuple(use_awaitable));
  if (show_progress) std::cerr << "\n";
  if (ec) co_return report_failure(args, ec, diag);
  std::cout << typed_json_line(batch) << std::endl;
  co_return exit_success;
}

inline boost::asio::awaitable<int> batch_results_command(anthropic::client& client, const cli_arguments& args,
                                                         const std::string& id) {
  anthropic::diagnostics diag;
  auto [ec, results] = co_await client.async_batch_results(id, diag, as_tuple(use_awaitable));
  if (ec) co_return report_failure(args, ec, diag);
  for (;;) {
    auto [next_ec, line] = co_await results.async_next(diag, as_tuple(use_awaitable));
    if (next_ec) {
      std::cout << std::flush;
      co_return report_failure(args, next_ec, diag);
    }
    if (!line) break;
    std::cout << typed_json_line(*line) << '\n';
  }
  std::cout << std::flush;
  co_return exit_success;
}

inline boost::asio::awaitable<int> batches_command(anthropic::client& client, const cli_arguments& args) {
  const auto& words = args.command_words;
  const std::string verb = words.empty() ? "" : words[0];
  anthropic::diagnostics diag;
  if (words.size() == 1 && verb == "list") {
    auto batches = client.list_all_batches();
    co_return co_await print_every(std::move(batches), args);
  }
  if (words.size() != 2) co_return usage_error("batches takes create FILE, get ID, list, cancel ID, delete ID, wait ID or results ID");
  const std::string& operand = words[1];
  if (verb == "create") {
    auto text = read_all(operand);
    if (!text) co_return usage_error("batches create: cannot read '" + operand + "'");
    std::vector<anthropic::batch_request> requests;
    if (auto problem = batch_requests_from(*text, args, requests); !problem.empty()) co_return usage_error(problem);
    auto [ec, batch] = co_await client.async_create_batch(requests, diag, as_tuple(use_awaitable));
    if (ec) co_return report_failure(args, ec, diag);
    std::cout << typed_json_line(batch) << std::endl;
    co_return exit_success;
  }
  if (verb == "wait") co_return co_await wait_for_batch(client, args, operand);
  if (verb == "results") co_return co_await batch_results_command(client, args, operand);
  if (verb == "delete") {
    auto [ec, gone] = co_await client.async_delete_batch(operand, diag, as_tuple(use_awaitable));
    if (ec) co_return report_failure(args, ec, diag);
    std::cout << typed_json_line(gone) << std::endl;
    co_return exit_success;
  }
  if (verb != "get" && verb != "cancel") co_return usage_error("batches: unknown command '" + verb + "'");
  // (Two statements, not `co_await (c ? a : b)`: g++ 12 miscompiles awaitables in a conditional.)
  boost::system::error_code ec;
  anthropic::message_batch batch;
  if (verb == "get")
    std::tie(ec, batch) = co_await client.async_get_batch(operand, diag, as_tuple(use_awaitable));
  else
    std::tie(ec, batch) = co_await client.async_cancel_batch(operand, diag, as_tuple(use_awaitable));
  if (ec) co_return report_failure(args, ec, diag);
  std::cout << typed_json_line(batch) << std::endl;
  co_return exit_success;
}

inline boost::asio::awaitable<int> files_command(anthropic::client& client, const cli_arguments& args) {
  const auto& words = args.command_words;
  const std::string verb = words.empty() ? "" : words[0];
  anthropic::diagnostics diag;
  if (words.size() == 1 && verb == "list") {
    auto files = client.list_all_files();
    co_return co_await print_every(std::move(files), args);
  }
  if (words.size() != 2) co_return usage_error("files takes upload PATH, list, get ID, download ID [-o PATH] or delete ID");
  const std::string& operand = words[1];
  if (verb == "upload" || verb == "get") {
    // (Two statements, not `co_await (c ? a : b)`: g++ 12 miscompiles awaitables in a conditional.)
    boost::system::error_code ec;
    anthropic::file_metadata file;
    if (verb == "upload") {
      const auto upload = anthropic::file_upload::from_path(operand);
      std::tie(ec, file) = co_await client.async_upload_file(upload, diag, as_tuple(use_awaitable));
    } else {
      std::tie(ec, file) = co_await client.async_get_file(operand, diag, as_tuple(use_awaitable));
    }
    if (ec == anthropic::client_errc::invalid_argument) co_return usage_error("files " + verb + ": " + diag.client_message);
    if (ec) co_return report_failure(args, ec, diag);
    std::cout << typed_json_line(file) << std::endl;
    co_return exit_success;
  }
  if (verb == "delete") {
    auto [ec, gone] = co_await client.async_delete_file(operand, diag, as_tuple(use_awaitable));
    if (ec) co_return report_failure(args, ec, diag);
    std::cout << typed_json_line(gone) << std::endl;
    co_return exit_success;
  }
  if (verb != "download") co_return usage_error("files: unknown command '" + verb + "'");
  if (!args.output) {
    // The bytes themselves on stdout, as they arrive.
    auto [ec, bytes] = co_await client.async_download_file(
        operand,
        [](std::string_view piece) {
          std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
          return std::cout ? boost::system::error_code{} : make_error_code(boost::system::errc::io_error);
        },
        diag, as_tuple(use_awaitable));
    std::cout << std::flush;
    if (ec) co_return report_failure(args, ec, diag);
    co_return exit_success;
  }
  auto [ec, bytes] = co_await client.async_download_file_to(operand, *args.output, diag, as_tuple(use_awaitable));
  if (ec == anthropic::client_errc::invalid_argument) co_return usage_error("-o: " + diag.client_message);
  if (ec) co_return report_failure(args, ec, diag);
  boost::json::object done{{"id", operand}, {"path", *args.output}, {"size_bytes", bytes}};
  std::cout << json_line(boost::json::serialize(done)) << std::endl;
  co_return exit_success;
}

}  // namespace detail

/// models, batches or files, with a client.
inline boost::asio::awaitable<int> run_command(anthropic::client& client, const cli_arguments& args) {
  if (args.command == "models") co_return co_await detail::models_command(client, args);
  if (args.command == "files") co_return co_await detail::files_command(client, args);
  co_return co_await detail::batches_command(client, args);
}

/// mock-server: serves on `ex` until SIGINT or SIGTERM.
inline boost::asio::awaitable<int> serve_mock(const cli_arguments& args, boost::asio::any_io_executor ex) {
  anthropic::testing::mock_server_options opts;
  opts.use_tls = !args.http;
  opts.port = args.port.value_or(0);
  std::optional<anthropic::testing::mock_server> server;
  try {
    server.emplace(ex, opts);
  } catch (const std::exception& e) {
    std::cerr << "anthropic-cli: mock-server: " << e.what() << std::endl;
    co_return exit_transport;
  }
  if (args.ca_out) {
    std::ofstream ca(*args.ca_out, std::ios::binary | std::ios::trunc);
    if (!(ca << server->ca_pem()) || !ca.flush()) co_return usage_error("--ca-out: cannot write '" + *args.ca_out + "'");
  }
  std::cout << server->base_url() << std::endl;
  boost::asio::signal_set signals(ex, SIGINT, SIGTERM);
  auto [ec, signal] = co_await signals.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  (void)ec;
  (void)signal;
  server->stop();
  co_return exit_success;
}

}  // namespace anthropic_cli
