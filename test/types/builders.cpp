// Builders: turns, images and documents from raw bytes (base64 on known
// vectors), tools, tool results and the tool-use loop step.
#include <anthropic/types/base64.hpp>
#include <anthropic/types/builders.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(builders)

BOOST_AUTO_TEST_CASE(base64_matches_rfc4648_vectors) {
  BOOST_TEST(anthropic::detail::base64_encode("") == "");
  BOOST_TEST(anthropic::detail::base64_encode("f") == "Zg==");
  BOOST_TEST(anthropic::detail::base64_encode("fo") == "Zm8=");
  BOOST_TEST(anthropic::detail::base64_encode("foo") == "Zm9v");
  BOOST_TEST(anthropic::detail::base64_encode("foob") == "Zm9vYg==");
  BOOST_TEST(anthropic::detail::base64_encode("fooba") == "Zm9vYmE=");
  BOOST_TEST(anthropic::detail::base64_encode("foobar") == "Zm9vYmFy");
}

BOOST_AUTO_TEST_CASE(base64_encodes_binary_bytes) {
  // High bytes, NUL and the two non-alphanumeric digits '+' and '/'.
  const std::string bytes{'\x00', '\xff', '\xfe', '\xfb', '\xef', '\x80'};
  BOOST_TEST(anthropic::detail::base64_encode(bytes) == "AP/++++A");
  // The 8-byte PNG signature.
  BOOST_TEST(anthropic::detail::base64_encode(std::string("\x89PNG\r\n\x1a\n", 8)) == "iVBORw0KGgo=");
}

BOOST_AUTO_TEST_CASE(image_and_document_blocks_have_documented_json) {
  const auto image = anthropic::image_base64(std::string("\x89PNG\r\n\x1a\n", 8), "image/png");
  BOOST_TEST(json::value_from(image) ==
             json::parse(R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}})"));
  BOOST_TEST(json::value_from(anthropic::image_url("https://example.com/a.jpg")) ==
             json::parse(R"({"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}})"));
  auto pdf = anthropic::pdf_base64("%PDF-1.4");
  pdf.title = "Spec";
  BOOST_TEST(json::value_from(pdf) ==
             json::parse(R"({"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="},"title":"Spec"})"));
  BOOST_TEST(json::value_from(anthropic::pdf_url("https://example.com/a.pdf")) ==
             json::parse(R"({"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}})"));
}

BOOST_AUTO_TEST_CASE(turns_use_string_shorthand_only_for_plain_text) {
  BOOST_TEST(json::value_from(anthropic::user("hi")) == json::parse(R"({"role":"user","content":"hi"})"));
  BOOST_TEST(json::value_from(anthropic::assistant("{")) == json::parse(R"({"role":"assistant","content":"{"})"));
  auto cached = anthropic::user({anthropic::text_block{.text = "long", .cache_control = anthropic::cache_control{}}});
  BOOST_TEST(json::value_from(cached) ==
             json::parse(R"({"role":"user","content":[{"type":"text","text":"long","cache_control":{"type":"ephemeral"}}]})"));
}

BOOST_AUTO_TEST_CASE(tool_loop_appends_reply_then_results) {
  anthropic::message reply;
  BOOST_REQUIRE(!anthropic::parse_message(
      R"({"id":"msg_1","type":"message","role":"assistant","model":"m","stop_reason":"tool_use","stop_sequence":null,
          "usage":{"input_tokens":1,"output_tokens":1},"content":[
          {"type":"thinking","thinking":"need weather","signature":"sig"},
          {"type":"tool_use","id":"toolu_a","name":"get_weather","input":{"location":"Paris"}},
          {"type":"tool_use","id":"toolu_b","name":"get_time","input":{}}]})",
      reply));
  const auto calls = anthropic::tool_calls(reply);
  BOOST_REQUIRE_EQUAL(calls.size(), 2u);
  BOOST_TEST(calls[0]->id == "toolu_a");
  BOOST_TEST(calls[1]->name == "get_time");

  std::vector<anthropic::message_param> conversation{anthropic::user("Weather and time in Paris?")};
  anthropic::append_tool_results(conversation, reply,
                                 {anthropic::tool_result(calls[0]->id, "15 C"),
                                  anthropic::tool_result(calls[1]->id, "clock unavailable", true)});
  BOOST_REQUIRE_EQUAL(conversation.size(), 3u);
  // The reply goes back exactly as received, thinking signature included.
  BOOST_TEST(json::value_from(conversation[1]) ==
             json::parse(R"({"role":"assistant","content":[
               {"type":"thinking","thinking":"need weather","signature":"sig"},
               {"type":"tool_use","id":"toolu_a","name":"get_weather","input":{"location":"Paris"}},
               {"type":"tool_use","id":"toolu_b","name":"get_time","input":{}}]})"));
  BOOST_TEST(json::value_from(conversation[2]) ==
             json::parse(R"({"role":"user","content":[
               {"type":"tool_result","tool_use_id":"toolu_a","content":"15 C"},
               {"type":"tool_result","tool_use_id":"toolu_b","content":"clock unavailable","is_error":true}]})"));
}

BOOST_AUTO_TEST_CASE(tools_have_documented_json) {
  const auto weather = anthropic::custom_tool("get_weather", "Get the weather",
                                              json::parse(R"({"type":"object","properties":{}})"));
  BOOST_TEST(json::value_from(weather) ==
             json::parse(R"({"name":"get_weather","description":"Get the weather","input_schema":{"type":"object","properties":{}}})"));
  BOOST_TEST(json::value_from(anthropic::web_search_tool()) ==
             json::parse(R"({"type":"web_search_20250305","name":"web_search"})"));
}

BOOST_AUTO_TEST_SUITE_END()
