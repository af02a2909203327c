// safe_text.hpp: server text made printable (valid UTF-8, controls shown, not obeyed).
#include <anthropic/safe_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

using anthropic::printable;
using anthropic::printable_layout;
using anthropic::printable_stream;

namespace {

constexpr std::string_view fffd = "\xEF\xBF\xBD";

std::string repeat_fffd(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += fffd;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(safe_text)

BOOST_AUTO_TEST_CASE(plain_and_multilingual_text_is_unchanged) {
  const std::string text = "Hello, caf\u00e9 \u65e5\u672c \U0001F600 \\x1b is not ESC";
  BOOST_TEST(printable(text) == text);
  BOOST_TEST(printable(text, printable_layout::lines) == text);
}

BOOST_AUTO_TEST_CASE(controls_are_shown_on_one_line) {
  BOOST_TEST(printable("a\nb\tc\rd") == "a\\nb\\tc\\rd");
  BOOST_TEST(printable("\x1b[2J\x1b]0;title\x07") == "\\x1b[2J\\x1b]0;title\\x07");
  BOOST_TEST(printable(std::string_view("nul\0del\x7f", 8)) == "nul\\x00del\\x7f");
  // C1 controls, encoded in UTF-8: U+0085 (NEL, a line break) and U+009B (CSI).
  BOOST_TEST(printable("\xC2\x85 \xC2\x9b" "2J \xC2\xA0") == "\\u{85} \\u{9b}2J \xC2\xA0");  // U+00A0 is printable
}

BOOST_AUTO_TEST_CASE(lines_layout_keeps_line_feeds_and_tabs_only) {
  BOOST_TEST(printable("a\n\tb\r\n\x1b[31mc", printable_layout::lines) == "a\n\tb\\r\n\\x1b[31mc");
}

BOOST_AUTO_TEST_CASE(ill_formed_utf8_becomes_one_replacement_per_maximal_subpart) {
  struct row {
    std::string_view input;
    std::string expected;
  };
  const row rows[] = {
      {"caf\xe9", "caf" + repeat_fffd(1)},                   // Latin-1
      {"\xff\xfe", repeat_fffd(2)},                          // never in UTF-8
      {"\x80\xbf", repeat_fffd(2)},                          // lone continuation bytes
      {"\xc0\xaf", repeat_fffd(2)},                          // overlong '/' (C0 is never a lead)
      {"\xe0\x80\xaf", repeat_fffd(3)},                      // overlong: E0 needs A0..BF next
      {"\xed\xa0\x80", repeat_fffd(3)},                      // a UTF-16 surrogate
      {"\xf4\x90\x80\x80", repeat_fffd(4)},                  // above U+10FFFF
      {"\xe2\x82x", repeat_fffd(1) + "x"},                   // truncated 3-byte sequence: one U+FFFD
      {"\xf0\x9f\x98", repeat_fffd(1)},                      // truncated at the end of the text
      {"a\xe2\x82\xac\xe2\x82", "a\xe2\x82\xac" + repeat_fffd(1)},  // euro sign, then half of one
  };
  for (const auto& r : rows) BOOST_TEST(printable(r.input) == r.expected, r.input);
}

BOOST_AUTO_TEST_CASE(a_character_split_between_pieces_is_kept_whole) {
  const std::string euro = "\xe2\x82\xac", smiley = "\xf0\x9f\x98\x80";
  printable_stream stream;
  std::string out = stream.append("price: \xe2");
  BOOST_TEST(out == "price: ");  // the lead byte waits
  out += stream.append("\x82");
  out += stream.append("\xac, \xf0\x9f");
  out += stream.append("\x98\x80\n");
  out += stream.finish();
  BOOST_TEST(out == "price: " + euro + ", " + smiley + "\n");
}

BOOST_AUTO_TEST_CASE(a_sequence_that_never_completes_is_replaced) {
  printable_stream stream;
  // Not continued: the carried lead byte and the new byte are judged together.
  BOOST_TEST(stream.append("a\xe2") == "a");
  BOOST_TEST(stream.append("b") == std::string(fffd) + "b");
  // Cut off by the end of the text.
  BOOST_TEST(stream.append("c\xf0\x9f") == "c");
  BOOST_TEST(stream.finish() == fffd);
  BOOST_TEST(stream.finish().empty());
}

BOOST_AUTO_TEST_CASE(splitting_the_text_anywhere_gives_the_same_output) {
  // Valid 3- and 4-byte characters, an ill-formed subpart, a surrogate, C1 and
  // C0 controls, and a truncated character at the end.
  const std::string text = "a\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x82x\xed\xa0\x80\xc2\x9b\x1b\n\xf0\x9f";
  const std::string whole = printable(text, printable_layout::lines);
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); ++j) {
      printable_stream stream;
      std::string out = stream.append(std::string_view(text).substr(0, i));
      out += stream.append(std::string_view(text).substr(i, j - i));
      out += stream.append(std::string_view(text).substr(j));
      out += stream.finish();
      BOOST_TEST(out == whole, "split at " << i << " and " << j);
    }
  }
}

BOOST_AUTO_TEST_CASE(printable_json_repairs_utf8_and_keeps_the_value) {
  // Boost.JSON's serializer copies ill-formed bytes as they are: the reason for printable_json.
  const std::string raw = boost::json::serialize(boost::json::string("caf\xe9 \x1b[2J \x7f \xC2\x9b"));
  boost::system::error_code ec;
  boost::json::parse(raw, ec);
  BOOST_TEST(ec.failed());

  const std::string safe = anthropic::printable_json(raw);
  auto value = boost::json::parse(safe, ec);
  BOOST_REQUIRE(!ec);
  BOOST_TEST(value.as_string() == "caf" + std::string(fffd) + " \x1b[2J \x7f \xC2\x9b");
  BOOST_TEST(safe.find('\x7f') == std::string::npos);
  BOOST_TEST(safe.find("\xC2\x9b") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(printable_json_puts_a_value_on_one_line) {
  const std::string multi_line = "{\"type\":\"ping\",\n\"n\":\r\n\t1}";
  const std::string safe = anthropic::printable_json(multi_line);
  BOOST_TEST(safe.find_first_of("\r\n\t") == std::string::npos);
  BOOST_TEST((boost::json::parse(safe) == boost::json::parse(multi_line)));
  const std::string valid = R"({"text":"caf\u00e9 \u001b \\n","k":[1,2.5,null]})";
  BOOST_TEST(anthropic::printable_json(valid) == valid);
}

BOOST_AUTO_TEST_SUITE_END()
