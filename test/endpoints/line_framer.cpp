// The line framer of JSON Lines bodies (a batch's results), without sockets:
// every split of the input gives the same lines, memory stays bounded by the
// longest line, a line over the limit is refused.
#include <anthropic/detail/sansio/line_framer.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

using anthropic::detail::line_framer;

namespace {

struct framed {
  std::vector<std::string> lines;
  bool too_long = false;
  std::size_t largest_capacity = 0;
};

// Feeds `input` in reads of `chunk` bytes, then ends the stream.
framed frame(std::string_view input, std::size_t chunk, std::size_t max_line = 1024) {
  framed out;
  line_framer framer(max_line);
  std::size_t pos = 0;
  for (;;) {
    std::string_view line;
    auto st = framer.next_line(line);
    if (st == line_framer::status::line) {
      out.lines.emplace_back(line);
      continue;
    }
    if (st == line_framer::status::too_long) {
      out.too_long = true;
      return out;
    }
    if (pos == input.size()) break;
    auto space = framer.prepare(chunk);
    std::size_t n = std::min({chunk, space.size(), input.size() - pos});
    std::memcpy(space.data(), input.data() + pos, n);
    framer.commit(n);
    pos += n;
    out.largest_capacity = std::max(out.largest_capacity, framer.capacity());
  }
  std::string_view last;
  if (framer.finish(last)) out.lines.emplace_back(last);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(line_framing)

BOOST_AUTO_TEST_CASE(every_split_of_the_input_gives_the_same_lines) {
  const std::string input = "{\"a\":1}\n{\"b\":2}\r\n\n\r\n{\"c\":\"x\\ny\"}\n{\"d\":4}";
  const std::vector<std::string> expected{"{\"a\":1}", "{\"b\":2}", "{\"c\":\"x\\ny\"}", "{\"d\":4}"};
  for (std::size_t chunk = 1; chunk <= input.size() + 1; ++chunk) {
    auto out = frame(input, chunk);
    BOOST_TEST(!out.too_long);
    BOOST_TEST(out.lines == expected, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(a_stream_ending_with_a_newline_has_no_extra_line) {
  auto out = frame("one\ntwo\n", 3);
  BOOST_TEST(out.lines == (std::vector<std::string>{"one", "two"}), boost::test_tools::per_element());
  BOOST_TEST(frame("", 4).lines.empty());
  BOOST_TEST(frame("\n\n\r\n", 1).lines.empty());
}

BOOST_AUTO_TEST_CASE(a_line_over_the_limit_is_refused_complete_or_not) {
  const std::string at_limit(16, 'x');
  BOOST_TEST(frame(at_limit + "\n", 5, 16).lines.size() == 1u);
  BOOST_TEST(frame(at_limit + "\r\n", 5, 16).lines.size() == 1u);  // the CR does not count
  BOOST_TEST(frame(at_limit + "y\nok\n", 64, 16).too_long);        // complete, in one read
  BOOST_TEST(frame("ok\n" + at_limit + "yyyy", 2, 16).too_long);    // never ends
  auto before = frame("ok\n" + at_limit + "yy\nnever\n", 4, 16);
  BOOST_TEST(before.too_long);
  BOOST_TEST(before.lines == std::vector<std::string>{"ok"});  // what came before stays delivered
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_by_the_longest_line_not_the_stream) {
  std::string line(500, 'r');
  line.back() = '\n';
  std::string input;
  for (int i = 0; i < 100'000; ++i) input += line;  // 50 MB of results
  auto out = frame(input, 16 * 1024, 64 * 1024);
  BOOST_TEST(out.lines.size() == 100'000u);
  BOOST_TEST(out.largest_capacity <= 64u * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
