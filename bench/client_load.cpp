// bench_client_load: this library's side of the SDK comparison (bench/run.sh).
// The SDK's side is bench/sdk/load.mjs; both take the same arguments and print
// the same one-line JSON record, so the driver can put them side by side.
//
//   bench_client_load --url URL [--ca FILE] --mode stream|create --requests N
//                     --concurrency C [--max-tokens T] [--max-handshakes H]
//
// C workers (coroutines on one io_context thread) take requests from a shared
// count until N were made. A streamed request reads every event with
// async_next (which also folds it into the final message, as the SDK's
// finalMessage() does) and checks the final message; a create checks the
// returned message. The record gives the process's own CPU time (user + sys)
// and its peak RSS, both from getrusage, around the workload only (cpu_s) and
// for the whole process (process_cpu_s), and the most streams that were open
// at the same time (peak_open: after the first event, before the last).
#include <anthropic/client.hpp>
#include <anthropic/types/builders.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>

namespace asio = boost::asio;

namespace {

struct load_options {
  std::string url;
  std::string ca_file;
  bool stream = true;
  std::size_t requests = 100;
  std::size_t concurrency = 10;
  std::uint64_t max_tokens = 20000;
  std::optional<std::size_t> max_handshakes;  // client_options::tls.max_handshakes_in_flight; the library's default if not given
};

struct load_totals {
  std::size_t started = 0;
  std::size_t ok = 0;
  std::size_t failed = 0;
  std::size_t events = 0;
  std::size_t text_bytes = 0;
  std::size_t open = 0;
  std::size_t peak_open = 0;
  std::string first_error;
};

double cpu_seconds(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

rusage own_usage() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u;
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void record_failure(load_totals& totals, const std::string& what) {
  if (totals.failed++ == 0) totals.first_error = what;
}

// A reply is good when it is a finished text message (the server cuts every
// reply at max_tokens, or ends it at end_turn for a short text).
bool good_reply(const anthropic::message& msg) { return msg.stop_reason.has_value() && !msg.text().empty(); }

asio::awaitable<void> worker(anthropic::client& client, const anthropic::message_request& req,
                             const load_options& opts, load_totals& totals) {
  while (totals.started < opts.requests) {
    ++totals.started;
    if (!opts.stream) {
      auto [ec, msg] = co_await client.async_create(req, asio::as_tuple(asio::use_awaitable));
      if (ec || !good_reply(msg)) {
        record_failure(totals, ec ? ec.message() : "incomplete message");
        continue;
      }
      totals.text_bytes += msg.content.empty() ? 0 : msg.text().size();
      ++totals.ok;
      continue;
    }
    auto [ec, stream] = co_await client.async_stream(req, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      record_failure(totals, ec.message());
      continue;
    }
    std::size_t events = 0;
    boost::system::error_code next_ec;
    for (;;) {
      auto [e, ev] = co_await stream.async_next(asio::as_tuple(asio::use_awaitable));
      if (e || !ev) {
        next_ec = e;
        break;
      }
      if (events++ == 0 && ++totals.open > totals.peak_open) totals.peak_open = totals.open;
    }
    if (events > 0) --totals.open;
    totals.events += events;
    if (next_ec || !good_reply(stream.message())) {
      record_failure(totals, next_ec ? next_ec.message() : "incomplete message");
      continue;
    }
    totals.text_bytes += stream.message().text().size();
    ++totals.ok;
  }
}

[[noreturn]] void usage() {
  std::cerr << "usage: bench_client_load --url URL [--ca FILE] --mode stream|create --requests N "
               "--concurrency C [--max-tokens T] [--max-handshakes H]\n";
  std::exit(2);
}

load_options parse(int argc, char** argv) {
  load_options opts;
  for (int i = 1; i < argc; ++i) {
    auto value = [&] {
      if (i + 1 >= argc) usage();
      return std::string(argv[++i]);
    };
    if (!std::strcmp(argv[i], "--url"))
      opts.url = value();
    else if (!std::strcmp(argv[i], "--ca"))
      opts.ca_file = value();
    else if (!std::strcmp(argv[i], "--mode")) {
      auto mode = value();
      if (mode != "stream" && mode != "create") usage();
      opts.stream = mode == "stream";
    } else if (!std::strcmp(argv[i], "--requests"))
      opts.requests = std::stoul(value());
    else if (!std::strcmp(argv[i], "--concurrency"))
      opts.concurrency = std::stoul(value());
    else if (!std::strcmp(argv[i], "--max-tokens"))
      opts.max_tokens = std::stoull(value());
    else if (!std::strcmp(argv[i], "--max-handshakes"))
      opts.max_handshakes = std::stoul(value());
    else
      usage();
  }
  if (opts.url.empty() || opts.concurrency == 0) usage();
  return opts;
}

}  // namespace

int main(int argc, char** argv) {
  const load_options opts = parse(argc, argv);
  raise_descriptor_limit();

  anthropic::client_options client_opts;
  client_opts.base_url = opts.url;
  client_opts.api_key = "bench-key";
  client_opts.max_connections = opts.concurrency;  // one connection per worker, as the SDK opens
  client_opts.retry.max_retries = 0;                // a failure must show, not be retried away
  if (opts.max_handshakes) client_opts.tls.max_handshakes_in_flight = *opts.max_handshakes;
  if (!opts.ca_file.empty()) {
    std::ifstream in(opts.ca_file);
    client_opts.tls.ca_pem.assign(std::istreambuf_iterator<char>(in), {});
  }

  const anthropic::message_request req{
      .model = "claude-sonnet-4-6",
      .max_tokens = opts.max_tokens,
      .messages = {anthropic::user("Write a story about a lighthouse keeper.")},
  };

  asio::io_context io(1);
  anthropic::client client(io, client_opts);
  load_totals totals;

  const rusage before = own_usage();
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t w = 0; w < opts.concurrency && w < opts.requests; ++w)
    asio::co_spawn(io, worker(client, req, opts, totals), asio::detached);
  io.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const rusage after = own_usage();

  std::string error = totals.first_error;
  for (char& c : error)
    if (c == '"' || c == '\\') c = '\'';
  std::printf(
      "{\"client\":\"anthropic-asio\",\"mode\":\"%s\",\"requests\":%zu,\"concurrency\":%zu,\"ok\":%zu,"
      "\"failed\":%zu,\"events\":%zu,\"text_bytes\":%zu,\"peak_open\":%zu,\"wall_s\":%.3f,\"cpu_s\":%.3f,"
      "\"process_cpu_s\":%.3f,\"maxrss_kb\":%ld,\"rss_before_kb\":%ld,\"first_error\":\"%s\"}\n",
      opts.stream ? "stream" : "create", opts.requests, opts.concurrency, totals.ok, totals.failed, totals.events,
      totals.text_bytes, totals.peak_open, wall, cpu_seconds(after) - cpu_seconds(before), cpu_seconds(after),
      after.ru_maxrss, before.ru_maxrss, error.c_str());
  return totals.failed == 0 ? 0 : 1;
}
