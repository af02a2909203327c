// The SSE framer on real streams: the spec's verbatim streams, every way of
// cutting a stream into pieces, zero-copy views, limits, hostile input, and
// no allocation per event.
#include "sse_support.hpp"

#include "support/allocation_counter.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

using anthropic::client_errc;
using anthropic::sse::parser;
using anthropic::sse::parser_options;
using anthropic::test::parse_pieces;
using anthropic::test::parse_whole;
using anthropic::test::read_spec_stream;
using namespace std::string_literals;

namespace {

// Exercises every rule at once, so splitting it anywhere crosses each of them.
const std::string kitchen_sink =
    "\xEF\xBB\xBF: comment\r\n"
    "event: content_block_delta\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    "id: 42\rdata: line one\rdata: line two\r\r"
    "event: ping\ndata\n\n"
    "retry: 300\ndata:  two spaces\n\n"
    "unknown: field\nid: bad\0id\ndata: \xFF\xFE\n\n"s
    "event: empty\n\n"
    "data: last\r\n\r\n";

bool points_into(std::string_view view, std::string_view buffer) {
  return !view.empty() && view.data() >= buffer.data() && view.data() + view.size() <= buffer.data() + buffer.size();
}

bool is_content_block_event(const std::string& type) {
  return type.rfind("content_block_", 0) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sse_streams)

BOOST_AUTO_TEST_CASE(spec_thinking_stream) {
  const auto result = parse_whole(read_spec_stream("docs-thinking.sse"));
  BOOST_TEST(!result.error);
  BOOST_TEST(!result.finish);
  BOOST_TEST_REQUIRE(result.events.size() == 15u);
  BOOST_TEST(result.events.front().type == "message_start");
  BOOST_TEST(result.events.back().type == "message_stop");
  BOOST_TEST(result.events.back().data == R"({"type": "message_stop"})");
  std::map<std::string, int> counts;
  for (const auto& e : result.events) {
    ++counts[e.type];
    // Each event name equals the type in its data (spec section 4).
    BOOST_TEST(e.data.find("{\"type\": \"" + e.type + "\"") == 0u, e.type);
  }
  BOOST_TEST(counts["content_block_delta"] == 8);
  BOOST_TEST(counts["content_block_start"] == 2);
  BOOST_TEST(counts["content_block_stop"] == 2);
  BOOST_TEST(result.events[8].data.find("signature_delta") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(spec_tool_use_stream) {
  const auto result = parse_whole(read_spec_stream("docs-tool-use.sse"));
  BOOST_TEST(!result.error);
  BOOST_TEST(!result.finish);
  BOOST_TEST_REQUIRE(result.events.size() == 30u);
  BOOST_TEST(result.events[0].type == "message_start");
  BOOST_TEST(result.events[2].type == "ping");
  BOOST_TEST(result.events[2].data == R"({"type": "ping"})");
  BOOST_TEST(result.events.back().type == "message_stop");
  int block_events = 0;
  for (const auto& e : result.events) {
    if (is_content_block_event(e.type)) ++block_events;
    BOOST_TEST(e.data.find("\"type\":") != std::string::npos, e.type);
    BOOST_TEST(e.data.find('\n') == std::string::npos);  // one data line each
    BOOST_TEST(e.id.empty());
  }
  BOOST_TEST(block_events == 26);
}

BOOST_AUTO_TEST_CASE(every_split_point_and_byte_at_a_time_match_the_whole_stream) {
  for (const std::string& stream :
       {kitchen_sink, read_spec_stream("docs-thinking.sse"), read_spec_stream("docs-tool-use.sse")}) {
    const auto whole = parse_whole(stream);
    BOOST_TEST_REQUIRE(!whole.events.empty());
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      const auto split = parse_pieces(stream, {cut});
      BOOST_TEST_REQUIRE(split.events == whole.events, "cut at " << cut);
      BOOST_TEST(split.finish == whole.finish);
    }
    std::vector<std::size_t> every_byte;
    for (std::size_t i = 1; i < stream.size(); ++i) every_byte.push_back(i);
    const auto bytewise = parse_pieces(stream, every_byte);
    BOOST_TEST(bytewise.events == whole.events);
    BOOST_TEST(bytewise.finish == whole.finish);
  }
}

BOOST_AUTO_TEST_CASE(kitchen_sink_events) {
  const auto result = parse_whole(kitchen_sink);
  using anthropic::test::owned_event;
  const std::vector<owned_event> expected = {
      {"content_block_delta", "{\"a\":1}", "", std::nullopt},
      {"message", "line one\nline two", "42", std::nullopt},
      {"ping", "", "42", std::nullopt},
      {"message", " two spaces", "42", 300},
      {"message", "\xFF\xFE", "42", std::nullopt},
      {"message", "last", "42", std::nullopt},
  };
  BOOST_TEST(result.events == expected);
  BOOST_TEST(!result.finish);
}

BOOST_AUTO_TEST_CASE(an_event_whole_in_the_input_is_a_view_into_it) {
  parser p;
  boost::system::error_code ec;
  const std::string buffer = "event: content_block_delta\ndata: {\"x\":1}\n\n";
  std::string_view input(buffer);
  auto ev = p.next(input, ec);
  BOOST_TEST_REQUIRE(ev.has_value());
  BOOST_TEST(points_into(ev->type, buffer));
  BOOST_TEST(points_into(ev->data, buffer));
}

BOOST_AUTO_TEST_CASE(a_straddling_event_is_copied_and_survives_the_piece) {
  parser p;
  boost::system::error_code ec;
  std::string piece = "event: content_block_delta\ndata: {\"x\"";
  std::string_view input(piece);
  BOOST_TEST(!p.next(input, ec));
  piece.assign(piece.size(), '#');  // the caller reuses its buffer
  std::string second = ":1}\n\ndata: next\n\n";
  input = second;
  auto ev = p.next(input, ec);
  BOOST_TEST_REQUIRE(ev.has_value());
  BOOST_TEST(ev->type == "content_block_delta");
  BOOST_TEST(ev->data == "{\"x\":1}");
  BOOST_TEST(!points_into(ev->data, second));
  // The event after it lies whole in the second piece again: a view.
  ev = p.next(input, ec);
  BOOST_TEST_REQUIRE(ev.has_value());
  BOOST_TEST(points_into(ev->data, second));
}

BOOST_AUTO_TEST_CASE(the_event_size_limit_is_exact) {
  // 13 bytes: "data: 1234567" + LF. The ending empty line does not count.
  const std::string stream = "data: 1234567\n\n";
  for (std::size_t limit : {14u, 13u}) {
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      const auto result = parse_pieces(stream, {cut}, parser_options{limit});
      if (limit == 14) {
        BOOST_TEST(result.events.size() == 1u, "cut " << cut);
        BOOST_TEST(!result.error);
      } else {
        BOOST_TEST(result.events.empty(), "cut " << cut);
        BOOST_TEST((result.error == client_errc::event_too_large), "cut " << cut);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(after_event_too_large_the_parser_stays_failed_until_reset) {
  parser p(parser_options{16});
  boost::system::error_code ec;
  std::string_view input = "data: ok\n\ndata: far too long for the limit\n\ndata: later\n\n";
  BOOST_TEST(p.next(input, ec).has_value());
  BOOST_TEST(!p.next(input, ec));
  BOOST_TEST((ec == client_errc::event_too_large));
  const auto left = input.size();
  BOOST_TEST(!p.next(input, ec));
  BOOST_TEST((ec == client_errc::event_too_large));
  BOOST_TEST(input.size() == left);  // nothing consumed while failed
  BOOST_TEST((p.finish() == client_errc::event_too_large));
  p.reset();
  input = "data: again\n\n";
  auto ev = p.next(input, ec);
  BOOST_TEST(!ec);
  BOOST_TEST_REQUIRE(ev.has_value());
  BOOST_TEST(ev->data == "again");
}

BOOST_AUTO_TEST_CASE(a_100_mib_line_hits_the_limit_with_bounded_memory) {
  // Fed in 64 KiB pieces of one reused buffer, as a socket reader would; the
  // error must come as soon as the limit is passed, not after 100 MiB.
  const std::string piece(64 * 1024, 'a');
  const std::size_t total = 100u * 1024 * 1024;
  for (std::size_t limit : {parser_options{}.max_event_size, std::size_t{1024 * 1024}}) {
    parser p(parser_options{limit});
    boost::system::error_code ec;
    std::string_view first = "data: ";
    BOOST_TEST(!p.next(first, ec));
    std::size_t fed = first.size();
    while (!ec && fed < total) {
      std::string_view input(piece);
      BOOST_TEST(!p.next(input, ec));
      fed += piece.size();
    }
    BOOST_TEST((ec == client_errc::event_too_large));
    BOOST_TEST(fed <= limit + piece.size() + 6);
  }
  // One huge piece: refused without being copied.
  const std::string huge(20u * 1024 * 1024, 'b');
  parser p;
  boost::system::error_code ec;
  std::string_view input(huge);
  anthropic::test::allocation_counter allocations;
  BOOST_TEST(!p.next(input, ec));
  BOOST_TEST((ec == client_errc::event_too_large));
  if (anthropic::test::allocation_counting_enabled()) BOOST_TEST(allocations.count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_million_empty_lines_give_no_events_quickly) {
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    std::string stream;
    for (int i = 0; i < 1'000'000; ++i) stream += eol;
    const auto start = std::chrono::steady_clock::now();
    parser p;
    boost::system::error_code ec;
    std::size_t events = 0;
    // Whole, then in odd-sized pieces (a CRLF is cut in the middle often).
    std::string_view input(stream);
    while (p.next(input, ec)) ++events;
    for (std::size_t at = 0; at < stream.size(); at += 4099) {
      std::string_view piece = std::string_view(stream).substr(at, 4099);
      while (p.next(piece, ec)) ++events;
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(events == 0u);
    BOOST_TEST(!ec);
    BOOST_TEST(!p.finish());
    BOOST_TEST(elapsed < std::chrono::seconds(5));  // linear: well under 0.1 s in practice
  }
}

BOOST_AUTO_TEST_CASE(no_allocation_per_event_in_steady_state) {
  if (!anthropic::test::allocation_counting_enabled()) {
    BOOST_TEST_MESSAGE("allocation counting is off in sanitizer builds; skipped");
    return;
  }
  // ~150-byte content_block_delta events, some with two data lines, fed in
  // 1000-byte pieces so that many events straddle pieces.
  std::string stream;
  for (int i = 0; i < 4000; ++i) {
    stream += "event: content_block_delta\n";
    stream += "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"token " +
              std::to_string(i) + "\"}}\n";
    if (i % 7 == 0) stream += "data: second line\n";
    if (i % 50 == 0) stream += "id: " + std::to_string(i) + "\n";
    stream += "\n";
  }
  const std::string_view all(stream);
  parser p;
  boost::system::error_code ec;
  std::size_t events = 0;
  auto feed = [&](std::size_t from, std::size_t to) {
    for (std::size_t at = from; at < to; at += 1000) {
      std::string_view input = all.substr(at, std::min<std::size_t>(1000, to - at));
      while (auto ev = p.next(input, ec)) ++events;
    }
  };
  const std::size_t warm_up = 100'000;  // grows the reused buffers once
  feed(0, warm_up);
  anthropic::test::allocation_counter allocations;
  feed(warm_up, all.size());
  BOOST_TEST(allocations.count() == 0u);
  BOOST_TEST(!ec);
  BOOST_TEST(events == 4000u);
}

BOOST_AUTO_TEST_SUITE_END()
