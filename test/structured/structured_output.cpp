// Structured outputs against the mock server over TLS: the request carries
// output_config as the API documents it, and a reply's JSON text becomes a
// described struct, or a distinct error that keeps the text.
#include "client/fixture.hpp"

#include <anthropic/structured_output.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using anthropic::client_errc;
using anthropic::testing::reply;

namespace {

struct address {
  std::string city;
  std::string country;
};
BOOST_DESCRIBE_STRUCT(address, (), (city, country))

struct person {
  std::string name;
  std::int64_t age = 0;
  std::vector<std::string> languages;
  std::vector<address> homes;
  std::optional<std::string> nickname;
  address birthplace;
};
BOOST_DESCRIBE_STRUCT(person, (), (name, age, languages, homes, nickname, birthplace))

// A schema the model answers `person` with: every member required, the
// optional one nullable (what Boost 1.81's value_to of a described struct needs).
json::object person_schema() {
  const json::value address_schema = json::parse(R"({"type":"object","additionalProperties":false,
    "properties":{"city":{"type":"string"},"country":{"type":"string"}},"required":["city","country"]})");
  json::object schema{{"type", "object"}, {"additionalProperties", false}};
  schema["properties"] = json::object{{"name", {{"type", "string"}}},
                                      {"age", {{"type", "integer"}}},
                                      {"languages", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                      {"homes", {{"type", "array"}, {"items", address_schema}}},
                                      {"nickname", {{"type", {"string", "null"}}}},
                                      {"birthplace", address_schema}};
  schema["required"] = {"name", "age", "languages", "homes", "nickname", "birthplace"};
  return schema;
}

// A type whose own conversion refuses some values with an exception of its own.
struct even_number {
  std::int64_t value = 0;
};
even_number tag_invoke(json::value_to_tag<even_number>, const json::value& jv) {
  const std::int64_t n = jv.as_int64();
  if (n % 2 != 0) throw std::invalid_argument("odd number " + std::to_string(n));
  return {n};
}

// A Messages reply with these text blocks, as the API would send it.
reply reply_with_text(const std::vector<std::string>& texts, std::string_view stop_reason = "end_turn",
                      json::object extra = {}) {
  json::array content;
  for (const auto& text : texts) content.push_back(json::object{{"type", "text"}, {"text", text}});
  json::object body{{"id", "msg_structured"},
                    {"type", "message"},
                    {"role", "assistant"},
                    {"model", "claude-sonnet-4-5"},
                    {"content", std::move(content)},
                    {"stop_reason", stop_reason},
                    {"stop_sequence", nullptr},
                    {"usage", {{"input_tokens", 10}, {"output_tokens", 20}}}};
  for (const auto& member : extra) body[member.key()] = member.value();
  return reply::json(json::serialize(body));
}

struct structured_fixture : anthropic::test::client_fixture {
  anthropic::client client{io.get_executor(), options()};

  static anthropic::message_request person_request() {
    auto req = sample_request("Describe a person.");
    req.output_config = anthropic::json_schema_output(person_schema(), anthropic::effort_levels::high);
    return req;
  }

  /// The message the client receives when the server answers with `scripted`.
  anthropic::message reply_to(reply scripted) {
    server.enqueue(std::move(scripted));
    anthropic::message out;
    run([&]() -> asio::awaitable<void> {
      const auto req = person_request();
      out = co_await client.async_create(req);
    }());
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(structured_output)

BOOST_FIXTURE_TEST_CASE(every_endpoint_sends_output_config_as_documented, structured_fixture) {
  run([&]() -> asio::awaitable<void> {
    const auto req = person_request();
    co_await client.async_create(req);
    auto stream = co_await client.async_stream(req);
    while (co_await stream.async_next()) {
    }
    co_await client.async_count_tokens(req);
  }());
  json::object expected{{"format", {{"type", "json_schema"}, {"schema", person_schema()}}}, {"effort", "high"}};
  auto requests = server.requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 3u);
  BOOST_TEST(requests[2].target == "/v1/messages/count_tokens");  // count_tokens keeps it: a schema is input
  for (const auto& r : requests) {
    const json::value body = json::parse(r.body);
    BOOST_TEST(body.at("output_config") == expected, r.target << ": " << r.body);
  }
}

BOOST_FIXTURE_TEST_CASE(default_reply_is_an_instance_of_the_schema, structured_fixture) {
  anthropic::message created, streamed;
  run([&]() -> asio::awaitable<void> {
    const auto req = person_request();
    created = co_await client.async_create(req);
    auto stream = co_await client.async_stream(req);
    while (co_await stream.async_next()) {
    }
    streamed = stream.message();
  }());
  for (const auto* reply : {&created, &streamed}) {
    auto result = anthropic::parse_output<person>(*reply);
    BOOST_TEST_REQUIRE(!result.error, result.problem);
    BOOST_TEST(result.problem.empty());
    BOOST_TEST(result.raw_text == reply->text());
    BOOST_TEST(result.value->name == "example name");
    BOOST_TEST(result.value->age == 1);
    BOOST_TEST(result.value->nickname.value_or("") == "example nickname");
    BOOST_TEST(result.value->birthplace.city == "example city");
  }
  BOOST_TEST(streamed.text() == created.text());
}

BOOST_FIXTURE_TEST_CASE(json_text_becomes_nested_structs_vectors_and_optionals, structured_fixture) {
  // Split over two text blocks: the text is what message::text() joins.
  const std::string first = R"({"name":"Ada","age":36,"languages":["en","fr"],)";
  const std::string second = R"("homes":[{"city":"London","country":"UK"},{"city":"Paris","country":"FR"}],)"
                             R"("nickname":null,"birthplace":{"city":"London","country":"UK"}})";
  auto result = anthropic::parse_output<person>(reply_to(reply_with_text({first, second})));
  BOOST_TEST_REQUIRE(!result.error, result.problem);
  BOOST_TEST(static_cast<bool>(result));
  BOOST_TEST(result.raw_text == first + second);
  const person& p = *result.value;
  BOOST_TEST(p.name == "Ada");
  BOOST_TEST(p.age == 36);
  BOOST_TEST(p.languages == (std::vector<std::string>{"en", "fr"}), boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(p.homes.size(), 2u);
  BOOST_TEST(p.homes[1].city == "Paris");
  BOOST_TEST(!p.nickname);
  BOOST_TEST(p.birthplace.country == "UK");

  // The throwing form gives the same value; a present optional is read.
  const person q = anthropic::output_as<person>(reply_to(reply_with_text(
      {R"({"name":"Bo","age":5,"languages":[],"homes":[],"nickname":"B","birthplace":{"city":"x","country":"y"}})"})));
  BOOST_TEST(q.nickname.value_or("") == "B");
}

BOOST_FIXTURE_TEST_CASE(missing_member_or_wrong_type_is_a_mismatch_keeping_the_text, structured_fixture) {
  const std::string missing = R"({"name":"Ada","age":36,"languages":[],"homes":[],"nickname":null})";
  auto result = anthropic::parse_output<person>(reply_to(reply_with_text({missing})));
  BOOST_TEST((result.error == client_errc::output_mismatch), result.error.message());
  BOOST_TEST(!result.value);
  BOOST_TEST(result.raw_text == missing);
  BOOST_TEST(result.problem.find(R"({"name":"Ada")") != std::string::npos, result.problem);
  // Boost's complaint without the source location its what() carries.
  BOOST_TEST(result.problem.find(".hpp") == std::string::npos, result.problem);

  const std::string wrong_type =
      R"({"name":"Ada","age":"thirty-six","languages":[],"homes":[],"nickname":null,"birthplace":{"city":"a","country":"b"}})";
  result = anthropic::parse_output<person>(reply_to(reply_with_text({wrong_type})));
  BOOST_TEST((result.error == client_errc::output_mismatch), result.error.message());
  BOOST_TEST(result.raw_text == wrong_type);
  BOOST_TEST(!result.problem.empty());

  // The what() of an exception from a user's own conversion is the problem.
  auto odd = anthropic::parse_output<std::vector<even_number>>(reply_to(reply_with_text({"[2, 4, 7]"})));
  BOOST_TEST((odd.error == client_errc::output_mismatch));
  BOOST_TEST(odd.problem.starts_with("odd number 7; "), odd.problem);
  BOOST_TEST(anthropic::parse_output<std::vector<even_number>>(reply_to(reply_with_text({"[2, 4]"}))).value->size() ==
             2u);
}

BOOST_FIXTURE_TEST_CASE(text_that_is_not_json_has_its_own_code, structured_fixture) {
  const std::string prose = "Sure! Here is the person: {\"name\": \"Ada\"}\x1b[2J";
  auto result = anthropic::parse_output<person>(reply_to(reply_with_text({prose})));
  BOOST_TEST((result.error == client_errc::output_not_json), result.error.message());
  BOOST_TEST(result.error != make_error_code(client_errc::output_mismatch));
  BOOST_TEST(result.raw_text == prose);  // verbatim, the escape sequence included
  BOOST_TEST(result.problem.find("at byte 0") != std::string::npos, result.problem);
  BOOST_TEST(result.problem.find('\x1b') == std::string::npos, result.problem);  // printable

  // JSON followed by more text, and a reply without any text.
  result = anthropic::parse_output<person>(reply_to(reply_with_text({R"({"a":1} and more)"})));
  BOOST_TEST((result.error == client_errc::output_not_json));
  BOOST_TEST(result.problem.find("at byte 8") != std::string::npos, result.problem);
  result = anthropic::parse_output<person>(reply_to(reply_with_text({})));
  BOOST_TEST((result.error == client_errc::output_not_json));
  BOOST_TEST(result.problem.find("no text") != std::string::npos, result.problem);
}

BOOST_FIXTURE_TEST_CASE(reply_cut_off_by_max_tokens_is_truncated, structured_fixture) {
  // The mock model runs out of tokens three pieces into the JSON.
  anthropic::message cut;
  run([&]() -> asio::awaitable<void> {
    auto req = person_request();
    req.max_tokens = 3;
    cut = co_await client.async_create(req);
  }());
  BOOST_TEST(cut.stopped_for(anthropic::stop_reasons::max_tokens));
  auto result = anthropic::parse_output<person>(cut);
  BOOST_TEST((result.error == client_errc::output_truncated), result.error.message());
  BOOST_TEST(!result.raw_text.empty());
  BOOST_TEST(result.raw_text == cut.text());
  BOOST_TEST(result.problem.find("max_tokens") != std::string::npos, result.problem);

  // Whatever the text: a reply that stopped for max_tokens is never taken as complete.
  result = anthropic::parse_output<person>(reply_to(reply_with_text({"{}"}, "max_tokens")));
  BOOST_TEST((result.error == client_errc::output_truncated));
  result = anthropic::parse_output<person>(reply_to(reply_with_text({"{\"na"}, "model_context_window_exceeded")));
  BOOST_TEST((result.error == client_errc::output_truncated));
  BOOST_TEST(result.raw_text == "{\"na");
}

BOOST_FIXTURE_TEST_CASE(refusal_is_reported_with_its_details, structured_fixture) {
  const json::object stop_details{
      {"stop_details", {{"type", "refusal"}, {"category", "cyber"}, {"explanation", "Not something I can help with."}}}};
  auto result = anthropic::parse_output<person>(reply_to(reply_with_text({"I can't help with that."}, "refusal", stop_details)));
  BOOST_TEST((result.error == client_errc::output_refused), result.error.message());
  BOOST_TEST(result.raw_text == "I can't help with that.");
  BOOST_TEST(result.problem.find("category: cyber") != std::string::npos, result.problem);
  BOOST_TEST(result.problem.find("Not something I can help with.") != std::string::npos, result.problem);

  // Without stop_details and without text.
  result = anthropic::parse_output<person>(reply_to(reply_with_text({}, "refusal")));
  BOOST_TEST((result.error == client_errc::output_refused));
  BOOST_TEST(result.problem.find("no text") != std::string::npos, result.problem);
}

BOOST_FIXTURE_TEST_CASE(throwing_form_keeps_code_problem_and_text, structured_fixture) {
  const std::string text = R"({"name":"Ada"})";
  const anthropic::message msg = reply_to(reply_with_text({text}));
  try {
    anthropic::output_as<person>(msg);
    BOOST_FAIL("output_as should have thrown");
  } catch (const anthropic::structured_output_error& e) {
    BOOST_TEST((e.code() == client_errc::output_mismatch));
    BOOST_TEST(e.raw_text() == text);
    BOOST_TEST(e.client_message() == anthropic::parse_output<person>(msg).problem);
    const std::string what = e.what();
    BOOST_TEST(what.starts_with(make_error_code(client_errc::output_mismatch).message() + ": "), what);
    BOOST_TEST(e.http_status() == 0);
  }
  // Caught with every other failure of the library, too.
  BOOST_CHECK_THROW(anthropic::output_as<person>(reply_to(reply_with_text({"not json"}))),
                    anthropic::error_with_diagnostics);
}

BOOST_AUTO_TEST_CASE(codes_are_distinct_and_appended) {
  const client_errc codes[] = {client_errc::output_truncated, client_errc::output_refused, client_errc::output_not_json,
                               client_errc::output_mismatch};
  for (auto a : codes) {
    BOOST_TEST(static_cast<int>(a) > static_cast<int>(client_errc::line_too_large));
    for (auto b : codes)
      if (a != b) BOOST_TEST(make_error_code(a).message() != make_error_code(b).message());
  }
}

BOOST_AUTO_TEST_SUITE_END()
