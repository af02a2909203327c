// event_decoder: every event type, escapes, member order, huge deltas, errors,
// and no allocation per delta event in steady state.
#include <anthropic/types/stream_event.hpp>

#include "decode/stream_helpers.hpp"
#include "support/allocation_counter.hpp"

#include <boost/json/object.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

using anthropic::client_errc;
using anthropic::delta_type;
using anthropic::event_decoder;
using anthropic::event_type;
using anthropic::stream_event;

namespace {

bool points_into(std::string_view part, std::string_view whole) {
  const std::less<const char*> before;
  return !before(part.data(), whole.data()) && !before(whole.data() + whole.size(), part.data() + part.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(event_decoder_tests)

BOOST_AUTO_TEST_CASE(unescaped_text_delta_is_a_view_into_the_payload) {
  const std::string data = R"({"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"Hello, world"}})";
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(data, ev));
  BOOST_TEST((ev.type() == event_type::content_block_delta));
  BOOST_TEST(ev.type_name() == "content_block_delta");
  BOOST_TEST(ev.raw_json() == data);
  BOOST_TEST(ev.index() == 3u);
  BOOST_TEST((ev.delta() == delta_type::text));
  BOOST_TEST(ev.delta_type_name() == "text_delta");
  BOOST_REQUIRE(ev.text_delta());
  BOOST_TEST(*ev.text_delta() == "Hello, world");
  BOOST_TEST(points_into(*ev.text_delta(), data));
  BOOST_TEST(!ev.thinking_delta());
  BOOST_TEST(!ev.partial_json());
  BOOST_TEST(!ev.signature_delta());
  BOOST_TEST(ev.citation() == nullptr);
  BOOST_TEST(ev.started_message() == nullptr);
}

// Names are matched exactly, whatever their length: one byte off at the start,
// inside a word, in the last byte, or one byte short or long, and the name is
// not the known one (an unknown event or delta, or a key that is not "text").
BOOST_AUTO_TEST_CASE(names_match_only_exactly) {
  event_decoder decoder;
  stream_event ev;
  auto delta_event = [](std::string_view event_type, std::string_view delta_type, std::string_view text_key) {
    return R"({"type":")" + std::string(event_type) + R"(","index":0,"delta":{"type":")" + std::string(delta_type) +
           R"(",")" + std::string(text_key) + R"(":"x"}})";
  };
  BOOST_REQUIRE(!decoder.decode(delta_event("content_block_delta", "text_delta", "text"), ev));
  BOOST_TEST((ev.type() == event_type::content_block_delta));
  BOOST_TEST((ev.delta() == delta_type::text));
  for (std::string_view near : {"Content_block_delta", "content_blocK_delta", "content_block_deltA",
                                "content_block_delt", "content_block_delta_", "content_block_delta\\u0000"}) {
    BOOST_TEST_CONTEXT(near) {
      BOOST_REQUIRE(!decoder.decode(delta_event(near, "text_delta", "text"), ev));
      BOOST_TEST((ev.type() == event_type::unknown));
    }
  }
  for (std::string_view near : {"Text_delta", "text_Delta", "text_deltA", "text_delt", "text_deltas"}) {
    BOOST_TEST_CONTEXT(near) {
      BOOST_REQUIRE(!decoder.decode(delta_event("content_block_delta", near, "text"), ev));
      BOOST_TEST((ev.delta() == delta_type::unknown));
      BOOST_TEST(!ev.text_delta());
    }
  }
  // A text delta without its "text" (the key near it is some other member).
  for (std::string_view near : {"Text", "texT", "tex", "texts"}) {
    BOOST_TEST_CONTEXT(near) {
      BOOST_TEST((decoder.decode(delta_event("content_block_delta", "text_delta", near), ev) ==
                  client_errc::invalid_message));
    }
  }
}

BOOST_AUTO_TEST_CASE(escaped_strings_are_unescaped) {
  const std::string data =
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\"b\\c\/d\n\t\r\b\fe"}})";
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(data, ev));
  BOOST_REQUIRE(ev.text_delta());
  BOOST_TEST(*ev.text_delta() == "a\"b\\c/d\n\t\r\b\fe");
}

BOOST_AUTO_TEST_CASE(unicode_escapes_and_raw_utf8) {
  event_decoder decoder;
  stream_event ev;
  // \u escapes: 1, 2 and 3 UTF-8 bytes, and a surrogate pair (4 bytes).
  const std::string escaped =
      R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"\u0041\u00e9\u20AC\ud83d\ude00!"}})";
  BOOST_REQUIRE(!decoder.decode(escaped, ev));
  BOOST_REQUIRE(ev.thinking_delta());
  BOOST_TEST(*ev.thinking_delta() == "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80!");

  // Raw multi-byte UTF-8 needs no unescaping: a view into the payload.
  const std::string raw =
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
      "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC\"}}";
  BOOST_REQUIRE(!decoder.decode(raw, ev));
  BOOST_TEST(*ev.text_delta() == "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC");
  BOOST_TEST(points_into(*ev.text_delta(), raw));

  // A lone surrogate or malformed UTF-8 is not valid JSON text.
  BOOST_TEST((decoder.decode(R"({"type":"ping","x":"\ud83d"})", ev) == client_errc::invalid_json));
  BOOST_TEST((decoder.decode("{\"type\":\"ping\",\"x\":\"\xC3\"}", ev) == client_errc::invalid_json));
  BOOST_TEST((decoder.decode("{\"type\":\"ping\",\"x\":\"\xF0\x9F\x98\"}", ev) == client_errc::invalid_json));
}

BOOST_AUTO_TEST_CASE(member_order_whitespace_and_escaped_keys_do_not_matter) {
  event_decoder decoder;
  stream_event ev;
  const std::string data =
      " \r\n\t{ \"delta\" : { \"partial_json\" : \"{\\\"a\\\": 1\" , \"type\" : \"input_json_delta\" } ,\n"
      "  \"extra\": [1, {\"type\": \"nested\", \"index\": 9}], \"ind\\u0065x\" : 7 , \"t\\u0079pe\":\"content_block_delta\" } \n";
  BOOST_REQUIRE(!decoder.decode(data, ev));
  BOOST_TEST((ev.type() == event_type::content_block_delta));
  BOOST_TEST(ev.index() == 7u);
  BOOST_TEST((ev.delta() == delta_type::input_json));
  BOOST_REQUIRE(ev.partial_json());
  BOOST_TEST(*ev.partial_json() == "{\"a\": 1");
  BOOST_TEST(!ev.text_delta());
}

BOOST_AUTO_TEST_CASE(the_last_duplicate_member_wins) {
  event_decoder decoder;
  stream_event ev;
  const std::string data =
      R"({"type":"ping","index":1,"delta":{"type":"thinking_delta","thinking":"old"},"type":"content_block_delta",)"
      R"("index":2,"delta":{"type":"text_delta","text":"new"}})";
  BOOST_REQUIRE(!decoder.decode(data, ev));
  BOOST_TEST((ev.type() == event_type::content_block_delta));
  BOOST_TEST(ev.index() == 2u);
  BOOST_TEST((ev.delta() == delta_type::text));
  BOOST_TEST(*ev.text_delta() == "new");
}

BOOST_AUTO_TEST_CASE(empty_partial_json_is_present_and_empty) {
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})", ev));
  BOOST_REQUIRE(ev.partial_json());
  BOOST_TEST(ev.partial_json()->empty());
}

BOOST_AUTO_TEST_CASE(one_mebibyte_deltas) {
  event_decoder decoder;
  stream_event ev;
  std::string text;
  for (std::size_t i = 0; text.size() < (1u << 20); ++i) text += static_cast<char>('a' + i % 26);

  const std::string plain = anthropic::test::text_delta_event(0, text);
  BOOST_REQUIRE(!decoder.decode(plain, ev));
  BOOST_TEST(ev.text_delta()->size() == text.size());
  BOOST_TEST((*ev.text_delta() == text));
  BOOST_TEST(points_into(*ev.text_delta(), plain));

  // Escapes throughout: the parser hands the string over in many pieces.
  std::string quoted;
  for (std::size_t i = 0; quoted.size() < (1u << 20); ++i) quoted += (i % 3 == 0) ? "\"\xC3\xA9\n" : "xy";
  const std::string escaped = anthropic::test::text_delta_event(0, quoted);
  BOOST_REQUIRE(!decoder.decode(escaped, ev));
  BOOST_TEST((*ev.text_delta() == quoted));
}

BOOST_AUTO_TEST_CASE(message_start) {
  event_decoder decoder;
  stream_event ev;
  const std::string data =
      R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m",)"
      R"("stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}})";
  BOOST_REQUIRE(!decoder.decode(data, ev));
  BOOST_TEST((ev.type() == event_type::message_start));
  BOOST_REQUIRE(ev.started_message());
  BOOST_TEST(ev.started_message()->id == "msg_1");
  BOOST_TEST(ev.started_message()->model == "m");
  BOOST_TEST(ev.started_message()->usage.input_tokens == 472u);
  BOOST_TEST(!ev.started_message()->stop_reason);
  BOOST_TEST(ev.started_block() == nullptr);
  BOOST_TEST((ev.delta() == delta_type::none));
}

BOOST_AUTO_TEST_CASE(content_block_start_and_stop) {
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(
      R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}})",
      ev));
  BOOST_TEST((ev.type() == event_type::content_block_start));
  BOOST_TEST(ev.index() == 1u);
  BOOST_REQUIRE(ev.started_block());
  const auto* tool = ev.started_block()->get_if<anthropic::tool_use_block>();
  BOOST_REQUIRE(tool);
  BOOST_TEST(tool->name == "get_weather");

  BOOST_REQUIRE(!decoder.decode(R"({"type":"content_block_stop","index":1})", ev));
  BOOST_TEST((ev.type() == event_type::content_block_stop));
  BOOST_TEST(ev.index() == 1u);
  BOOST_TEST(ev.started_block() == nullptr);  // the previous event's accessors are gone
}

BOOST_AUTO_TEST_CASE(message_delta) {
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(
      R"({"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"\n\nHuman:"},)"
      R"("usage":{"output_tokens":510,"input_tokens":10682,"cache_creation_input_tokens":0,"cache_read_input_tokens":null,)"
      R"("server_tool_use":{"web_search_requests":1}}})",
      ev));
  BOOST_TEST((ev.type() == event_type::message_delta));
  BOOST_TEST(ev.stop_reason().value_or("") == "stop_sequence");
  BOOST_TEST(ev.stop_sequence().value_or("") == "\n\nHuman:");
  BOOST_REQUIRE(ev.usage());
  BOOST_TEST(ev.usage()->output_tokens.value_or(0) == 510u);
  BOOST_TEST(ev.usage()->input_tokens.value_or(0) == 10682u);
  BOOST_TEST(ev.usage()->cache_creation_input_tokens.value_or(99) == 0u);
  BOOST_TEST(!ev.usage()->cache_read_input_tokens);
  BOOST_REQUIRE(ev.usage()->server_tool_use);
  BOOST_TEST(ev.usage()->server_tool_use->web_search_requests.value_or(0) == 1u);

  // The docs' thinking stream: no usage, null stop_sequence.
  BOOST_REQUIRE(!decoder.decode(
      R"({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}})", ev));
  BOOST_TEST(ev.stop_reason().value_or("") == "end_turn");
  BOOST_TEST(!ev.stop_sequence());
  BOOST_TEST(ev.usage() == nullptr);
}

BOOST_AUTO_TEST_CASE(message_delta_json_holds_what_the_accessors_do_not) {
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn","container":{"id":"c_1"}},)"
      R"("context_management":{"applied_edits":[]},"usage":{"output_tokens":5,"new_counter":3}})",
      ev));
  const boost::json::object* json = ev.message_delta_json();
  BOOST_REQUIRE(json);
  BOOST_TEST(json->at("delta").at("container").at("id") == "c_1");
  BOOST_TEST(json->contains("context_management"));
  BOOST_TEST(json->at("usage").at("new_counter") == 3);
  // Only message_delta exposes it, even though other rare events are parsed too.
  BOOST_REQUIRE(!decoder.decode(R"({"type":"error","error":{"type":"api_error","message":"m"}})", ev));
  BOOST_TEST(ev.message_delta_json() == nullptr);
}

BOOST_AUTO_TEST_CASE(error_event) {
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(
      R"({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})", ev));
  BOOST_TEST((ev.type() == event_type::error));
  BOOST_TEST(ev.error_type() == "overloaded_error");
  BOOST_TEST(ev.error_message() == "Overloaded");
  BOOST_TEST(ev.request_id().empty());

  BOOST_REQUIRE(!decoder.decode(
      R"({"type":"error","error":{"type":"new_error","message":"m"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})", ev));
  BOOST_TEST(ev.error_type() == "new_error");
  BOOST_TEST(ev.request_id() == "req_011CSHoEeqs5C35K2UUqR7Fy");
}

BOOST_AUTO_TEST_CASE(citations_delta) {
  event_decoder decoder;
  stream_event ev;
  BOOST_REQUIRE(!decoder.decode(
      R"({"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"char_location",)"
      R"("cited_text":"The grass is green.","document_index":0,"document_title":"Doc","start_char_index":0,"end_char_index":20}}})",
      ev));
  BOOST_TEST((ev.delta() == delta_type::citations));
  BOOST_REQUIRE(ev.citation());
  BOOST_TEST(ev.citation()->type == "char_location");
  BOOST_TEST(ev.citation()->cited_text == "The grass is green.");
  BOOST_TEST(!ev.text_delta());
}

BOOST_AUTO_TEST_CASE(unknown_event_and_delta_types_pass_through) {
  event_decoder decoder;
  stream_event ev;
  const std::string data = R"({"type":"future_event","payload":{"x":[1,2,3]}})";
  BOOST_REQUIRE(!decoder.decode(data, ev));
  BOOST_TEST((ev.type() == event_type::unknown));
  BOOST_TEST(ev.type_name() == "future_event");
  BOOST_TEST(ev.raw_json() == data);

  BOOST_REQUIRE(!decoder.decode(
      R"({"type":"content_block_delta","index":0,"delta":{"type":"future_delta","stuff":true}})", ev));
  BOOST_TEST((ev.delta() == delta_type::unknown));
  BOOST_TEST(ev.delta_type_name() == "future_delta");

  BOOST_REQUIRE(!decoder.decode(R"({"type": "ping"})", ev));
  BOOST_TEST((ev.type() == event_type::ping));
  BOOST_REQUIRE(!decoder.decode(R"({"type":"message_stop"})", ev));
  BOOST_TEST((ev.type() == event_type::message_stop));
}

// The SSE name decides for the events a client skips: a ping or an unknown
// event never fails, whatever its data holds.
BOOST_AUTO_TEST_CASE(named_ping_and_unknown_events_decode_with_any_data) {
  event_decoder decoder;
  stream_event ev;
  for (std::string_view data : {"", " ", "not json", "{", "[]", "42", "{}", R"({"type":7})", R"({"type":"ping"} x)",
                                R"({"type":"content_block_delta","index":0})"}) {
    BOOST_TEST_CONTEXT("data: " << data) {
      BOOST_TEST(!decoder.decode("ping", data, ev));
      BOOST_TEST((ev.type() == event_type::ping));
      BOOST_TEST(ev.type_name() == "ping");
      BOOST_TEST(ev.raw_json() == data);

      BOOST_TEST(!decoder.decode("future_event", data, ev));
      BOOST_TEST((ev.type() == event_type::unknown));
      BOOST_TEST(ev.type_name() == "future_event");
      BOOST_TEST(ev.raw_json() == data);

      // Without a name (or with a name the client needs) only the data counts.
      BOOST_TEST(decoder.decode("message", data, ev));
      BOOST_TEST(decoder.decode("content_block_delta", data, ev));
      BOOST_TEST(decoder.decode("message_stop", data, ev));
    }
  }
  // Data that decodes is taken as it is, whatever the name.
  BOOST_REQUIRE(!decoder.decode("ping", R"({"type":"ping"})", ev));
  BOOST_TEST((ev.type() == event_type::ping));
  // The event views its data, which must outlive it.
  std::string const delta = anthropic::test::text_delta_event(2, "hi");
  BOOST_REQUIRE(!decoder.decode("future_event", delta, ev));
  BOOST_TEST((ev.type() == event_type::content_block_delta));
  BOOST_TEST(*ev.text_delta() == "hi");
  BOOST_REQUIRE(!decoder.decode("message", R"({"type":"message_stop"})", ev));
  BOOST_TEST((ev.type() == event_type::message_stop));
}

BOOST_AUTO_TEST_CASE(malformed_json_is_invalid_json) {
  event_decoder decoder;
  stream_event ev;
  for (std::string_view bad : {"", " ", "{", "not json", R"({"type":"ping"} x)", R"({"type":"ping"}{})",
                               R"({"type":"ping",})", R"({"type":'ping'})", R"({"type":"ping" /* c */})",
                               R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a)",
                               "{\"type\":\"text\x01\"}", R"({"type":"ping","n":01})"}) {
    BOOST_TEST((decoder.decode(bad, ev) == client_errc::invalid_json), "payload: " << bad);
    BOOST_TEST((ev.type() == event_type::unknown));
    BOOST_TEST(ev.raw_json().empty());
  }
  // The error code explains itself.
  BOOST_TEST(make_error_code(client_errc::invalid_json).message() == "the server sent invalid JSON");
}

BOOST_AUTO_TEST_CASE(wrong_shapes_are_invalid_message) {
  event_decoder decoder;
  stream_event ev;
  for (std::string_view bad : {
           R"([])", R"("ping")", R"(42)", R"({})", R"({"type":7})", R"({"type":null})", R"({"type":{"a":1}})",
           // content_block_delta: index missing, negative, fractional, a string; delta missing or of the wrong kind
           R"({"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}})",
           R"({"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"x"}})",
           R"({"type":"content_block_delta","index":1.5,"delta":{"type":"text_delta","text":"x"}})",
           R"({"type":"content_block_delta","index":"0","delta":{"type":"text_delta","text":"x"}})",
           R"({"type":"content_block_delta","index":0})",
           R"({"type":"content_block_delta","index":0,"delta":null})",
           R"({"type":"content_block_delta","index":0,"delta":["text_delta"]})",
           R"({"type":"content_block_delta","index":0,"delta":{"text":"x"}})",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}})",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}})",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":null}})",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":{}}})",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta"}})",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":"x"}})",
           R"({"type":"content_block_stop"})",
           R"({"type":"content_block_start","index":0})",
           R"({"type":"content_block_start","content_block":{"type":"text","text":""}})",
           R"({"type":"content_block_start","index":0,"content_block":[]})",
           R"({"type":"message_start"})",
           R"({"type":"message_start","message":"msg"})",
           R"({"type":"message_delta"})",
           R"({"type":"message_delta","delta":{"stop_reason":1}})",
           R"({"type":"message_delta","delta":{},"usage":{"output_tokens":"many"}})",
           R"({"type":"message_delta","delta":{},"usage":[]})",
           R"({"type":"error"})",
           R"({"type":"error","error":{"message":"no type"}})",
           R"({"type":"error","error":{"type":"api_error","message":7}})",
       }) {
    BOOST_TEST((decoder.decode(bad, ev) == client_errc::invalid_message), "payload: " << bad);
  }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_bounded) {
  event_decoder decoder;
  stream_event ev;
  std::string deep = R"({"type":"unknown_event","x":)";
  for (int i = 0; i < 10000; ++i) deep += '[';
  for (int i = 0; i < 10000; ++i) deep += ']';
  deep += '}';
  BOOST_TEST((decoder.decode(deep, ev) == client_errc::invalid_json));
}

BOOST_AUTO_TEST_CASE(every_event_of_the_docs_streams_decodes) {
  for (std::string_view name : {"docs-tool-use.sse", "docs-thinking.sse"}) {
    event_decoder decoder;
    stream_event ev;
    const auto payloads = anthropic::test::spec_stream_payloads(name);
    BOOST_TEST(!payloads.empty());
    for (const auto& data : payloads) {
      BOOST_TEST(!decoder.decode(data, ev), name << ": " << data);
      BOOST_TEST((ev.type() != event_type::unknown));
    }
  }
}

BOOST_AUTO_TEST_CASE(decoder_moves_into_a_stream_object) {
  static_assert(std::is_nothrow_move_constructible_v<event_decoder>);
  static_assert(std::is_nothrow_move_assignable_v<event_decoder>);
  event_decoder first;
  stream_event ev;
  BOOST_REQUIRE(!first.decode(anthropic::test::text_delta_event(0, "esc\"aped"), ev));
  event_decoder second(std::move(first));
  BOOST_REQUIRE(!second.decode(anthropic::test::text_delta_event(0, "more \"escapes\""), ev));
  BOOST_TEST(*ev.text_delta() == "more \"escapes\"");
  first = std::move(second);
  BOOST_REQUIRE(!first.decode(R"({"type":"content_block_stop","index":4})", ev));
  BOOST_TEST(ev.index() == 4u);
}

BOOST_AUTO_TEST_CASE(delta_events_do_not_allocate_in_steady_state) {
  if (!anthropic::test::allocation_counting_enabled()) {
    BOOST_TEST_MESSAGE("allocation counting is off in sanitizer builds; skipped");
    return;
  }
  // Plain and escaped text, thinking, tool input and signatures, as a stream mixes them.
  const std::vector<std::string> events = {
      anthropic::test::text_delta_event(0, " the quick brown fox jumps over the lazy dog"),
      anthropic::test::text_delta_event(0, "line one\nline \"two\" \xC3\xA9\\"),
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\u00e9\ud83d\ude00"}})",
      R"({"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"\n2. 453 = 400 + 50 + 3"}})",
      anthropic::test::input_json_delta_event(2, R"({"location": "San Francisco, CA")"),
      R"({"type":"content_block_delta","index":1,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}})",
      R"({"type":"content_block_stop","index":0})",
      R"({"type": "ping"})",
  };
  event_decoder decoder;
  stream_event ev;
  for (const auto& e : events) BOOST_REQUIRE(!decoder.decode(e, ev));  // warm-up

  std::size_t bytes = 0;
  anthropic::test::allocation_counter counter;
  for (std::size_t i = 0; i < 10000; ++i) {
    const std::string& data = events[i % events.size()];
    if (decoder.decode(data, ev)) BOOST_FAIL("decode failed");
    bytes += ev.text_delta().value_or("").size() + ev.partial_json().value_or("").size();
  }
  const std::size_t allocations = counter.count();
  BOOST_TEST(allocations == 0u);
  BOOST_TEST(bytes > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
