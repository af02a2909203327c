// Requests serialize to the JSON the API documents; bodies read back in.
#include <anthropic/types/builders.hpp>
#include <anthropic/types/request.hpp>

#include "support/allocation_counter.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace json = boost::json;
using anthropic::message_request;

namespace {
json::value to_json(const message_request& req) { return json::parse(anthropic::serialize(req)); }
}  // namespace

BOOST_AUTO_TEST_SUITE(request_json)

BOOST_AUTO_TEST_CASE(design_example_serializes_to_minimal_body) {
  message_request req{
      .model = "claude-sonnet-4-5@20250929",
      .max_tokens = 150,
      .messages = {anthropic::user("Write a one-sentence bedtime story about a unicorn.")},
      .temperature = 0.7,
  };
  const json::value expected = json::parse(
      R"({"model":"claude-sonnet-4-5@20250929","max_tokens":150,)"
      R"("messages":[{"role":"user","content":"Write a one-sentence bedtime story about a unicorn."}],)"
      R"("temperature":0.7})");
  BOOST_TEST(to_json(req) == expected, anthropic::serialize(req));
}

BOOST_AUTO_TEST_CASE(every_documented_field_is_written) {
  message_request req{
      .model = "m",
      .max_tokens = 20000,
      .messages = {anthropic::user("hi"), anthropic::assistant("Hello"), anthropic::user("weather?")},
      .system = std::vector<anthropic::text_block>{
          {.text = "You are terse.", .cache_control = anthropic::cache_control{.ttl = "1h"}}},
      .temperature = 1.0,
      .top_p = 0.9,
      .top_k = 40,
      .stop_sequences = {"STOP"},
      .stream = true,
      .metadata = anthropic::request_metadata{.user_id = "user-42"},
      .tools = {anthropic::custom_tool("get_weather", "Current weather",
                                       {{"type", "object"},
                                        {"properties", {{"location", {{"type", "string"}}}}},
                                        {"required", {"location"}}}),
                anthropic::web_search_tool(5)},
      .tool_choice = anthropic::tool_choice::named("get_weather"),
      .thinking = anthropic::thinking_config::enabled(16000),
      .service_tier = "standard_only",
      .extra = {{"container", "container_1"}, {"output_config", {{"effort", "high"}}}},
  };
  req.tool_choice->disable_parallel_tool_use = true;
  const json::value expected = json::parse(R"({
    "model":"m","max_tokens":20000,
    "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"weather?"}],
    "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
    "temperature":1.0,"top_p":0.9,"top_k":40,"stop_sequences":["STOP"],"stream":true,
    "metadata":{"user_id":"user-42"},
    "tools":[{"name":"get_weather","description":"Current weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}},
             {"type":"web_search_20250305","name":"web_search","max_uses":5}],
    "tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true},
    "thinking":{"type":"enabled","budget_tokens":16000},
    "service_tier":"standard_only","container":"container_1","output_config":{"effort":"high"}})");
  BOOST_TEST(to_json(req) == expected, anthropic::serialize(req));
}

BOOST_AUTO_TEST_CASE(system_string_tool_choices_and_thinking_modes) {
  message_request req{.model = "m", .max_tokens = 1, .messages = {anthropic::user("x")}, .system = "Be brief."};
  BOOST_TEST(to_json(req).at("system") == json::value("Be brief."));
  BOOST_TEST(!to_json(req).as_object().contains("tools"));        // empty lists are not sent
  BOOST_TEST(!to_json(req).as_object().contains("stop_sequences"));

  req.tool_choice = anthropic::tool_choice::any();
  BOOST_TEST(to_json(req).at("tool_choice") == json::parse(R"({"type":"any"})"));
  req.tool_choice = anthropic::tool_choice::none();
  BOOST_TEST(to_json(req).at("tool_choice") == json::parse(R"({"type":"none"})"));
  req.tool_choice = anthropic::tool_choice::automatic();
  BOOST_TEST(to_json(req).at("tool_choice") == json::parse(R"({"type":"auto"})"));
  req.thinking = anthropic::thinking_config::disabled();
  BOOST_TEST(to_json(req).at("thinking") == json::parse(R"({"type":"disabled"})"));
  req.thinking = anthropic::thinking_config::adaptive();
  req.thinking->display = "omitted";
  BOOST_TEST(to_json(req).at("thinking") == json::parse(R"({"type":"adaptive","display":"omitted"})"));
}

BOOST_AUTO_TEST_CASE(typed_member_wins_over_extra_of_same_name) {
  message_request req{.model = "typed", .max_tokens = 5, .extra = {{"model", "raw"}, {"provider", {{"order", {"a"}}}}}};
  const json::value body = to_json(req);
  BOOST_TEST(body.at("model") == json::value("typed"));
  BOOST_TEST(body.at("provider").at("order").at(0) == json::value("a"));
}

BOOST_AUTO_TEST_CASE(output_config_serializes_format_schema_and_effort) {
  const json::object schema{{"type", "object"},
                            {"properties", {{"name", {{"type", "string"}}}}},
                            {"required", {"name"}},
                            {"additionalProperties", false}};
  message_request req{.model = "m",
                      .max_tokens = 1,
                      .messages = {anthropic::user("x")},
                      .output_config = anthropic::output_config{.format = anthropic::json_output_format{.schema = schema},
                                                                .effort = anthropic::effort_levels::low}};
  const json::value expected = json::parse(R"({"format":{"type":"json_schema","schema":{"type":"object",
    "properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}},"effort":"low"})");
  BOOST_TEST(to_json(req).at("output_config") == expected, anthropic::serialize(req));

  // Each part is optional; an effort newer than this library is sent as given.
  req.output_config = anthropic::output_config{.effort = "ultra"};
  BOOST_TEST(to_json(req).at("output_config") == json::parse(R"({"effort":"ultra"})"));
  req.output_config = anthropic::output_config{};
  BOOST_TEST(to_json(req).at("output_config") == json::object{});
  req.output_config.reset();
  BOOST_TEST(!to_json(req).as_object().contains("output_config"));
}

BOOST_AUTO_TEST_CASE(typed_output_config_wins_over_extra_of_same_name) {
  message_request req{.model = "m",
                      .max_tokens = 1,
                      .messages = {anthropic::user("x")},
                      .output_config = anthropic::output_config{.effort = "high"},
                      .extra = {{"output_config", {{"effort", "low"}, {"format", nullptr}}}}};
  BOOST_TEST(to_json(req).at("output_config") == json::parse(R"({"effort":"high"})"));
  // Unset, the raw member goes out as given.
  req.output_config.reset();
  BOOST_TEST(to_json(req).at("output_config") == json::parse(R"({"effort":"low","format":null})"));
}

BOOST_AUTO_TEST_CASE(output_config_reads_back_and_keeps_unknown_members) {
  const std::string body = R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],
    "output_config":{"format":{"type":"json_schema","schema":{"type":"object"},"strict":true},"effort":"max","verbosity":2}})";
  message_request req;
  BOOST_REQUIRE(!anthropic::parse_request(body, req));
  BOOST_REQUIRE(req.output_config && req.output_config->format);
  BOOST_TEST(req.output_config->format->schema == (json::object{{"type", "object"}}));
  BOOST_TEST(req.output_config->format->extra.at("strict").as_bool());
  BOOST_TEST(*req.output_config->effort == anthropic::effort_levels::max);
  BOOST_TEST(req.output_config->extra.at("verbosity") == json::value(2));
  BOOST_TEST(to_json(req) == json::parse(body), anthropic::serialize(req));

  // A format type newer than json_schema, without a schema, reads back as it came.
  const std::string newer = R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],
    "output_config":{"format":{"type":"regex","pattern":"[a-z]+"}}})";
  BOOST_REQUIRE(!anthropic::parse_request(newer, req));
  BOOST_TEST(req.output_config->format->type == "regex");
  BOOST_TEST(to_json(req) == json::parse(newer), anthropic::serialize(req));
}

BOOST_AUTO_TEST_CASE(input_blocks_serialize_with_cache_control) {
  anthropic::tool_use_block call{.id = "toolu_1", .name = "get_weather", .input = {{"location", "Paris"}}};
  message_request req{
      .model = "m",
      .max_tokens = 1,
      .messages = {
          anthropic::user({anthropic::text_document("The grass is green."),
                           anthropic::text_block{.text = "Cite it.", .cache_control = anthropic::cache_control{}}}),
          anthropic::assistant({anthropic::thinking_block{.thinking = "t", .signature = "sig"},
                                anthropic::redacted_thinking_block{.data = "opaque"}, call}),
          anthropic::user({anthropic::tool_result("toolu_1", "15 degrees"),
                           anthropic::tool_result("toolu_2", std::vector<anthropic::content_block>{
                                                                 anthropic::text_block{.text = "failed"}},
                                                  true)}),
      }};
  req.messages[0].content[0].get_if<anthropic::document_block>()->citations = anthropic::citations_config{.enabled = true};
  const json::value expected = json::parse(R"([
    {"role":"user","content":[
      {"type":"document","source":{"type":"text","media_type":"text/plain","data":"The grass is green."},"citations":{"enabled":true}},
      {"type":"text","text":"Cite it.","cache_control":{"type":"ephemeral"}}]},
    {"role":"assistant","content":[
      {"type":"thinking","thinking":"t","signature":"sig"},
      {"type":"redacted_thinking","data":"opaque"},
      {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}}]},
    {"role":"user","content":[
      {"type":"tool_result","tool_use_id":"toolu_1","content":"15 degrees"},
      {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"failed"}],"is_error":true}]}])");
  BOOST_TEST(to_json(req).at("messages") == expected, anthropic::serialize(req));
}

BOOST_AUTO_TEST_CASE(request_bodies_parse_and_round_trip) {
  // A --request file or a batch line: read, then written back unchanged.
  const std::string body = R"({"model":"m","max_tokens":1024,"system":[{"type":"text","text":"s"}, {"type":"text","text":"t"}],
    "messages":[{"role":"user","content":"Hello"},{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}},
      {"type":"search_result","source":"s","title":"t","content":[]}]}],
    "temperature":1,"tools":[{"name":"t","input_schema":{"type":"object"},"strict":true}],
    "tool_choice":{"type":"auto","disable_parallel_tool_use":false},"metadata":{"user_id":null},
    "provider":{"sort":"price"},"stream_options":{"include_usage":true}})";
  message_request req;
  BOOST_REQUIRE(!anthropic::parse_request(body, req));
  BOOST_TEST(req.max_tokens == 1024u);
  BOOST_TEST(req.messages.size() == 2u);
  BOOST_TEST(req.messages[0].content.at(0).get_if<anthropic::text_block>()->text == "Hello");
  BOOST_TEST(req.messages[1].content.at(1).type() == "search_result");
  BOOST_TEST(req.tools.at(0).extra.at("strict").as_bool());
  BOOST_TEST(req.extra.contains("provider"));
  json::value expected = json::parse(body);
  expected.as_object()["temperature"] = 1.0;  // a float member is written as a float
  BOOST_TEST(to_json(req) == expected, anthropic::serialize(req));
}

BOOST_AUTO_TEST_CASE(serialize_replaces_buffer_and_reuses_its_capacity) {
  message_request req{.model = "m", .max_tokens = 10, .messages = {anthropic::user(std::string(3000, 'x'))}};
  std::string buffer = "stale contents";
  anthropic::serialize(req, buffer);
  BOOST_TEST(json::parse(buffer) == to_json(req));
  const auto* data = buffer.data();
  anthropic::serialize(req, buffer);  // same size: same storage
  BOOST_TEST(static_cast<const void*>(buffer.data()) == static_cast<const void*>(data));
  BOOST_TEST(json::parse(buffer) == to_json(req));
}

BOOST_AUTO_TEST_CASE(serialize_into_grown_buffer_does_not_allocate) {
  if (!anthropic::test::allocation_counting_enabled()) {
    BOOST_TEST_MESSAGE("allocation counting is off in sanitizer builds; skipped");
    return;
  }
  message_request req{.model = "claude-sonnet-4-5", .max_tokens = 100, .messages = {anthropic::user("hello")},
                      .temperature = 0.5};
  std::string buffer;
  anthropic::serialize(req, buffer);
  anthropic::test::allocation_counter counter;
  anthropic::serialize(req, buffer);
  BOOST_TEST(counter.count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
