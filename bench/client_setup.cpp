// Benchmark: what making an HTTPS client costs, in CPU and heap, before it opens
// any connection.
//
// Three cases, in this order, each client kept alive to the end:
//  - first:   the process's first client, without CAs of its own; it parses
//             the system trust store, which every later client reuses;
//  - sharing: further clients without CAs of their own, which use that store;
//  - owning:  clients that add one CA (tls.ca_pem), so that each holds a store
//             of its own: the system's CAs taken from the parsed one, plus the
//             extra one.
// The system store is the machine's (SSL_CERT_FILE / SSL_CERT_DIR honoured);
// `certificates` says how many it holds.
//
// Usage: bench_client_setup [clients-per-case (default 50)]
// Prints one JSON line: CPU milliseconds and heap kilobytes per client, per case.
#include <anthropic/client.hpp>
#include <anthropic/detail/io/tls.hpp>
#include <anthropic/testing/detail/test_certificate.hpp>

#include <boost/asio/io_context.hpp>

#include <openssl/x509_vfy.h>

#include <malloc.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <list>
#include <string>

namespace {

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double heap_kb() {
  const auto info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd) / 1024.0;
}

struct cost {
  double cpu_ms = 0, heap_kb = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const int per_case = argc > 1 ? std::atoi(argv[1]) : 50;
  if (per_case <= 0) {
    std::fprintf(stderr, "usage: bench_client_setup [clients-per-case]\n");
    return 2;
  }
  boost::asio::io_context io;
  anthropic::client_options sharing;
  sharing.base_url = "https://api.anthropic.com";  // never contacted: no request is made
  sharing.api_key = "bench-key";
  anthropic::client_options owning = sharing;
  owning.tls.ca_pem = anthropic::testing::detail::test_certificate({"localhost"}).ca_pem;

  std::list<anthropic::client> clients;
  auto measure = [&](const anthropic::client_options& opts, int count) {
    const double cpu0 = cpu_ms(), heap0 = heap_kb();
    for (int i = 0; i < count; ++i) clients.emplace_back(io.get_executor(), opts);
    return cost{(cpu_ms() - cpu0) / count, (heap_kb() - heap0) / count};
  };
  const cost first = measure(sharing, 1);
  const cost shared = measure(sharing, per_case);
  const cost own = measure(owning, per_case);

  // The store the clients reuse, parsed by the first of them.
  X509_STORE* system = anthropic::detail::shared_system_trust_store();
  const int certificates = system ? sk_X509_OBJECT_num(X509_STORE_get0_objects(system)) : 0;

  std::printf(
      "{\"clients_per_case\":%d,\"certificates\":%d,"
      "\"first\":{\"cpu_ms\":%.3f,\"heap_kb\":%.1f},"
      "\"sharing\":{\"cpu_ms\":%.3f,\"heap_kb\":%.1f},"
      "\"owning\":{\"cpu_ms\":%.3f,\"heap_kb\":%.1f}}\n",
      per_case, certificates, first.cpu_ms, first.heap_kb, shared.cpu_ms, shared.heap_kb, own.cpu_ms, own.heap_kb);
}
