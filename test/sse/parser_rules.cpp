// The SSE framer against the WHATWG rules of spec section 7: line ends, BOM,
// comments, fields, dispatch, end of stream, ids and retry.
#include "sse_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using anthropic::client_errc;
using anthropic::test::owned_event;
using anthropic::test::parse_pieces;
using anthropic::test::parse_whole;
using namespace std::string_literals;

namespace {
owned_event ev(std::string type, std::string data, std::string id = "",
               std::optional<std::uint64_t> retry = std::nullopt) {
  return {std::move(type), std::move(data), std::move(id), retry};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sse_rules)

BOOST_AUTO_TEST_CASE(every_line_ending_style_gives_the_same_events) {
  const std::vector<owned_event> expected = {ev("ping", "{}"), ev("message", "a\nb")};
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    const std::string e = eol;
    const std::string stream = "event: ping" + e + "data: {}" + e + e + "data: a" + e + "data: b" + e + e;
    const auto result = parse_whole(stream);
    BOOST_TEST(result.events == expected, "line end " << int(eol[0]) << int(eol[1]));
    BOOST_TEST(!result.finish);
  }
  // Mixed within one stream.
  const auto mixed = parse_whole("event: ping\r\ndata: {}\r\r" "data: a\rdata: b\n\r\n");
  BOOST_TEST(mixed.events == expected);
}

BOOST_AUTO_TEST_CASE(cr_ending_one_piece_and_lf_starting_the_next_are_one_line_end) {
  // If the LF were a second line end, "data: x\r" + "\n" would end the event early.
  const std::string stream = "data: x\r\ndata: y\r\n\r\nevent: e\r\ndata: z\r\n\r\n";
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    if (stream[cut - 1] != '\r') continue;
    const auto result = parse_pieces(stream, {cut});
    BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "x\ny"), ev("e", "z")}), "cut " << cut);
    BOOST_TEST(!result.finish);
  }
}

BOOST_AUTO_TEST_CASE(a_lone_cr_at_the_end_of_a_piece_is_a_line_end_by_itself) {
  // CR then CR: the second CR is an empty line, which dispatches.
  const auto result = parse_pieces("data: x\r\rdata: y\r\r", {8, 9});
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "x"), ev("message", "y")}));
}

BOOST_AUTO_TEST_CASE(one_leading_bom_is_skipped_even_when_split) {
  const std::string stream = "\xEF\xBB\xBF" "data: x\n\n";
  for (std::size_t cut = 0; cut <= 3; ++cut) {
    const auto result = parse_pieces(stream, {cut, cut + 1});
    BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "x")}), "cut " << cut);
  }
  // A second BOM is part of the first field name, so that line is an unknown field.
  const auto twice = parse_whole("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\ndata: y\n\n");
  BOOST_TEST(twice.events == (std::vector<owned_event>{ev("message", "y")}));
  // A BOM later in the stream is data.
  const auto later = parse_whole("data: \xEF\xBB\xBF\n\n");
  BOOST_TEST(later.events == (std::vector<owned_event>{ev("message", "\xEF\xBB\xBF")}));
}

BOOST_AUTO_TEST_CASE(a_bom_prefix_that_is_not_a_bom_stays_data) {
  // "\xEF\xBB" followed by 'x' is not a BOM: the bytes belong to the first line.
  const std::string stream = "\xEF\xBB" "x\ndata: y\n\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const auto result = parse_pieces(stream, {cut});
    BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "y")}), "cut " << cut);
  }
  // An unfinished BOM at the end of the stream is an unfinished line.
  BOOST_TEST((parse_whole("\xEF\xBB").finish == client_errc::stream_truncated));
}

BOOST_AUTO_TEST_CASE(comments_are_ignored) {
  const auto result = parse_whole(": keep-alive\ndata: a\n:another\n\n:\n\n");
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "a")}));
  BOOST_TEST(!result.finish);
}

BOOST_AUTO_TEST_CASE(a_field_without_colon_has_an_empty_value) {
  // "data" alone adds an empty data line: the event dispatches with empty data.
  const auto result = parse_whole("data\n\nevent\ndata\ndata\n\n");
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", ""), ev("message", "\n")}));
}

BOOST_AUTO_TEST_CASE(exactly_one_leading_space_is_stripped) {
  const auto result = parse_whole("data:  two\n\ndata:none\n\nevent:  x\ndata: \n\n");
  BOOST_TEST(result.events ==
             (std::vector<owned_event>{ev("message", " two"), ev("message", "none"), ev(" x", "")}));
}

BOOST_AUTO_TEST_CASE(only_the_first_colon_separates_name_and_value) {
  const auto result = parse_whole("data: a: b:c\n\n");
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "a: b:c")}));
}

BOOST_AUTO_TEST_CASE(data_lines_join_with_lf) {
  const auto result = parse_whole("data: one\ndata:\ndata: three\n\n");
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "one\n\nthree")}));
}

BOOST_AUTO_TEST_CASE(nothing_is_dispatched_without_data) {
  const auto result = parse_whole("event: ping\n\nretry: 10\n\n\n\n\nevent: x\ndata: d\n\n");
  // The type of the data-less event does not leak into the next one, nor its retry.
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("x", "d")}));
}

BOOST_AUTO_TEST_CASE(the_type_defaults_to_message_and_resets_after_dispatch) {
  const auto result = parse_whole("event: a\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n");
  BOOST_TEST(result.events ==
             (std::vector<owned_event>{ev("a", "1"), ev("message", "2"), ev("message", "3")}));
}

BOOST_AUTO_TEST_CASE(field_names_are_case_sensitive_and_unknown_ones_ignored) {
  const auto result = parse_whole("Data: no\nEVENT: no\nfoo: bar\ndata: yes\n\n");
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "yes")}));
}

BOOST_AUTO_TEST_CASE(an_unfinished_event_is_discarded_and_reported) {
  for (const char* tail : {"data: x\n", "data: x", "event: e\n", "id: 7\n", "data", ": comment"}) {
    const auto result = parse_whole("data: ok\n\n"s + tail);
    BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "ok")}), tail);
    BOOST_TEST((result.finish == client_errc::stream_truncated), tail);
  }
  // A complete comment line after the last event is not an event.
  BOOST_TEST(!parse_whole("data: ok\n\n: bye\n").finish);
  BOOST_TEST(!parse_whole("").finish);
}

BOOST_AUTO_TEST_CASE(the_id_is_sticky_and_one_with_nul_is_ignored) {
  const auto result = parse_whole("id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid\ndata: d\n\n"s);
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("message", "a", "1"), ev("message", "b", "1"),
                                                        ev("message", "c", "1"), ev("message", "d", "")}));
}

BOOST_AUTO_TEST_CASE(an_id_takes_effect_even_without_data_but_not_when_truncated) {
  anthropic::sse::parser parser;
  boost::system::error_code ec;
  std::string_view input = "id: 5\n\nid: 6\n";
  BOOST_TEST(!parser.next(input, ec));
  BOOST_TEST(parser.last_event_id() == "5");
  BOOST_TEST((parser.finish() == client_errc::stream_truncated));
  BOOST_TEST(parser.last_event_id() == "5");
  // The id survives finish() for a reconnection; a new BOM is skipped again.
  input = "\xEF\xBB\xBF" "data: x\n\n";
  auto event = parser.next(input, ec);
  BOOST_TEST_REQUIRE(event.has_value());
  BOOST_TEST(event->id == "5");
  parser.reset();
  BOOST_TEST(parser.last_event_id() == "");
}

BOOST_AUTO_TEST_CASE(retry_is_set_only_by_all_digit_values) {
  const auto result = parse_whole(
      "retry: 1500\ndata: a\n\nretry: 15s\ndata: b\n\nretry: -1\ndata: c\n\nretry:\ndata: d\n\n"
      "retry: 99999999999999999999\ndata: e\n\nretry: 18446744073709551615\ndata: f\n\n");
  BOOST_TEST(result.events ==
             (std::vector<owned_event>{ev("message", "a", "", 1500), ev("message", "b"), ev("message", "c"),
                                       ev("message", "d"), ev("message", "e"),
                                       ev("message", "f", "", UINT64_MAX)}));
}

BOOST_AUTO_TEST_CASE(nul_bytes_and_invalid_utf8_pass_through_untouched) {
  const std::string data = "a\0b\xFF\xFE\xC3(\x80"s;
  const auto result = parse_whole("event: \xC0\x80\ndata: " + data + "\n\n");
  BOOST_TEST(result.events == (std::vector<owned_event>{ev("\xC0\x80", data)}));
}

BOOST_AUTO_TEST_CASE(next_consumes_exactly_one_event) {
  anthropic::sse::parser parser;
  boost::system::error_code ec;
  std::string_view input = "data: 1\n\ndata: 2\n\n: trailing";
  auto first = parser.next(input, ec);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(first->data == "1");
  BOOST_TEST(input == "data: 2\n\n: trailing");
  auto second = parser.next(input, ec);
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(input == ": trailing");
  BOOST_TEST(!parser.next(input, ec));
  BOOST_TEST(input.empty());
  BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sse_line_scan)

// The vectorised line-end search must agree with a plain loop for every
// position of a CR or LF relative to its 16- and 32-byte blocks.
BOOST_AUTO_TEST_CASE(finds_the_first_cr_or_lf_at_every_offset) {
  for (std::size_t length = 0; length <= 80; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      for (char end_char : {'\r', '\n'}) {
        std::string text(length, 'x');
        if (at < length) text[at] = end_char;
        if (at + 1 < length) text[at + 1] = end_char == '\r' ? '\n' : '\r';
        const char* found = anthropic::detail::sse_find_line_end(text.data(), text.data() + text.size());
        BOOST_TEST(static_cast<std::size_t>(found - text.data()) == at, "length " << length << " at " << at);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
