// Benchmark: decoding stream events and folding them into the message.
//
// Two streams, built in memory the way the API sends them:
//  - text: a long answer in ~150-byte text deltas (some with \n and quotes,
//    as prose has), between message_start / message_delta / message_stop;
//  - tool: a tool_use block whose input arrives in ~20-byte input_json_delta
//    fragments (every fragment is escaped JSON, so it takes the scratch path).
// For each: events per second and heap allocations per event for decode alone
// and for decode + accumulate, each stream with a fresh decoder and accumulator
// (as a client does per request). A baseline parses each payload into a
// boost::json::value, the obvious alternative.
//
// Usage: bench_decode [deltas-per-stream (default 2000)] [seconds-per-case (default 1)]
#include <anthropic/message_accumulator.hpp>
#include <anthropic/types/stream_event.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

// Counts every allocation of the process. Not inlined: GCC would otherwise pair
// the inlined malloc with delete's free and warn about a mismatch.
namespace {
std::atomic<std::size_t> g_allocations{0};
}
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

std::string json_string(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

std::vector<std::string> text_stream(std::size_t deltas) {
  static const char* sentences[] = {
      "The mitochondria is the membrane-bound organelle that generates most of the chemical energy needed to "
      "power the cell's biochemical reactions. ",
      "Energy is stored in a small molecule called adenosine triphosphate (ATP), which the cell spends as "
      "it needs.\n\n",
      "In short: \"no mitochondria, no energy\" is a fair summary, though a simplification that biologists "
      "would refine. ",
  };
  std::vector<std::string> events;
  events.push_back(
      R"({"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",)"
      R"("content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,)"
      R"("usage":{"input_tokens":25,"output_tokens":1}}})");
  events.push_back(R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
  events.push_back(R"({"type": "ping"})");
  for (std::size_t i = 0; i < deltas; ++i)
    events.push_back(R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":)" +
                     json_string(sentences[i % 3]) + "}}");
  events.push_back(R"({"type":"content_block_stop","index":0})");
  events.push_back(
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":)" +
      std::to_string(deltas * 30) + "}}");
  events.push_back(R"({"type":"message_stop"})");
  return events;
}

std::string tool_input(std::size_t deltas) {
  std::string input = R"({"rows": [)";
  for (std::size_t i = 0; input.size() < deltas * 20; ++i)
    input += (i ? ", " : "") + std::string(R"({"city": "San Francisco, CA", "unit": "fahrenheit", "n": )") +
             std::to_string(i) + "}";
  input += "]}";
  return input;
}

std::vector<std::string> tool_stream(std::size_t deltas) {
  const std::string input = tool_input(deltas);
  std::vector<std::string> events;
  events.push_back(
      R"({"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant",)"
      R"("model":"claude-sonnet-4-5-20250929","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},)"
      R"("content":[],"stop_reason":null}})");
  events.push_back(
      R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6",)"
      R"("name":"get_weather","input":{}}})");
  for (std::size_t at = 0; at < input.size(); at += 20)
    events.push_back(R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":)" +
                     json_string(std::string_view(input).substr(at, 20)) + "}}");
  events.push_back(R"({"type":"content_block_stop","index":0})");
  events.push_back(
      R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}})");
  events.push_back(R"({"type":"message_stop"})");
  return events;
}

enum class mode { decode, decode_accumulate, dom_baseline };

struct result {
  double events_per_second;
  double megabytes_per_second;
  double allocations_per_event;
};

result run(const std::vector<std::string>& events, mode m, double seconds) {
  std::size_t bytes_per_stream = 0;
  for (const auto& e : events) bytes_per_stream += e.size();
  std::size_t streams = 0;
  std::size_t sink = 0;
  const std::size_t allocations_before = g_allocations.load();
  const auto start = std::chrono::steady_clock::now();
  std::chrono::duration<double> elapsed{};
  do {
    anthropic::event_decoder decoder;
    anthropic::stream_event ev;
    anthropic::message_accumulator acc;
    for (const auto& data : events) {
      if (m == mode::dom_baseline) {
        boost::system::error_code ec;
        boost::json::value v = boost::json::parse(data, ec);
        if (ec) std::abort();
        sink += v.as_object().size();
        continue;
      }
      if (decoder.decode(data, ev)) std::abort();
      sink += ev.text_delta().value_or("").size() + ev.partial_json().value_or("").size();
      if (m == mode::decode_accumulate && acc.apply(ev)) std::abort();
    }
    if (m == mode::decode_accumulate) {
      if (!acc.complete()) std::abort();
      sink += acc.message().content.size();
    }
    ++streams;
    elapsed = std::chrono::steady_clock::now() - start;
  } while (elapsed.count() < seconds);
  const std::size_t allocations = g_allocations.load() - allocations_before;
  const double total_events = static_cast<double>(streams * events.size());
  if (sink == 0) std::puts("");  // keep the work observable
  return {total_events / elapsed.count(),
          static_cast<double>(streams * bytes_per_stream) / elapsed.count() / 1e6,
          static_cast<double>(allocations) / total_events};
}

void report(const char* stream, const std::vector<std::string>& events, double seconds) {
  std::size_t bytes = 0;
  for (const auto& e : events) bytes += e.size();
  std::printf("%s stream: %zu events, %zu bytes, mean payload %.0f bytes\n", stream, events.size(), bytes,
              static_cast<double>(bytes) / static_cast<double>(events.size()));
  const struct {
    const char* name;
    mode m;
  } cases[] = {{"decode", mode::decode},
               {"decode + accumulate", mode::decode_accumulate},
               {"baseline boost::json::parse", mode::dom_baseline}};
  for (const auto& c : cases) {
    const result r = run(events, c.m, seconds);
    std::printf("  %-28s %12.0f events/s %9.1f MB/s %8.3f allocations/event\n", c.name, r.events_per_second,
                r.megabytes_per_second, r.allocations_per_event);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t deltas = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 2000;
  const double seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 1.0;
  report("text", text_stream(deltas), seconds);
  report("tool", tool_stream(deltas), seconds);

  // The tool input becomes a boost::json::value once, at content_block_stop;
  // that value's nodes are most of the tool stream's allocations.
  const std::string input = tool_input(deltas);
  const std::size_t before = g_allocations.load();
  const boost::json::value parsed = boost::json::parse(input);
  const std::size_t parse_allocations = g_allocations.load() - before;
  const std::size_t tool_events = tool_stream(deltas).size();
  std::printf("  of which parsing the final %zu-byte tool input: %zu allocations per stream (%.3f per event)\n",
              input.size(), parse_allocations,
              static_cast<double>(parse_allocations) / static_cast<double>(tool_events));
  if (!parsed.is_object()) return 1;
}
