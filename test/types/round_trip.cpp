// Faithful round trips: a response body parsed into `message` serializes back
// to JSON equal to what came in (unknown members and block types, explicit
// nulls, exact large numbers), and the typed members hold what the body says.
#include <anthropic/types/message.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace json = boost::json;
using anthropic::client_errc;
using anthropic::message;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path data_dir() { return std::filesystem::path(ANTHROPIC_TEST_DATA_DIR) / "messages"; }

message parse_ok(const std::string& text) {
  message m;
  auto ec = anthropic::parse_message(text, m);
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  return m;
}

message fixture(const char* name) { return parse_ok(read_file(data_dir() / name)); }

// parse -> value_from must give back the input, and so must the text form.
void check_round_trip(const std::string& text, const std::string& label) {
  const json::value original = json::parse(text);
  message m;
  auto ec = anthropic::from_json(original, m);
  BOOST_REQUIRE_MESSAGE(!ec, label << ": " << ec.message());
  const json::value again = json::value_from(m);
  BOOST_TEST(again == original, label << "\n  in:  " << json::serialize(original) << "\n  out: " << json::serialize(again));
  BOOST_TEST(json::parse(anthropic::serialize(m)) == original, label);
}

// The `data:` payloads of one event type in a verbatim SSE stream.
std::vector<json::value> events_of_type(const std::string& sse, std::string_view type) {
  std::vector<json::value> found;
  std::istringstream lines(sse);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("data:", 0) != 0) continue;
    json::value event = json::parse(line.substr(5));
    if (event.at("type").as_string() == type) found.push_back(std::move(event));
  }
  return found;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(round_trip)

BOOST_AUTO_TEST_CASE(every_fixture_round_trips) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir())) {
    if (entry.path().extension() != ".json") continue;
    check_round_trip(read_file(entry.path()), entry.path().filename().string());
    ++count;
  }
  BOOST_TEST(count >= 8);
}

BOOST_AUTO_TEST_CASE(spec_batch_result_messages_round_trip) {
  // Every JSONL result line quoted in the spec carries a complete message.
  const std::string spec = read_file(std::filesystem::path(ANTHROPIC_SPEC_DIR) / "messages-api.md");
  std::istringstream lines(spec);
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("{\"custom_id\"", 0) != 0) continue;
    const json::value result = json::parse(line);
    check_round_trip(json::serialize(result.at("result").at("message")), "batch line");
    ++count;
  }
  BOOST_TEST(count >= 1);
}

BOOST_AUTO_TEST_CASE(spec_tool_use_stream_message_start_round_trips) {
  const std::string sse = read_file(std::filesystem::path(ANTHROPIC_SPEC_DIR) / "streams" / "docs-tool-use.sse");
  const auto starts = events_of_type(sse, "message_start");
  BOOST_REQUIRE_EQUAL(starts.size(), 1u);
  check_round_trip(json::serialize(starts[0].at("message")), "docs-tool-use message_start");
  const message m = parse_ok(json::serialize(starts[0].at("message")));
  BOOST_TEST(!m.stop_reason);
  BOOST_TEST(m.content.empty());
  BOOST_TEST(m.usage.input_tokens == 472u);
}

BOOST_AUTO_TEST_CASE(abbreviated_message_start_without_usage_parses) {
  // The docs' thinking stream omits usage; it reads as zeros and is the one
  // member the serializer adds (the API itself always sends usage).
  const std::string sse = read_file(std::filesystem::path(ANTHROPIC_SPEC_DIR) / "streams" / "docs-thinking.sse");
  const auto starts = events_of_type(sse, "message_start");
  BOOST_REQUIRE_EQUAL(starts.size(), 1u);
  message m;
  BOOST_REQUIRE(!anthropic::from_json(starts[0].at("message"), m));
  BOOST_TEST(m.usage.input_tokens == 0u);
  json::object expected = starts[0].at("message").as_object();
  expected["usage"] = {{"input_tokens", 0}, {"output_tokens", 0}};
  BOOST_TEST(json::value_from(m) == json::value(expected));
}

BOOST_AUTO_TEST_CASE(onerouter_nulls_and_costs_survive) {
  const message m = fixture("onerouter.json");
  BOOST_TEST(m.id == "msg_bdrk_01DPGprdvqXyegS3qZVgD3mU");
  BOOST_TEST(m.text() == "Hello! How can I help you today?");
  const auto* text = m.content.at(0).get_if<anthropic::text_block>();
  BOOST_REQUIRE(text);
  BOOST_TEST(!text->citations);                    // null is not an empty list...
  BOOST_TEST(text->extra.at("citations").is_null());  // ...it is kept as it came
  BOOST_TEST(!m.usage.server_tool_use);
  BOOST_TEST(m.usage.extra.at("server_tool_use").is_null());
  BOOST_TEST(m.usage.extra.at("service_tier").is_null());
  BOOST_REQUIRE(m.usage.cache_creation);
  BOOST_TEST(*m.usage.cache_creation->ephemeral_1h_input_tokens == 0u);
  BOOST_TEST(m.extra.at("cost").as_double() == 0.000216);
  BOOST_TEST(m.extra.at("cost_details").at("upstream_inference_cost").is_null());
  BOOST_TEST(m.stopped_for(anthropic::stop_reasons::end_turn));
}

BOOST_AUTO_TEST_CASE(citations_of_every_location_type_are_typed) {
  const message m = fixture("citations.json");
  std::vector<const anthropic::citation*> cites;
  for (const auto& block : m.content)
    if (const auto* t = block.get_if<anthropic::text_block>(); t && t->citations)
      for (const auto& c : *t->citations) cites.push_back(&c);
  BOOST_REQUIRE_EQUAL(cites.size(), 5u);
  BOOST_TEST(cites[0]->type == "char_location");
  BOOST_TEST(*cites[0]->end_char_index == 20u);
  BOOST_TEST(*cites[0]->document_title == "Example Document");
  BOOST_TEST(cites[1]->type == "page_location");
  BOOST_TEST(*cites[1]->start_page_number == 2u);
  BOOST_TEST(!cites[1]->document_title);  // null, kept in extra
  BOOST_TEST(cites[1]->extra.at("document_title").is_null());
  BOOST_TEST(cites[1]->extra.contains("file_id"));
  BOOST_TEST(cites[2]->type == "content_block_location");
  BOOST_TEST(*cites[2]->end_block_index == 2u);
  BOOST_TEST(cites[3]->type == "search_result_location");
  BOOST_TEST(*cites[3]->source == "https://example.com/rust");
  BOOST_TEST(*cites[3]->search_result_index == 0u);
  BOOST_TEST(cites[4]->type == "web_search_result_location");
  BOOST_TEST(*cites[4]->url == "https://en.wikipedia.org/wiki/Claude_Shannon");
  BOOST_TEST(*cites[4]->encrypted_index == "Eo8BCioIAhgBIiQyYjQ0OWJmZi1lNm");
}

BOOST_AUTO_TEST_CASE(server_tools_and_web_search_results_are_typed) {
  const message m = fixture("web_search.json");
  BOOST_REQUIRE_EQUAL(m.content.size(), 6u);
  const auto* use = m.content[1].get_if<anthropic::server_tool_use_block>();
  BOOST_REQUIRE(use);
  BOOST_TEST(use->name == "web_search");
  BOOST_TEST(use->input.at("query").as_string() == "claude shannon birth date");
  const auto* hits = m.content[2].get_if<anthropic::web_search_tool_result_block>();
  BOOST_REQUIRE(hits);
  const auto* results = std::get_if<std::vector<anthropic::web_search_result>>(&hits->content);
  BOOST_REQUIRE(results);
  BOOST_REQUIRE_EQUAL(results->size(), 2u);
  BOOST_TEST((*results)[0].page_age.value() == "April 30, 2025");
  BOOST_TEST(!(*results)[1].page_age);
  const auto* failed = m.content[4].get_if<anthropic::web_search_tool_result_block>();
  BOOST_REQUIRE(failed);
  const auto* error = std::get_if<anthropic::web_search_tool_result_error>(&failed->content);
  BOOST_REQUIRE(error);
  BOOST_TEST(error->error_code == "max_uses_exceeded");
  BOOST_TEST(m.content[4].type() == "web_search_tool_result");
  BOOST_TEST(m.usage.server_tool_use->web_search_requests.value() == 1u);
  BOOST_TEST(m.usage.service_tier.value() == "standard");
  BOOST_TEST(m.usage.total_input_tokens() == 10682u);
}

BOOST_AUTO_TEST_CASE(thinking_and_tool_use_blocks_are_typed) {
  const message thinking = fixture("thinking.json");
  const auto* block = thinking.content.at(0).get_if<anthropic::thinking_block>();
  BOOST_REQUIRE(block);
  BOOST_TEST(block->signature == "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
  BOOST_TEST(thinking.content.at(1).type() == "redacted_thinking");
  BOOST_TEST(thinking.text() == "27 * 453 = 12,231");  // thinking is not text

  const message tool = fixture("tool_use.json");
  BOOST_TEST(tool.stopped_for(anthropic::stop_reasons::tool_use));
  const auto* call = tool.content.at(1).get_if<anthropic::tool_use_block>();
  BOOST_REQUIRE(call);
  BOOST_TEST(call->name == "get_weather");
  BOOST_TEST(call->input.at("days").as_array().size() == 3u);
  BOOST_TEST(call->extra.contains("caller"));
}

BOOST_AUTO_TEST_CASE(unknown_blocks_members_and_huge_numbers_survive) {
  const message m = fixture("future.json");
  BOOST_TEST(m.content.at(0).is<anthropic::unknown_block>());
  BOOST_TEST(m.content.at(0).type() == "code_execution_tool_result");
  BOOST_TEST(m.content.at(1).type() == "mcp_tool_use");
  BOOST_TEST(m.stopped_for(anthropic::stop_reasons::pause_turn));
  BOOST_TEST(m.usage.input_tokens == 9007199254740993u);  // beyond a double's 2^53
  BOOST_TEST(m.usage.output_tokens == std::numeric_limits<std::uint64_t>::max());
  BOOST_TEST(!m.usage.cache_read_input_tokens);  // -1 does not fit: kept verbatim
  BOOST_TEST(m.usage.extra.at("cache_read_input_tokens").as_int64() == -1);
  BOOST_TEST(m.usage.server_tool_use->extra.contains("code_execution_requests"));
  BOOST_TEST(m.extra.contains("container"));
}

BOOST_AUTO_TEST_CASE(refusal_and_stop_sequence) {
  const message refusal = fixture("refusal.json");
  BOOST_TEST(refusal.stopped_for(anthropic::stop_reasons::refusal));
  BOOST_TEST(refusal.extra.at("stop_details").at("category").as_string() == "cyber");
  BOOST_TEST(refusal.text().empty());
  const message stopped = fixture("stop_sequence.json");
  BOOST_TEST(stopped.stop_sequence.value() == "three");
  BOOST_TEST(stopped.usage.total_input_tokens() == 2105u);
}

BOOST_AUTO_TEST_CASE(built_message_serializes_like_the_api) {
  message m{.id = "msg_1", .content = {anthropic::text_block{.text = "hi"}}, .model = "m"};
  m.usage.output_tokens = 3;
  const json::value expected = json::parse(
      R"({"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}],"model":"m",)"
      R"("stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":3}})");
  BOOST_TEST(json::value_from(m) == expected);
}

BOOST_AUTO_TEST_CASE(typed_values_set_later_win_over_kept_nulls) {
  // What the stream accumulator does: a block starts with `citations: null`
  // from a router, then a citation arrives.
  message m = fixture("onerouter.json");
  auto* text = m.content.at(0).get_if<anthropic::text_block>();
  BOOST_REQUIRE(text);
  text->add_citation({.type = "char_location", .cited_text = "x", .document_index = 0u});
  const json::value out = json::value_from(m);
  BOOST_TEST(out.at("content").at(0).at("citations").as_array().size() == 1u);
  BOOST_TEST(out.at("usage").at("service_tier").is_null());
}

// Every node of a rich body replaced by every JSON kind: parsing must either
// refuse with invalid_message or keep the changed body exactly.
BOOST_AUTO_TEST_CASE(any_member_of_any_kind_is_refused_or_kept) {
  const std::vector<json::value> replacements = {
      nullptr, json::value(-1), json::value(1.5), json::value(1e300), json::value("x"), json::value(true),
      json::array(), json::object(), json::value(std::numeric_limits<std::uint64_t>::max())};
  static const std::vector<std::string> index_names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  int refused = 0, kept = 0;
  for (const char* name : {"web_search.json", "citations.json", "thinking.json", "tool_use.json", "onerouter.json"}) {
    const json::value original = json::parse(read_file(data_dir() / name));
    // Each node is named by its path (member names / array indexes) from the root.
    using path = std::vector<json::string_view>;
    std::vector<path> paths;
    std::function<void(const json::value&, path&)> collect = [&](const json::value& v, path& at) {
      paths.push_back(at);
      if (const auto* o = v.if_object()) {
        for (const auto& member : *o) {
          at.push_back(member.key());
          collect(member.value(), at);
          at.pop_back();
        }
      }
      if (const auto* a = v.if_array()) {
        for (std::size_t i = 0; i < a->size(); ++i) {
          at.push_back(index_names.at(i));
          collect((*a)[i], at);
          at.pop_back();
        }
      }
    };
    path root;
    collect(original, root);
    for (const path& node_path : paths) {
      for (const auto& replacement : replacements) {
        json::value mutated = original;
        json::value* node = &mutated;
        for (auto step : node_path)
          node = node->is_array() ? &node->as_array().at(std::stoul(std::string(step))) : &node->as_object().at(step);
        *node = replacement;
        message m;
        auto ec = anthropic::from_json(mutated, m);
        if (ec) {
          BOOST_TEST((ec == client_errc::invalid_message));
          ++refused;
        } else {
          BOOST_TEST(json::value_from(m) == mutated, name << ": " << json::serialize(mutated));
          ++kept;
        }
      }
    }
  }
  BOOST_TEST_MESSAGE("mutations refused: " << refused << ", kept exactly: " << kept);
  BOOST_TEST(refused > 0);
  BOOST_TEST(kept > 0);
}

BOOST_AUTO_TEST_SUITE_END()
