// Fuzzes the SSE framer: the same bytes fed whole, cut at a fuzzer-chosen
// point, and (for short inputs) a byte at a time must give exactly the same
// events, error and end-of-stream verdict; every event must satisfy the
// framer's invariants.
//
// Input layout: byte 0 picks the cut point, byte 1 the event size limit
// (0 = the default, else a small limit so the limit paths are reached), the
// rest is the stream.
#include <anthropic/sse/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct owned_event {
  std::string type, data, id;
  std::optional<std::uint64_t> retry;
  bool operator==(const owned_event&) const = default;
};

struct outcome {
  std::vector<owned_event> events;
  boost::system::error_code error;
  boost::system::error_code finish;
  bool operator==(const outcome&) const = default;
};

void check(bool condition) {
  if (!condition) std::abort();
}

void check_invariants(const anthropic::sse::event& ev, std::size_t max_event_size) {
  check(!ev.type.empty());                               // "message" when none was given
  check(ev.id.find('\0') == std::string_view::npos);     // ids with NUL are ignored
  check(ev.data.size() <= max_event_size);
  check(ev.type.find_first_of("\r\n") == std::string_view::npos);
}

// Feeds `stream` in pieces ending at `cuts`, each copied into a buffer that is
// destroyed after its piece, so a view that wrongly outlives it is caught by ASan.
outcome run(std::string_view stream, const std::vector<std::size_t>& cuts, anthropic::sse::parser_options opts) {
  anthropic::sse::parser parser(opts);
  outcome result;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= cuts.size() && !result.error; ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : stream.size();
    const std::string piece(stream.substr(begin, end - begin));
    std::string_view input(piece);
    while (auto ev = parser.next(input, result.error)) {
      check_invariants(*ev, opts.max_event_size);
      result.events.push_back({std::string(ev->type), std::string(ev->data), std::string(ev->id), ev->retry});
      check(parser.last_event_id() == ev->id);
    }
    // nullopt without error means every byte was consumed.
    if (!result.error) check(input.empty());
    begin = end;
  }
  result.finish = parser.finish();
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view stream(reinterpret_cast<const char*>(bytes) + 2, size - 2);
  anthropic::sse::parser_options opts;
  if (bytes[1] != 0) opts.max_event_size = bytes[1] * std::size_t{4};

  const outcome whole = run(stream, {}, opts);
  const std::size_t cut = stream.size() * bytes[0] / 255;
  check(run(stream, {cut}, opts) == whole);
  if (stream.size() <= 2048) {
    std::vector<std::size_t> every_byte;
    for (std::size_t i = 1; i < stream.size(); ++i) every_byte.push_back(i);
    check(run(stream, every_byte, opts) == whole);
  }
  return 0;
}
