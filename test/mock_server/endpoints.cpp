// mock_server's default behaviour per endpoint, over TLS (trusting ca_pem) and
// plain HTTP, driven by a plain Beast client.
#include "http_test_client.hpp"

#include <boost/test/unit_test.hpp>

using namespace mock_test;
using anthropic::testing::mock_server;
using anthropic::testing::mock_server_options;
namespace json = boost::json;

namespace {

std::string text_of(const json::value& message) {
  std::string out;
  for (const auto& block : message.at("content").as_array())
    if (block.at("type") == "text") out += block.at("text").as_string();
  return out;
}

std::vector<std::string> names_of(const std::vector<sse_event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.name);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mock_server_endpoints)

BOOST_AUTO_TEST_CASE(plain_message_over_tls_is_a_story_about_the_prompt) {
  net::io_context io;
  mock_server server;
  BOOST_TEST(server.base_url() == "https://127.0.0.1:" + std::to_string(server.port()));
  BOOST_TEST(server.ca_pem().find("-----BEGIN CERTIFICATE-----") == 0u);
  connection c(io, server);
  BOOST_TEST_REQUIRE(!c.handshake_error(), c.handshake_error().message());

  auto r = c.post("/v1/messages", message_body(story_prompt));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.complete);
  BOOST_TEST(!r.chunked);  // Content-Length framing for JSON bodies
  BOOST_TEST(r.header("content-type") == "application/json");
  BOOST_TEST(r.header("request-id").rfind("req_", 0) == 0u);
  auto msg = r.json();
  BOOST_TEST(msg.at("type") == "message");
  BOOST_TEST(msg.at("role") == "assistant");
  BOOST_TEST(msg.at("model") == "claude-sonnet-4-5@20250929");
  BOOST_TEST(msg.at("id").as_string().starts_with("msg_"));
  BOOST_TEST(msg.at("stop_reason") == "end_turn");
  BOOST_TEST(msg.at("stop_sequence").is_null());
  BOOST_TEST(text_of(msg).starts_with("Once upon a time, a unicorn "));
  BOOST_TEST(msg.at("usage").at("output_tokens") == 12);
  BOOST_TEST(msg.at("usage").at("input_tokens").as_int64() > 0);

  // Deterministic: the same request gets the same text again.
  auto again = c.post("/v1/messages", message_body(story_prompt));
  BOOST_TEST(text_of(again.json()) == text_of(msg));
  BOOST_TEST(again.header("request-id") != r.header("request-id"));
}

BOOST_AUTO_TEST_CASE(streamed_message_has_the_documented_event_flow) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body(story_prompt, true));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.complete);
  BOOST_TEST(r.chunked);
  BOOST_TEST(r.header("content-type") == "text/event-stream");
  BOOST_TEST(r.header("request-id").rfind("req_", 0) == 0u);

  auto events = r.events();
  std::vector<std::string> expected{"message_start", "content_block_start", "ping"};
  expected.insert(expected.end(), 12, "content_block_delta");
  expected.insert(expected.end(), {"content_block_stop", "message_delta", "message_stop"});
  BOOST_TEST(names_of(events) == expected, boost::test_tools::per_element());

  std::string streamed_text;
  for (const auto& e : events) {
    auto data = e.json();
    BOOST_TEST(data.at("type").as_string() == e.name);  // each event name equals its data's type
    if (e.name == "content_block_delta") {
      BOOST_TEST(data.at("delta").at("type") == "text_delta");
      streamed_text += data.at("delta").at("text").as_string();
    }
  }
  auto start = events.front().json().at("message");
  BOOST_TEST(start.at("content").as_array().empty());
  BOOST_TEST(start.at("stop_reason").is_null());
  auto delta = events[events.size() - 2].json();
  BOOST_TEST(delta.at("delta").at("stop_reason") == "end_turn");
  BOOST_TEST(delta.at("usage").at("output_tokens") == 12);

  // The non-streamed reply is the same message.
  auto plain = c.post("/v1/messages", message_body(story_prompt));
  BOOST_TEST(streamed_text == text_of(plain.json()));
}

BOOST_AUTO_TEST_CASE(tokens_per_reply_and_max_tokens_shape_the_text) {
  net::io_context io;
  mock_server_options opts;
  opts.tokens_per_reply = 40;
  mock_server server(opts);
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  std::size_t deltas = 0;
  for (const auto& e : r.events()) deltas += e.name == "content_block_delta";
  BOOST_TEST(deltas == 40u);  // more tokens than words: the text repeats

  auto capped = c.post("/v1/messages", message_body("hi", false, R"({"max_tokens": 5})")).json();
  BOOST_TEST(capped.at("stop_reason") == "max_tokens");
  BOOST_TEST(capped.at("usage").at("output_tokens") == 5);
}

BOOST_AUTO_TEST_CASE(forced_tool_choice_streams_tool_input_as_json_pieces) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  std::string tools = R"({"tools":[{"name":"get_weather","description":"Weather","input_schema":{
      "type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},
      "required":["location"]}}],"tool_choice":{"type":"any"}})";
  auto plain = c.post("/v1/messages", message_body("Weather in Paris?", false, tools)).json();
  BOOST_TEST(plain.at("stop_reason") == "tool_use");
  const auto& block = plain.at("content").as_array().back();
  BOOST_TEST(block.at("type") == "tool_use");
  BOOST_TEST(block.at("name") == "get_weather");
  BOOST_TEST(block.at("id").as_string().starts_with("toolu_"));
  BOOST_TEST(block.at("input").at("unit") == "celsius");
  BOOST_TEST(block.at("input").at("location").is_string());

  auto streamed = c.post("/v1/messages", message_body("Weather in Paris?", true, tools));
  std::string partial;
  std::size_t fragments = 0;
  for (const auto& e : streamed.events()) {
    auto data = e.json();
    if (e.name == "content_block_start") BOOST_TEST(data.at("content_block").at("input").as_object().empty());
    if (e.name == "content_block_delta" && data.at("delta").at("type") == "input_json_delta") {
      partial += data.at("delta").at("partial_json").as_string();
      ++fragments;
    }
  }
  BOOST_TEST(fragments > 2u);
  BOOST_TEST(json::parse(partial) == block.at("input"));

  // After a tool result the model answers in text, so a tool loop ends (tool_choice auto).
  std::string auto_tools = tools;
  auto_tools.replace(auto_tools.find(R"("any")"), 5, R"("auto")");
  std::string follow_up = R"({"model":"m","max_tokens":100,"messages":[
      {"role":"user","content":"Weather in Paris?"},
      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18 C, sunny"}]}],)" +
                          auto_tools.substr(1);
  auto answer = c.post("/v1/messages", follow_up).json();
  BOOST_TEST(answer.at("stop_reason") == "end_turn");
  BOOST_TEST(text_of(answer).find("18 C, sunny") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(thinking_block_comes_first_with_a_signature_delta) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  std::string thinking = R"({"max_tokens": 20000, "thinking": {"type": "enabled", "budget_tokens": 16000}})";
  auto streamed = c.post("/v1/messages", message_body("What is 27 * 453?", true, thinking)).events();
  BOOST_TEST(streamed[1].json().at("content_block").at("type") == "thinking");
  std::size_t signature_at = 0, first_stop_at = 0;
  for (std::size_t i = 0; i < streamed.size(); ++i) {
    auto data = streamed[i].json();
    if (streamed[i].name == "content_block_delta" && data.at("delta").at("type") == "signature_delta")
      signature_at = i;
    if (streamed[i].name == "content_block_stop" && first_stop_at == 0) first_stop_at = i;
  }
  BOOST_TEST(signature_at + 1 == first_stop_at);  // sent just before the thinking block's stop

  auto plain = c.post("/v1/messages", message_body("What is 27 * 453?", false, thinking)).json();
  const auto& content = plain.at("content").as_array();
  BOOST_TEST_REQUIRE(content.size() == 2u);
  BOOST_TEST(content[0].at("type") == "thinking");
  BOOST_TEST(!content[0].at("signature").as_string().empty());
  BOOST_TEST(content[1].at("type") == "text");
}

BOOST_AUTO_TEST_CASE(count_tokens_agrees_with_message_usage) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  auto count = c.post("/v1/messages/count_tokens",
                      R"({"model":"m","messages":[{"role":"user","content":")" + story_prompt + R"("}]})");
  BOOST_TEST(count.status == 200u);
  auto usage = c.post("/v1/messages", message_body(story_prompt)).json().at("usage");
  BOOST_TEST(count.json() == (json::object{{"input_tokens", usage.at("input_tokens")}}));
}

BOOST_AUTO_TEST_CASE(models_list_page_and_single_model) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  auto list = c.exchange(http::verb::get, "/v1/models");
  BOOST_TEST(list.status == 200u);
  auto page = list.json();
  BOOST_TEST(page.at("has_more") == false);
  BOOST_TEST(page.at("data").as_array().size() == 3u);
  BOOST_TEST(page.at("first_id") == page.at("data").as_array().front().at("id"));
  BOOST_TEST(page.at("data").as_array().front().at("type") == "model");

  auto first = c.exchange(http::verb::get, "/v1/models?limit=1").json();
  BOOST_TEST(first.at("has_more") == true);
  BOOST_TEST(first.at("data").as_array().size() == 1u);

  auto one = c.exchange(http::verb::get, "/v1/models/claude-sonnet-4-5-20250929");
  BOOST_TEST(one.json().at("display_name") == "Claude Sonnet 4.5");
  BOOST_TEST(c.exchange(http::verb::get, "/v1/models/no-such-model").status == 404u);
}

BOOST_AUTO_TEST_CASE(invalid_requests_get_400_in_the_api_error_shape) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  struct bad_case {
    std::string body;
    std::string message_part;
  };
  std::vector<bad_case> cases{
      {"this is not json", "parsing the body"},
      {R"([1,2])", "parsing the body"},
      {R"({"max_tokens":10,"messages":[]})", "model: Field required"},
      {R"({"model":"m","messages":[]})", "max_tokens: Field required"},
      {R"({"model":"m","max_tokens":"ten","messages":[]})", "max_tokens: Input should be a valid integer"},
      {R"({"model":"m","max_tokens":10})", "messages: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"robot","content":"x"}]})", "role"},
      {R"({"model":"m","max_tokens":10,"messages":[],"stream":"yes"})", "stream"},
  };
  for (const auto& bc : cases) {
    BOOST_TEST_CONTEXT(bc.body) {
      auto r = c.post("/v1/messages", bc.body);
      BOOST_TEST(r.status == 400u);
      auto body = r.json();
      BOOST_TEST(body.at("type") == "error");
      BOOST_TEST(body.at("error").at("type") == "invalid_request_error");
      BOOST_TEST(std::string(body.at("error").at("message").as_string()).find(bc.message_part) != std::string::npos);
      BOOST_TEST(body.at("request_id").as_string() == r.header("request-id"));
    }
  }
  // count_tokens needs no max_tokens, but a model.
  BOOST_TEST(c.post("/v1/messages/count_tokens", R"({"model":"m","messages":[]})").status == 200u);
  BOOST_TEST(c.post("/v1/messages/count_tokens", R"({"messages":[]})").status == 400u);
}

BOOST_AUTO_TEST_CASE(api_key_is_required_when_configured) {
  net::io_context io;
  mock_server_options opts;
  opts.api_key = "sk-test-123";
  mock_server server(opts);
  connection c(io, server);
  auto body = message_body("hi");
  auto none = c.post("/v1/messages", body);
  BOOST_TEST(none.status == 401u);
  BOOST_TEST(none.json().at("error").at("type") == "authentication_error");
  BOOST_TEST(c.post("/v1/messages", body, {{"x-api-key", "wrong"}}).status == 401u);
  BOOST_TEST(c.post("/v1/messages", body, {{"authorization", "Bearer wrong"}}).status == 401u);
  BOOST_TEST(c.post("/v1/messages", body, {{"x-api-key", "sk-test-123"}}).status == 200u);
  BOOST_TEST(c.post("/v1/messages", body, {{"authorization", "Bearer sk-test-123"}}).status == 200u);
}

BOOST_AUTO_TEST_CASE(unknown_paths_get_404_not_found_error) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  auto r = c.post("/v1/completions", message_body("hi"));
  BOOST_TEST(r.status == 404u);
  BOOST_TEST(r.json().at("error").at("type") == "not_found_error");
  BOOST_TEST(c.exchange(http::verb::get, "/v1/messages").status == 404u);
}

BOOST_AUTO_TEST_CASE(plain_http_option) {
  net::io_context io;
  mock_server_options opts;
  opts.use_tls = false;
  mock_server server(opts);
  BOOST_TEST(server.base_url() == "http://127.0.0.1:" + std::to_string(server.port()));
  BOOST_TEST(server.ca_pem().empty());
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body(story_prompt, true));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.events().back().name == "message_stop");
}

BOOST_AUTO_TEST_CASE(certificate_is_verified_against_ca_and_names) {
  net::io_context io;
  mock_server server;
  BOOST_TEST(!connection(io, server, "localhost").handshake_error());
  // Not trusting the CA, or checking a name the certificate does not carry, fails.
  BOOST_TEST(connection(io, server, "127.0.0.1", false).handshake_error().failed());
  BOOST_TEST(connection(io, server, "api.anthropic.com").handshake_error().failed());

  mock_server_options opts;
  opts.certificate_names = {"mock.example.test"};
  mock_server named(opts);
  BOOST_TEST(!connection(io, named, "mock.example.test").handshake_error());
  BOOST_TEST(connection(io, named, "127.0.0.1").handshake_error().failed());
}

BOOST_AUTO_TEST_CASE(runs_on_the_callers_executor) {
  net::io_context io;  // one io_context for server and client, as in integration tests
  mock_server server(io.get_executor());
  connection c(io, server);
  BOOST_TEST(!c.handshake_error());
  auto r = c.post("/v1/messages", message_body(story_prompt, true));
  BOOST_TEST(r.complete);
  BOOST_TEST(r.events().size() == 18u);
}

BOOST_AUTO_TEST_CASE(files_need_the_beta_and_a_multipart_file_part) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  const std::pair<std::string, std::string> beta{"anthropic-beta", "files-api-2025-04-14"};

  auto no_beta = c.exchange(http::verb::get, "/v1/files");
  BOOST_TEST(no_beta.status == 400u);
  BOOST_TEST(no_beta.json().at("error").at("type").as_string() == "invalid_request_error");
  BOOST_TEST(std::string(no_beta.json().at("error").at("message").as_string()).find("files-api-2025-04-14") !=
             std::string::npos);

  auto not_a_form = c.exchange(http::verb::post, "/v1/files", "{}", {beta});
  BOOST_TEST(not_a_form.status == 400u);

  const std::string form = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\".txt\"\r\n"
                           "Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
  auto uploaded = c.exchange(http::verb::post, "/v1/files", form,
                             {beta, {"content-type", "multipart/form-data; boundary=b"}});
  BOOST_TEST_REQUIRE(uploaded.status == 200u, uploaded.body);
  const auto meta = uploaded.json().as_object();
  BOOST_TEST(meta.at("filename").as_string() == "a \"q\".txt");
  BOOST_TEST(meta.at("size_bytes").as_int64() == 5);
  const std::string id(meta.at("id").as_string());
  BOOST_TEST(c.exchange(http::verb::get, "/v1/files/" + id + "/content", {}, {beta}).status == 400u);  // not downloadable
  BOOST_TEST(c.exchange(http::verb::get, "/v1/files/file_nope", {}, {beta}).status == 404u);
  BOOST_TEST(c.exchange(http::verb::delete_, "/v1/files/" + id, {}, {beta}).json().at("type").as_string() == "file_deleted");
}

BOOST_AUTO_TEST_CASE(batches_are_validated_like_the_api) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  const std::string params = R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})";
  auto error_of = [&](const std::string& body) {
    auto r = c.post("/v1/messages/batches", body);
    BOOST_TEST(r.status == 400u, body);
    return std::string(r.json().at("error").at("message").as_string());
  };
  BOOST_TEST(error_of("{}").find("requests") != std::string::npos);
  BOOST_TEST(error_of(R"({"requests":[]})").find("at least 1") != std::string::npos);
  BOOST_TEST(error_of(R"({"requests":[{"custom_id":"a b","params":)" + params + "}]}").find("pattern") !=
             std::string::npos);
  BOOST_TEST(error_of(R"({"requests":[{"custom_id":"a","params":)" + params + R"(},{"custom_id":"a","params":)" +
                      params + "}]}")
                 .find("Duplicate custom_id") != std::string::npos);
  auto created = c.post("/v1/messages/batches", R"({"requests":[{"custom_id":"a","params":)" + params + "}]}");
  BOOST_TEST(created.status == 200u);
  const std::string id(created.json().at("id").as_string());
  auto early = c.exchange(http::verb::get, "/v1/messages/batches/" + id + "/results");
  BOOST_TEST(early.status == 400u);  // not ended yet
  BOOST_TEST(c.exchange(http::verb::get, "/v1/messages/batches/msgbatch_nope").status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()
