// bench_mock_server: anthropic::testing::mock_server in a process of its own, the
// one server both benchmark clients (this library's bench_client_load and the
// official TypeScript SDK's bench/sdk/load.mjs) talk to. bench/run.sh pins it to
// one core with taskset, so that the client under test has the other core.
//
// Every request gets the server's default reply: a text message of
// --tokens text deltas, cut to the request's max_tokens, so one server serves
// long streams (max_tokens 20000) and short ones (max_tokens 4: 10 events)
// alike.
//
//   bench_mock_server [--plain] [--tokens N] [--event-delay-ms D] [--bulk-replies K]
//                     [--ca-out FILE]
//
// --bulk-replies K: the first K requests get the same default stream (--tokens
// text deltas) as one pre-rendered body, written at once with a Content-Length,
// instead of one write per event. The client then finds many events in every
// read (and in every TLS record), so what is measured is its own processing
// speed rather than the server's pace.
//
// Prints the base URL on the first line of stdout once it listens (and, with
// TLS, writes the CA certificate clients must trust to FILE); serves until
// SIGTERM or SIGINT.
#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

namespace {

// 10,000 concurrent streams need 10,000 descriptors plus the listener.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

[[noreturn]] void usage() {
  std::cerr << "usage: bench_mock_server [--plain] [--tokens N] [--event-delay-ms D] [--bulk-replies K] "
               "[--ca-out FILE]\n";
  std::exit(2);
}

// The transcript the server streams for the benchmark's request (see
// bench/client_load.cpp), every event back to back.
std::string bulk_transcript(std::size_t tokens) {
  namespace td = anthropic::testing::detail;
  boost::json::object request{
      {"model", "claude-sonnet-4-6"},
      {"max_tokens", static_cast<std::int64_t>(tokens)},  // the mock reads an int64
      {"messages", boost::json::array{boost::json::object{{"role", "user"},
                                                          {"content", "Write a story about a lighthouse keeper."}}}}};
  std::string transcript;
  for (const auto& event : td::message_events(td::plan_message(request, tokens, "msg_bulk00000000000000000001")))
    transcript += event;
  return transcript;
}

}  // namespace

int main(int argc, char** argv) {
  anthropic::testing::mock_server_options options;
  options.tokens_per_reply = 20000;
  std::string ca_out;
  std::size_t bulk_replies = 0;
  for (int i = 1; i < argc; ++i) {
    auto value = [&] {
      if (i + 1 >= argc) usage();
      return std::string(argv[++i]);
    };
    if (!std::strcmp(argv[i], "--plain"))
      options.use_tls = false;
    else if (!std::strcmp(argv[i], "--tokens"))
      options.tokens_per_reply = std::stoul(value());
    else if (!std::strcmp(argv[i], "--event-delay-ms"))
      options.event_delay = std::chrono::milliseconds(std::stol(value()));
    else if (!std::strcmp(argv[i], "--bulk-replies"))
      bulk_replies = std::stoul(value());
    else if (!std::strcmp(argv[i], "--ca-out"))
      ca_out = value();
    else
      usage();
  }
  raise_descriptor_limit();

  boost::asio::io_context io(1);
  anthropic::testing::mock_server server(io.get_executor(), options);
  if (!ca_out.empty()) std::ofstream(ca_out) << server.ca_pem();
  if (bulk_replies > 0)
    server.enqueue(anthropic::testing::reply::json(bulk_transcript(options.tokens_per_reply))
                       .header("content-type", "text/event-stream"),
                   bulk_replies);

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code, int) { server.stop(); });

  std::cout << server.base_url() << std::endl;
  io.run();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::fprintf(stderr, "bench_mock_server: %zu connections, cpu %.2f s, max rss %ld kB\n",
               server.connections_accepted(),
               static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                   static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6,
               usage.ru_maxrss);
  return 0;
}
