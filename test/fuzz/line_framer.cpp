// libFuzzer target: the JSON Lines framer under arbitrary bytes and read
// sizes. Every line handed out has no newline, fits the limit and lies inside
// the input; the bytes of the lines (plus separators) never exceed the input.
#include <anthropic/detail/sansio/line_framer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first two bytes choose the line limit and the read size.
  const std::size_t max_line = 1 + data[0] * 4;
  const std::size_t chunk = 1 + data[1];
  std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
  anthropic::detail::line_framer framer(max_line);
  std::size_t pos = 0, delivered = 0;
  auto check = [&](std::string_view line) {
    if (line.empty() || line.size() > max_line || line.find('\n') != std::string_view::npos) std::abort();
    delivered += line.size() + 1;
    if (delivered > input.size() + 1) std::abort();
  };
  for (;;) {
    std::string_view line;
    auto st = framer.next_line(line);
    if (st == anthropic::detail::line_framer::status::line) {
      check(line);
      continue;
    }
    if (st == anthropic::detail::line_framer::status::too_long) return 0;
    if (pos == input.size()) break;
    auto space = framer.prepare(chunk);
    std::size_t n = std::min(space.size(), std::min(chunk, input.size() - pos));
    std::memcpy(space.data(), input.data() + pos, n);
    framer.commit(n);
    pos += n;
    if (framer.capacity() > 2 * (max_line + 2 * chunk) + 64) std::abort();  // bounded memory
  }
  std::string_view last;
  if (framer.finish(last)) check(last);
  return 0;
}
