// message_accumulator: the docs' streams build the message they describe; tool
// input split anywhere; every out-of-order case has its code and leaves the
// partial message readable; blocks, deltas, members and events the library does
// not model accumulate into what a non-streamed reply holds; the size limit;
// accumulation allocates O(log n), not O(n).
#include <anthropic/message_accumulator.hpp>

#include "decode/stream_helpers.hpp"
#include "support/allocation_counter.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

using anthropic::api_errc;
using anthropic::client_errc;
using anthropic::event_decoder;
using anthropic::message_accumulator;
using anthropic::stream_event;

namespace {

// Decodes and applies a payload; the payload must decode.
class feeder {
 public:
  boost::system::error_code operator()(std::string_view data) {
    auto ec = decoder_.decode(data, event_);
    BOOST_REQUIRE_MESSAGE(!ec, "decode failed: " << ec.message() << " for " << data);
    return acc.apply(event_);
  }
  // The same for an SSE event of that name (the stream's way of decoding).
  boost::system::error_code named(std::string_view event_name, std::string_view data) {
    auto ec = decoder_.decode(event_name, data, event_);
    BOOST_REQUIRE_MESSAGE(!ec, "decode failed: " << ec.message() << " for " << event_name << ": " << data);
    return acc.apply(event_);
  }
  message_accumulator acc;

 private:
  event_decoder decoder_;
  stream_event event_;
};

constexpr std::string_view message_start =
    R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],)"
    R"("stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}})";
constexpr std::string_view text_start = R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})";
constexpr std::string_view thinking_start =
    R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})";
constexpr std::string_view tool_start =
    R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}})";

std::string block_start(std::size_t index, std::string_view block_json) {
  return R"({"type":"content_block_start","index":)" + std::to_string(index) + R"(,"content_block":)" +
         std::string(block_json) + "}";
}
std::string block_stop(std::size_t index) {
  return R"({"type":"content_block_stop","index":)" + std::to_string(index) + "}";
}

const std::string& text_of(const anthropic::message& m, std::size_t index) {
  const auto* text = m.content.at(index).get_if<anthropic::text_block>();
  BOOST_REQUIRE(text);
  return text->text;
}

// What a non-streamed create returns, as the stream's accumulated message
// must equal it: the same typed message, and the same JSON.
void check_equals_non_streamed(const anthropic::message& streamed, std::string_view body) {
  anthropic::message expected;
  BOOST_REQUIRE(!anthropic::parse_message(body, expected));
  BOOST_TEST((streamed == expected));
  BOOST_TEST(boost::json::value_from(streamed) == boost::json::parse(body),
             "streamed:     " << anthropic::serialize(streamed) << "\nnon-streamed: " << body);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(message_accumulator_tests)

BOOST_AUTO_TEST_CASE(docs_tool_use_stream) {
  feeder feed;
  for (const auto& data : anthropic::test::spec_stream_payloads("docs-tool-use.sse"))
    BOOST_REQUIRE_MESSAGE(!feed(data), data);
  BOOST_TEST(feed.acc.started());
  BOOST_TEST(feed.acc.complete());

  const anthropic::message& m = feed.acc.message();
  BOOST_TEST(m.id == "msg_014p7gG3wDgGV9EUtLvnow3U");
  BOOST_TEST(m.model == "claude-sonnet-4-5-20250929");
  BOOST_REQUIRE(m.content.size() == 2u);
  BOOST_TEST(text_of(m, 0) == "Okay, let's check the weather for San Francisco, CA:");
  const auto* tool = m.content[1].get_if<anthropic::tool_use_block>();
  BOOST_REQUIRE(tool);
  BOOST_TEST(tool->id == "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  BOOST_TEST(tool->name == "get_weather");
  BOOST_TEST(tool->input == boost::json::parse(R"({"location": "San Francisco, CA", "unit": "fahrenheit"})"));
  BOOST_TEST(m.stop_reason.value_or("") == "tool_use");
  BOOST_TEST(!m.stop_sequence);
  BOOST_TEST(m.usage.input_tokens == 472u);
  BOOST_TEST(m.usage.output_tokens == 89u);
}

BOOST_AUTO_TEST_CASE(docs_thinking_stream) {
  feeder feed;
  for (const auto& data : anthropic::test::spec_stream_payloads("docs-thinking.sse"))
    BOOST_REQUIRE_MESSAGE(!feed(data), data);
  BOOST_TEST(feed.acc.complete());

  const anthropic::message& m = feed.acc.message();
  BOOST_REQUIRE(m.content.size() == 2u);
  const auto* thinking = m.content[0].get_if<anthropic::thinking_block>();
  BOOST_REQUIRE(thinking);
  BOOST_TEST(thinking->thinking ==
             "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3\n"
             "3. 27 * 400 = 10,800\n4. 27 * 50 = 1,350\n5. 27 * 3 = 81\n6. 10,800 + 1,350 + 81 = 12,231");
  BOOST_TEST(thinking->signature == "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...");
  BOOST_TEST(text_of(m, 1) == "27 * 453 = 12,231");
  BOOST_TEST(m.stop_reason.value_or("") == "end_turn");
  BOOST_TEST(m.text() == "27 * 453 = 12,231");
}

BOOST_AUTO_TEST_CASE(tool_input_split_at_every_offset) {
  // Escapes, \u escapes, raw UTF-8 and nesting, so that cuts land inside
  // strings, escapes and multi-byte characters alike.
  const std::string input =
      "{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\", \"note\": \"say \\\"hi\\\" \\u00e9 \xE6\x97\xA5\","
      " \"list\": [1, 2.5, {\"deep\": [true, false, null]}]}";
  const boost::json::value expected = boost::json::parse(input);
  // Fragments are JSON strings, so each holds whole UTF-8 characters: cuts go
  // between characters, at every one of them.
  auto inside_character = [&](std::size_t at) {
    return at < input.size() && (static_cast<unsigned char>(input[at]) & 0xC0) == 0x80;
  };
  std::size_t cuts = 0;
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    if (inside_character(cut)) continue;
    ++cuts;
    feeder feed;
    BOOST_REQUIRE(!feed(message_start));
    BOOST_REQUIRE(!feed(tool_start));
    BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, "")));
    BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, std::string_view(input).substr(0, cut))));
    BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, std::string_view(input).substr(cut))));
    BOOST_REQUIRE(!feed(block_stop(0)));
    const auto* tool = feed.acc.message().content[0].get_if<anthropic::tool_use_block>();
    BOOST_REQUIRE(tool);
    BOOST_TEST(tool->input == expected, "cut at " << cut);
  }
  BOOST_TEST(cuts > 100u);

  // One character per fragment.
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(tool_start));
  for (std::size_t begin = 0; begin < input.size();) {
    std::size_t end = begin + 1;
    while (inside_character(end)) ++end;
    BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, std::string_view(input).substr(begin, end - begin))));
    begin = end;
  }
  BOOST_REQUIRE(!feed(block_stop(0)));
  BOOST_TEST(feed.acc.message().content[0].get_if<anthropic::tool_use_block>()->input == expected);
}

BOOST_AUTO_TEST_CASE(server_tool_use_input_and_empty_input) {
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(block_start(0, R"({"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}})")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, R"({"query": "weather)")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, R"( NYC"})")));
  BOOST_REQUIRE(!feed(block_stop(0)));
  BOOST_REQUIRE(!feed(block_start(1, R"({"type":"tool_use","id":"toolu_2","name":"now","input":{}})")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(1, "")));
  BOOST_REQUIRE(!feed(block_stop(1)));

  const auto& m = feed.acc.message();
  const auto* search = m.content[0].get_if<anthropic::server_tool_use_block>();
  BOOST_REQUIRE(search);
  BOOST_TEST(search->input == boost::json::parse(R"({"query":"weather NYC"})"));
  const auto* tool = m.content[1].get_if<anthropic::tool_use_block>();
  BOOST_REQUIRE(tool);
  BOOST_TEST(tool->input == boost::json::value(boost::json::object()));
}

BOOST_AUTO_TEST_CASE(invalid_tool_input) {
  for (std::string_view bad : {R"({"a":)", R"([1, 2])", R"("text")", R"({"a":1} {"b":2})", "{\"a\":1}}"}) {
    feeder feed;
    BOOST_REQUIRE(!feed(message_start));
    BOOST_REQUIRE(!feed(tool_start));
    BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, bad)));
    BOOST_TEST((feed(block_stop(0)) == client_errc::invalid_tool_input), "input: " << bad);
    // The block is still there, with the input of its content_block_start.
    const auto* tool = feed.acc.message().content.at(0).get_if<anthropic::tool_use_block>();
    BOOST_REQUIRE(tool);
    BOOST_TEST(tool->name == "get_weather");
    BOOST_TEST(tool->input == boost::json::value(boost::json::object()));
  }
}

BOOST_AUTO_TEST_CASE(citations_signature_and_message_delta_usage) {
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(thinking_start));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"first"}})"));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"second"}})"));
  BOOST_REQUIRE(!feed(block_stop(0)));
  BOOST_REQUIRE(!feed(block_start(1, R"({"type":"text","text":""})")));
  const std::string citation =
      R"({"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{"type":"char_location",)"
      R"("cited_text":"grass","document_index":0,"document_title":null,"start_char_index":0,"end_char_index":5}}})";
  BOOST_REQUIRE(!feed(citation));
  BOOST_REQUIRE(!feed(citation));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(1, "The grass is green.")));
  BOOST_REQUIRE(!feed(block_stop(1)));
  BOOST_REQUIRE(!feed(R"({"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":5}})"));
  // Counts are cumulative: later values replace earlier ones; absent or null ones do not.
  BOOST_REQUIRE(!feed(
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7,)"
      R"("input_tokens":12,"cache_read_input_tokens":3,"cache_creation_input_tokens":null,"server_tool_use":{"web_search_requests":2}}})"));
  BOOST_REQUIRE(!feed(R"({"type":"message_stop"})"));

  const auto& m = feed.acc.message();
  BOOST_TEST(m.content[0].get_if<anthropic::thinking_block>()->signature == "second");
  const auto* text = m.content[1].get_if<anthropic::text_block>();
  BOOST_REQUIRE(text->citations);
  BOOST_TEST(text->citations->size() == 2u);
  BOOST_TEST(text->citations->at(0).cited_text == "grass");
  BOOST_TEST(text->text == "The grass is green.");
  BOOST_TEST(m.stop_reason.value_or("") == "end_turn");
  BOOST_TEST(m.usage.output_tokens == 7u);
  BOOST_TEST(m.usage.input_tokens == 12u);
  BOOST_TEST(m.usage.cache_read_input_tokens.value_or(0) == 3u);
  BOOST_TEST(!m.usage.cache_creation_input_tokens);
  BOOST_REQUIRE(m.usage.server_tool_use);
  BOOST_TEST(m.usage.server_tool_use->web_search_requests.value_or(0) == 2u);
}

BOOST_AUTO_TEST_CASE(ping_and_unknown_events_are_ignored_anywhere) {
  feeder feed;
  BOOST_REQUIRE(!feed(R"({"type":"ping"})"));
  BOOST_REQUIRE(!feed(R"({"type":"future_event","x":1})"));
  BOOST_TEST(!feed.acc.started());
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(text_start));
  BOOST_REQUIRE(!feed(R"({"type":"ping"})"));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"future_delta","x":1}})"));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "hi")));
  BOOST_REQUIRE(!feed(block_stop(0)));
  BOOST_REQUIRE(!feed(R"({"type":"message_stop"})"));
  BOOST_REQUIRE(!feed(R"({"type":"ping"})"));
  BOOST_TEST(text_of(feed.acc.message(), 0) == "hi");
}

BOOST_AUTO_TEST_CASE(error_event_becomes_an_api_error) {
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(text_start));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "partial")));
  const auto ec = feed(R"({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})");
  BOOST_TEST((ec == api_errc::overloaded_error));
  BOOST_TEST(feed.acc.error_details().http_status == 0);
  BOOST_TEST(feed.acc.error_details().error_type == "overloaded_error");
  BOOST_TEST(feed.acc.error_details().server_message == "Overloaded");
  BOOST_TEST(feed.acc.error_details().request_id.empty());
  BOOST_TEST(text_of(feed.acc.message(), 0) == "partial");

  feeder other;
  const auto ec2 = other(R"({"type":"error","error":{"type":"brand_new_error","message":"x"},"request_id":"req_1"})");
  BOOST_TEST((ec2 == api_errc::unknown_error));
  BOOST_TEST(other.acc.error_details().error_type == "brand_new_error");
  BOOST_TEST(other.acc.error_details().request_id == "req_1");
}

// Every out-of-order case: its code, and the message built so far unchanged.
BOOST_AUTO_TEST_CASE(out_of_order_events) {
  struct scenario {
    const char* what;
    std::vector<std::string> before;  // must all succeed
    std::string offending;
    boost::system::error_code expected;
  };
  const std::string hello = anthropic::test::text_delta_event(0, "hello");
  const std::string stop0 = block_stop(0);
  const std::vector<scenario> scenarios = {
      {"delta before message_start", {}, hello, client_errc::unexpected_event},
      {"block start before message_start", {}, std::string(text_start), client_errc::unexpected_event},
      {"message_delta before message_start", {}, R"({"type":"message_delta","delta":{}})", client_errc::unexpected_event},
      {"message_stop before message_start", {}, R"({"type":"message_stop"})", client_errc::unexpected_event},
      {"second message_start", {std::string(message_start)}, std::string(message_start), client_errc::duplicate_message_start},
      {"delta before its block starts", {std::string(message_start)}, hello, client_errc::unexpected_event},
      {"stop before its block starts", {std::string(message_start)}, stop0, client_errc::unexpected_event},
      {"delta for a far block", {std::string(message_start), std::string(text_start)},
       anthropic::test::text_delta_event(5, "x"), client_errc::block_index_out_of_range},
      {"stop for a far block", {std::string(message_start), std::string(text_start)}, block_stop(2),
       client_errc::block_index_out_of_range},
      {"block start leaving a gap", {std::string(message_start)}, block_start(1, R"({"type":"text","text":""})"),
       client_errc::block_index_out_of_range},
      {"block started twice", {std::string(message_start), std::string(text_start)}, std::string(text_start),
       client_errc::unexpected_event},
      {"delta after its block stopped", {std::string(message_start), std::string(text_start), stop0}, hello,
       client_errc::unexpected_event},
      {"block stopped twice", {std::string(message_start), std::string(text_start), stop0}, stop0,
       client_errc::unexpected_event},
      {"text delta into a tool block", {std::string(message_start), std::string(tool_start)}, hello,
       client_errc::unexpected_event},
      {"tool input into a text block", {std::string(message_start), std::string(text_start)},
       anthropic::test::input_json_delta_event(0, "{}"), client_errc::unexpected_event},
      {"thinking into a text block", {std::string(message_start), std::string(text_start)},
       R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"t"}})",
       client_errc::unexpected_event},
      {"signature into a text block", {std::string(message_start), std::string(text_start)},
       R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"s"}})",
       client_errc::unexpected_event},
      {"text into a thinking block", {std::string(message_start), std::string(thinking_start)}, hello,
       client_errc::unexpected_event},
      {"citation into a thinking block", {std::string(message_start), std::string(thinking_start)},
       R"({"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"c"}}})",
       client_errc::unexpected_event},
      {"delta after message_stop",
       {std::string(message_start), std::string(text_start), R"({"type":"message_stop"})"}, hello,
       client_errc::unexpected_event},
      {"message_start after message_stop", {std::string(message_start), R"({"type":"message_stop"})"},
       std::string(message_start), client_errc::unexpected_event},
  };
  for (const auto& s : scenarios) {
    BOOST_TEST_CONTEXT(s.what) {
      feeder feed;
      for (const auto& e : s.before) BOOST_REQUIRE(!feed(e));
      // Some text first when a text block is open, to check it survives the error.
      const bool has_text = !feed.acc.message().content.empty() &&
                            feed.acc.message().content[0].get_if<anthropic::text_block>() && s.before.size() == 2;
      if (has_text) BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "kept")));
      const anthropic::message before = feed.acc.message();
      BOOST_TEST((feed(s.offending) == s.expected));
      BOOST_TEST((feed.acc.message() == before));
      if (has_text) BOOST_TEST(text_of(feed.acc.message(), 0) == "kept");
    }
  }
}

BOOST_AUTO_TEST_CASE(take_message_and_reset) {
  feeder feed;
  for (const auto& data : anthropic::test::spec_stream_payloads("docs-thinking.sse")) BOOST_REQUIRE(!feed(data));
  anthropic::message m = feed.acc.take_message();
  BOOST_TEST(m.text() == "27 * 453 = 12,231");
  BOOST_TEST(!feed.acc.started());
  BOOST_TEST(!feed.acc.complete());
  BOOST_TEST(feed.acc.message().content.empty());
  // Ready for the next stream.
  for (const auto& data : anthropic::test::spec_stream_payloads("docs-tool-use.sse")) BOOST_REQUIRE(!feed(data));
  BOOST_TEST(feed.acc.complete());
  BOOST_TEST(feed.acc.message().content.size() == 2u);
}

BOOST_AUTO_TEST_CASE(accumulating_allocates_logarithmically) {
  if (!anthropic::test::allocation_counting_enabled()) {
    BOOST_TEST_MESSAGE("allocation counting is off in sanitizer builds; skipped");
    return;
  }
  // ~150-byte text deltas, the size a real stream sends; decoded and folded.
  const std::string text_delta = anthropic::test::text_delta_event(
      0, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua. Ut enim ad minim veniam, quis");
  const std::string json_delta = anthropic::test::input_json_delta_event(1, R"("k": "value", )");

  auto allocations_for = [&](std::size_t events) {
    feeder feed;
    BOOST_REQUIRE(!feed(message_start));
    BOOST_REQUIRE(!feed(text_start));
    BOOST_REQUIRE(!feed(text_delta));  // warm-up: decoder and event storage
    anthropic::test::allocation_counter counter;
    for (std::size_t i = 0; i < events; ++i)
      if (feed(text_delta)) BOOST_FAIL("apply failed");
    BOOST_REQUIRE(!feed(block_stop(0)));
    BOOST_REQUIRE(!feed(block_start(1, R"({"type":"tool_use","id":"t","name":"n","input":{}})")));
    BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(1, "{")));
    for (std::size_t i = 0; i < events; ++i)
      if (feed(json_delta)) BOOST_FAIL("apply failed");
    return counter.count();
  };
  const std::size_t small = allocations_for(1000);
  const std::size_t large = allocations_for(16000);
  BOOST_TEST_MESSAGE("allocations: 2x1000 deltas " << small << ", 2x16000 deltas " << large);
  // Growing a string geometrically: about log2(16) more reallocations per
  // string for 16 times the events, plus the few of two block starts.
  BOOST_TEST(large <= small + 12);
  BOOST_TEST(large < 80u);
}

BOOST_AUTO_TEST_CASE(mcp_tool_use_input_streams_into_the_unknown_block) {
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(block_start(
      0, R"({"type":"mcp_tool_use","id":"mcptoolu_1","name":"echo","server_name":"tools","input":{}})")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, "")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, R"({"text": "he)")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, R"(llo", "n": [1, )")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, R"({"deep": null}]})")));
  BOOST_REQUIRE(!feed(block_stop(0)));
  // A second one without fragments keeps the input of its start.
  BOOST_REQUIRE(!feed(block_start(
      1, R"({"type":"mcp_tool_use","id":"mcptoolu_2","name":"now","server_name":"tools","input":{}})")));
  BOOST_REQUIRE(!feed(block_stop(1)));
  BOOST_REQUIRE(!feed(R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}})"));
  BOOST_REQUIRE(!feed(R"({"type":"message_stop"})"));

  const auto* block = feed.acc.message().content.at(0).get_if<anthropic::unknown_block>();
  BOOST_REQUIRE(block);
  BOOST_TEST(block->json.at("input") == boost::json::parse(R"({"text": "hello", "n": [1, {"deep": null}]})"));
  check_equals_non_streamed(
      feed.acc.message(),
      R"({"id":"msg_1","type":"message","role":"assistant","model":"m","content":[)"
      R"({"type":"mcp_tool_use","id":"mcptoolu_1","name":"echo","server_name":"tools","input":{"text":"hello","n":[1,{"deep":null}]}},)"
      R"({"type":"mcp_tool_use","id":"mcptoolu_2","name":"now","server_name":"tools","input":{}}],)"
      R"("stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":9}})");
}

BOOST_AUTO_TEST_CASE(unknown_block_input_must_be_json) {
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(block_start(0, R"({"type":"future_tool_use","input":{}})")));
  BOOST_REQUIRE(!feed(anthropic::test::input_json_delta_event(0, R"({"a":)")));
  const anthropic::message before = feed.acc.message();
  BOOST_TEST((feed(block_stop(0)) == client_errc::invalid_tool_input));
  BOOST_TEST((feed.acc.message() == before));

  // Which JSON a block type unknown to the library takes is not for it to judge.
  feeder other;
  BOOST_REQUIRE(!other(message_start));
  BOOST_REQUIRE(!other(block_start(0, R"({"type":"future_tool_use"})")));
  BOOST_REQUIRE(!other(anthropic::test::input_json_delta_event(0, "[1, 2]")));
  BOOST_REQUIRE(!other(block_stop(0)));
  BOOST_TEST(other.acc.message().content[0].get_if<anthropic::unknown_block>()->json.at("input") ==
             boost::json::parse("[1, 2]"));
}

BOOST_AUTO_TEST_CASE(deltas_into_an_unknown_block_land_in_its_json) {
  const std::string citation =
      R"({"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"char_location",)"
      R"("cited_text":"grass","document_index":0,"document_title":null,"start_char_index":0,"end_char_index":5}}})";
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  // A future block with a text member already started, one without thinking.
  BOOST_REQUIRE(!feed(block_start(0, R"({"type":"future_text","text":"A","citations":null,"x":1})")));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "B")));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "C")));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"t1"}})"));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"t2"}})"));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"s1"}})"));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"s2"}})"));
  BOOST_REQUIRE(!feed(citation));
  BOOST_REQUIRE(!feed(citation));
  BOOST_REQUIRE(!feed(R"({"type":"content_block_delta","index":0,"delta":{"type":"future_delta","x":2}})"));
  BOOST_REQUIRE(!feed(block_stop(0)));
  // A member of another kind has no place for the delta: skipped, not fatal.
  BOOST_REQUIRE(!feed(block_start(1, R"({"type":"future_text","text":7})")));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(1, "lost")));
  BOOST_REQUIRE(!feed(block_stop(1)));
  BOOST_REQUIRE(!feed(R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}})"));
  BOOST_REQUIRE(!feed(R"({"type":"message_stop"})"));

  const std::string cited =
      R"({"type":"char_location","cited_text":"grass","document_index":0,"document_title":null,"start_char_index":0,"end_char_index":5})";
  check_equals_non_streamed(
      feed.acc.message(),
      R"({"id":"msg_1","type":"message","role":"assistant","model":"m","content":[)"
      R"({"type":"future_text","text":"ABC","citations":[)" + cited + "," + cited +
          R"(],"x":1,"thinking":"t1t2","signature":"s2"},{"type":"future_text","text":7}],)"
          R"("stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":3}})");
}

BOOST_AUTO_TEST_CASE(unknown_message_delta_and_usage_members_reach_the_message) {
  feeder feed;
  BOOST_REQUIRE(!feed(
      R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],)"
      R"("stop_reason":null,"stop_sequence":null,"container":null,)"
      R"("usage":{"input_tokens":10,"output_tokens":1,"service_tier":"standard","old_counter":1}}})"));
  BOOST_REQUIRE(!feed(text_start));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "Hi")));
  BOOST_REQUIRE(!feed(block_stop(0)));
  BOOST_REQUIRE(!feed(
      R"({"type":"message_delta","delta":{"stop_reason":"pause_turn","stop_sequence":null,"container":{"id":"c_0"}},)"
      R"("usage":{"output_tokens":3,"new_counter":1,"cache_creation":{"ephemeral_5m_input_tokens":4}}})"));
  // Later values replace earlier ones; a null fills only what is not there yet.
  BOOST_REQUIRE(!feed(
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null,)"
      R"("container":{"id":"c_1","expires_at":"2025-01-01T00:00:00Z"},"stop_details":null},)"
      R"("context_management":{"applied_edits":[]},)"
      R"("usage":{"output_tokens":5,"new_counter":3,"old_counter":null,"input_tokens":null,"null_counter":null}})"));
  BOOST_REQUIRE(!feed(R"({"type":"message_stop"})"));

  const anthropic::message& m = feed.acc.message();
  BOOST_TEST(m.extra.at("container").at("id") == "c_1");
  BOOST_TEST(m.extra.contains("context_management"));
  BOOST_TEST(m.usage.output_tokens == 5u);
  BOOST_TEST(m.usage.input_tokens == 10u);
  BOOST_TEST(m.usage.extra.at("new_counter") == 3);
  BOOST_TEST(m.usage.extra.at("old_counter") == 1);
  BOOST_REQUIRE(m.usage.cache_creation);
  BOOST_TEST(m.usage.cache_creation->ephemeral_5m_input_tokens.value_or(0) == 4u);
  check_equals_non_streamed(
      m, R"({"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Hi"}],)"
         R"("stop_reason":"end_turn","stop_sequence":null,)"
         R"("container":{"id":"c_1","expires_at":"2025-01-01T00:00:00Z"},"stop_details":null,)"
         R"("context_management":{"applied_edits":[]},)"
         R"("usage":{"input_tokens":10,"output_tokens":5,"service_tier":"standard","old_counter":1,"new_counter":3,)"
         R"("null_counter":null,"cache_creation":{"ephemeral_5m_input_tokens":4}}})");
}

BOOST_AUTO_TEST_CASE(message_delta_with_a_misshapen_usage_changes_nothing) {
  feeder feed;
  BOOST_REQUIRE(!feed(message_start));
  const anthropic::message before = feed.acc.message();
  BOOST_TEST((feed(R"({"type":"message_delta","delta":{"stop_reason":"end_turn","container":{}},)"
                   R"("usage":{"output_tokens":5,"service_tier":7}})") == client_errc::invalid_message));
  BOOST_TEST((feed.acc.message() == before));
}

// The SSE name is what the stream decodes with: a ping or an unknown event
// never fails it, whatever its data, before, inside or after the message.
BOOST_AUTO_TEST_CASE(named_ping_and_unknown_events_with_any_data_are_ignored) {
  feeder feed;
  const auto skipped = [&] {
    for (std::string_view data : {"", "not json", "{", "{}", "[1]"}) {
      BOOST_REQUIRE(!feed.named("ping", data));
      BOOST_REQUIRE(!feed.named("future_event", data));
    }
  };
  skipped();
  BOOST_TEST(!feed.acc.started());
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(text_start));
  skipped();
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "hi")));
  BOOST_REQUIRE(!feed(block_stop(0)));
  BOOST_REQUIRE(!feed(R"({"type":"message_stop"})"));
  skipped();
  BOOST_TEST(text_of(feed.acc.message(), 0) == "hi");
  BOOST_TEST(feed.acc.complete());
}

BOOST_AUTO_TEST_CASE(size_limit_stops_growth_and_keeps_the_message) {
  feeder feed;
  feed.acc.set_max_size(message_start.size() + text_start.size() + 10);
  BOOST_TEST(feed.acc.max_size() == message_start.size() + text_start.size() + 10);
  BOOST_REQUIRE(!feed(message_start));
  BOOST_REQUIRE(!feed(text_start));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "12345")));
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "67890")));  // exactly at the limit
  BOOST_TEST(feed.acc.accumulated_size() == feed.acc.max_size());
  const anthropic::message before = feed.acc.message();
  BOOST_TEST((feed(anthropic::test::text_delta_event(0, "x")) == client_errc::message_too_large));
  BOOST_TEST((feed.acc.message() == before));
  BOOST_TEST(text_of(feed.acc.message(), 0) == "1234567890");
  BOOST_TEST(feed.acc.accumulated_size() == feed.acc.max_size());
  // What adds no data still applies.
  BOOST_REQUIRE(!feed(anthropic::test::text_delta_event(0, "")));
  BOOST_REQUIRE(!feed(block_stop(0)));
  BOOST_REQUIRE(!feed(R"({"type":"ping"})"));
  BOOST_REQUIRE(!feed(R"({"type":"message_stop"})"));
  BOOST_TEST(feed.acc.complete());

  // reset() keeps the limit and starts counting again.
  feed.acc.reset();
  BOOST_TEST(feed.acc.accumulated_size() == 0u);
  BOOST_TEST(feed.acc.max_size() == message_start.size() + text_start.size() + 10);
  BOOST_REQUIRE(!feed(message_start));
}

// Every kind of event that adds data is bounded, into modelled blocks and
// unknown ones alike; the refused event changes nothing.
BOOST_AUTO_TEST_CASE(size_limit_applies_to_every_kind_of_data) {
  struct scenario {
    const char* what;
    std::string start;  // the block the offending event goes into
    std::string offending;
  };
  const std::string citation =
      R"({"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"c"}}})";
  const std::string mcp_start =
      block_start(0, R"({"type":"mcp_tool_use","id":"mcptoolu_1","name":"echo","server_name":"s","input":{}})");
  const std::vector<scenario> scenarios = {
      {"text", std::string(text_start), anthropic::test::text_delta_event(0, "x")},
      {"citation", std::string(text_start), citation},
      {"thinking", std::string(thinking_start),
       R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"t"}})"},
      {"signature", std::string(thinking_start),
       R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"s"}})"},
      {"tool input", std::string(tool_start), anthropic::test::input_json_delta_event(0, "{")},
      {"mcp tool input", mcp_start, anthropic::test::input_json_delta_event(0, "{")},
      {"text into an unknown block", mcp_start, anthropic::test::text_delta_event(0, "x")},
      {"citation into an unknown block", mcp_start, citation},
      {"next block start", std::string(text_start), block_start(1, R"({"type":"text","text":""})")},
      {"message_delta", std::string(text_start),
       R"({"type":"message_delta","delta":{"stop_reason":"end_turn","container":{"id":"c"}},"usage":{"output_tokens":5,"n":1}})"},
  };
  for (const auto& s : scenarios) {
    BOOST_TEST_CONTEXT(s.what) {
      feeder feed;
      feed.acc.set_max_size(message_start.size() + s.start.size());
      BOOST_REQUIRE(!feed(message_start));
      BOOST_REQUIRE(!feed(s.start));
      const anthropic::message before = feed.acc.message();
      BOOST_TEST((feed(s.offending) == client_errc::message_too_large));
      BOOST_TEST((feed.acc.message() == before));
      // With room for it, it applies.
      feed.acc.set_max_size(feed.acc.max_size() + s.offending.size());
      BOOST_TEST(!feed(s.offending));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
