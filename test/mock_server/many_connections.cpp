// mock_server holds 10,000 concurrent streams on one thread, and this test
// writes down what each costs. The server runs in a forked child process, so
// its resident memory is measured apart from the clients: RSS of the child
// after N streams have started (each paused after message_start by a long
// event_delay), minus its RSS before the first connection, divided by N.
//
// ANTHROPIC_MOCK_CONNECTIONS overrides N (default 10,000; 500 in sanitizer builds,
// whose allocator changes the figures anyway).
#include "http_test_client.hpp"

#include <support/allocation_counter.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

using namespace mock_test;
using anthropic::testing::mock_server;
using anthropic::testing::mock_server_options;

namespace {

// A field of /proc/<pid>/status, e.g. "VmRSS" (in kB) or "Threads".
long proc_status_field(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  return -1;
}

// Forks a process that runs a mock_server on its main thread only; returns its
// pid and port. Every stream pauses for ten minutes after its first event.
std::pair<pid_t, unsigned short> fork_server(bool tls) {
  int fds[2];
  BOOST_TEST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  BOOST_TEST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    net::io_context io(1);
    mock_server_options opts;
    opts.use_tls = tls;
    opts.event_delay = std::chrono::minutes(10);
    mock_server server(io.get_executor(), opts);
    unsigned short port = server.port();
    if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(1);
    ::close(fds[1]);
    io.run();
    ::_exit(0);
  }
  ::close(fds[1]);
  unsigned short port = 0;
  bool got_port = ::read(fds[0], &port, sizeof port) == sizeof port;
  ::close(fds[0]);
  BOOST_TEST_REQUIRE(got_port);
  return {pid, port};
}

using tls_stream = net::ssl::stream<net::ip::tcp::socket>;

// Opens streams one after another until `remaining` reaches zero; several of
// these run at once. Each stream stays open (owned by `open`) once its
// message_start arrived.
net::awaitable<void> open_streams(net::ip::tcp::endpoint ep, net::ssl::context* tls, std::size_t& remaining,
                                  std::size_t& ready, std::vector<std::shared_ptr<void>>& open) {
  auto ex = co_await net::this_coro::executor;
  const std::string request =
      "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(message_body("hi", true).size()) + "\r\n\r\n" + message_body("hi", true);
  while (remaining > 0) {
    --remaining;
    auto read_first_event = [&](auto& stream) -> net::awaitable<bool> {
      auto [wec, wn] = co_await net::async_write(stream, net::buffer(request), net::as_tuple(net::use_awaitable));
      if (wec) co_return false;
      std::string received;
      char buf[2048];
      while (received.find("event: message_start") == std::string::npos) {
        auto [ec, n] = co_await stream.async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
        if (ec) co_return false;
        received.append(buf, n);
      }
      co_return true;
    };
    if (tls) {
      auto stream = std::make_shared<tls_stream>(ex, *tls);
      auto [ec] = co_await stream->next_layer().async_connect(ep, net::as_tuple(net::use_awaitable));
      if (ec) continue;
      auto [hec] = co_await stream->async_handshake(net::ssl::stream_base::client, net::as_tuple(net::use_awaitable));
      if (hec || !co_await read_first_event(*stream)) continue;
      open.push_back(stream);
    } else {
      auto socket = std::make_shared<net::ip::tcp::socket>(ex);
      auto [ec] = co_await socket->async_connect(ep, net::as_tuple(net::use_awaitable));
      if (ec || !co_await read_first_event(*socket)) continue;
      open.push_back(socket);
    }
    ++ready;
  }
}

struct measurement {
  std::size_t streams = 0;
  long rss_before_kb = 0, rss_after_kb = 0, threads = 0;
  double seconds = 0;
};

measurement hold_streams(bool tls, std::size_t n) {
  auto [pid, port] = fork_server(tls);
  measurement m;
  m.rss_before_kb = proc_status_field(pid, "VmRSS");
  net::io_context io(1);
  net::ssl::context ctx(net::ssl::context::tls_client);  // load generator: no verification needed
  std::size_t remaining = n;
  std::vector<std::shared_ptr<void>> open;
  open.reserve(n);
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  auto started = clock::now();
  // 100 openers at a time: fast, without overflowing the listen backlog.
  for (int i = 0; i < 100; ++i)
    net::co_spawn(io, open_streams(ep, tls ? &ctx : nullptr, remaining, m.streams, open), net::detached);
  io.run_for(std::chrono::minutes(3));
  m.seconds = std::chrono::duration<double>(clock::now() - started).count();
  m.rss_after_kb = proc_status_field(pid, "VmRSS");
  m.threads = proc_status_field(pid, "Threads");
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ten_thousand_concurrent_streams_on_one_thread) {
  std::size_t n = anthropic::test::allocation_counting_enabled() ? 10'000 : 500;
  if (const char* env = std::getenv("ANTHROPIC_MOCK_CONNECTIONS")) n = std::strtoul(env, nullptr, 10);

  // Each stream takes a descriptor on each side (two processes, but the limit
  // is inherited): raise the soft limit to the hard one.
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < n + 100) {
    BOOST_TEST_MESSAGE("RLIMIT_NOFILE is " << limit.rlim_cur << ": testing " << limit.rlim_cur - 100 << " streams");
    n = limit.rlim_cur - 100;
  }

  for (bool tls : {false, true}) {
    auto m = hold_streams(tls, n);
    double per_stream_kb = double(m.rss_after_kb - m.rss_before_kb) / double(m.streams ? m.streams : 1);
    BOOST_TEST_MESSAGE((tls ? "TLS  " : "HTTP ") << m.streams << " concurrent streams on " << m.threads
                                                 << " thread(s) in " << m.seconds << " s; server RSS "
                                                 << m.rss_before_kb << " kB -> " << m.rss_after_kb << " kB = "
                                                 << per_stream_kb << " kB per stream");
    BOOST_TEST(m.streams == n);
    BOOST_TEST(m.threads == 1);
    // Bounds well above the measured figures (see the message), low enough to
    // catch a per-connection buffer of 64 kB or more. Sanitizer allocators pad
    // every block, so their figures only get reported.
    if (anthropic::test::allocation_counting_enabled()) BOOST_TEST(per_stream_kb < (tls ? 96.0 : 16.0));
  }
}
