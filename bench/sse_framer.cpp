// Throughput of the SSE framer (anthropic::sse::parser) next to its ceiling, a
// plain memchr scan for LF over the same bytes in the same pieces.
//
//   (a) a realistic Anthropic text stream: ~120-byte content_block_delta events,
//       fed in 16 KiB pieces (about one event in a hundred straddles two pieces);
//   (b) 1 MiB events (one data line each), fed in 16 KiB pieces, so every event
//       is assembled in the parser's buffer.
//
// Usage: bench_sse_framer [megabytes per workload, default 64]
// Each figure is the best of 5 runs (framer and ceiling alternate). Results are recorded in bench/README.md.
#include <anthropic/sse/parser.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace {

constexpr std::size_t piece_size = 16 * 1024;
constexpr int runs = 5;

std::string text_stream(std::size_t bytes) {
  static const char* const words[] = {" Once", " upon", " a", " time,", " a", " small", " unicorn", " named",
                                      " Luna", " found", " a", " glowing", " star", " in", " the", " meadow."};
  std::string stream;
  stream.reserve(bytes + 256);
  for (std::size_t i = 0; stream.size() < bytes; ++i) {
    stream += "event: content_block_delta\n"
              "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"";
    stream += words[i % 16];
    stream += "\"}}\n\n";
  }
  return stream;
}

std::string big_event_stream(std::size_t bytes) {
  const std::string payload(1024 * 1024, 'x');
  std::string stream;
  stream.reserve(bytes + payload.size() + 64);
  while (stream.size() < bytes) {
    stream += "event: content_block_delta\ndata: ";
    stream += payload;
    stream += "\n\n";
  }
  return stream;
}

struct measurement {
  double seconds = 1e30;
  std::size_t events = 0;
};

template <class Work>
void time_once(Work work, measurement& best) {
  const auto start = std::chrono::steady_clock::now();
  best.events = work();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  best.seconds = std::min(best.seconds, elapsed.count());
}

// Best of `runs` for the framer and the ceiling, taken in alternation so that
// load from other processes on a shared machine hits both alike.
template <class Framer, class Ceiling>
std::pair<measurement, measurement> best_of(Framer framer, Ceiling ceiling) {
  std::pair<measurement, measurement> best;
  for (int run = 0; run < runs; ++run) {
    time_once(framer, best.first);
    time_once(ceiling, best.second);
  }
  return best;
}

// The framer, fed piece by piece; the checksum keeps the work observable.
std::size_t frame(std::string_view stream, std::size_t& checksum) {
  anthropic::sse::parser parser;
  boost::system::error_code ec;
  std::size_t events = 0;
  for (std::size_t at = 0; at < stream.size(); at += piece_size) {
    std::string_view input = stream.substr(at, piece_size);
    while (auto ev = parser.next(input, ec)) {
      ++events;
      checksum += ev->data.size() + ev->type.size();
    }
    if (ec) std::abort();
  }
  if (parser.finish()) std::abort();
  return events;
}

// The ceiling: find every LF with memchr, nothing else (empty lines counted as events).
std::size_t scan_lines(std::string_view stream, std::size_t& checksum) {
  std::size_t empty_lines = 0;
  bool line_empty = true;
  for (std::size_t at = 0; at < stream.size(); at += piece_size) {
    const std::string_view piece = stream.substr(at, piece_size);
    const char* p = piece.data();
    const char* const end = p + piece.size();
    while (p != end) {
      const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (!lf) {
        line_empty = false;
        break;
      }
      const char* eol = static_cast<const char*>(lf);
      if (eol == p && line_empty) ++empty_lines;
      line_empty = true;
      checksum += static_cast<std::size_t>(eol - p);
      p = eol + 1;
    }
  }
  return empty_lines;
}

void report(const char* workload, const char* method, std::size_t bytes, const measurement& m) {
  std::printf("%-28s %-16s %10.0f %14.0f\n", workload, method, static_cast<double>(bytes) / m.seconds / 1e6,
              static_cast<double>(m.events) / m.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  const std::size_t bytes = megabytes * 1024 * 1024;
  std::size_t checksum = 0;

  std::printf("%-28s %-16s %10s %14s\n", "workload (16 KiB pieces)", "method", "MB/s", "events/s");
  double ratio = 0;
  {
    const std::string stream = text_stream(bytes);
    const auto [framer, ceiling] =
        best_of([&] { return frame(stream, checksum); }, [&] { return scan_lines(stream, checksum); });
    if (framer.events != ceiling.events) std::abort();
    report("(a) ~120 B text deltas", "sse::parser", stream.size(), framer);
    report("", "memchr LF scan", stream.size(), ceiling);
    ratio = ceiling.seconds / framer.seconds;
  }
  {
    const std::string stream = big_event_stream(bytes);
    const auto [framer, ceiling] =
        best_of([&] { return frame(stream, checksum); }, [&] { return scan_lines(stream, checksum); });
    if (framer.events != ceiling.events) std::abort();
    report("(b) 1 MiB events", "sse::parser", stream.size(), framer);
    report("", "memchr LF scan", stream.size(), ceiling);
  }
  std::printf("framer / memchr speed on (a): %.2f   (checksum %zu)\n", ratio, checksum);
  return 0;
}
