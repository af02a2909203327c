// Bad input gets a distinct error, never a crash: text that is not JSON is
// invalid_json; JSON of the wrong shape is invalid_message.
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using anthropic::client_errc;

namespace {

const char* const valid_body =
    R"({"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"hi"}],)"
    R"("stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":2}})";

boost::system::error_code parse(const std::string& text) {
  anthropic::message m;
  return anthropic::parse_message(text, m);
}

// The valid body with one substring replaced.
std::string with(const std::string& from, const std::string& to) {
  std::string body = valid_body;
  const auto at = body.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, from);
  return body.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parse_errors)

BOOST_AUTO_TEST_CASE(valid_body_parses) { BOOST_TEST(!parse(valid_body)); }

BOOST_AUTO_TEST_CASE(text_that_is_not_json_is_invalid_json) {
  const std::string cases[] = {"", "{", "not json", R"({"id":"msg_1",})", "<html>502 Bad Gateway</html>",
                               std::string(valid_body).substr(0, 40), std::string(valid_body) + "x"};
  for (const auto& text : cases) BOOST_TEST((parse(text) == client_errc::invalid_json), text);
  BOOST_TEST(parse("{").message() != parse("[]").message());
}

BOOST_AUTO_TEST_CASE(json_of_another_shape_is_invalid_message) {
  const std::string cases[] = {
      "[]", "null", "42", R"("message")", "{}",
      // an error body is not a message
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
      with(R"("id":"msg_1",)", ""),                                   // missing required member
      with(R"("content":[{"type":"text","text":"hi"}])", R"("content":"hi")"),  // wrong kind
      with(R"("text":"hi")", R"("text":5)"),                           // wrong kind inside a block
      with(R"({"type":"text","text":"hi"})", R"({"text":"hi"})"),      // block without a type
      with(R"({"type":"text","text":"hi"})", R"({"type":7,"text":"hi"})"),
      with(R"({"type":"text","text":"hi"})", R"("hi")"),               // a block that is not an object
      with(R"("stop_reason":"end_turn")", R"("stop_reason":1)"),
      with(R"("input_tokens":1)", R"("input_tokens":"1")"),
      with(R"("usage":{"input_tokens":1,"output_tokens":2})", R"("usage":[1,2])"),
      with(R"({"type":"text","text":"hi"})", R"({"type":"tool_use","id":"t","name":"n"})"),  // no input
      with(R"({"type":"text","text":"hi"})", R"({"type":"text","text":"hi","citations":[{"type":"char_location"}]})"),
  };
  for (const auto& text : cases) BOOST_TEST((parse(text) == client_errc::invalid_message), text);
}

BOOST_AUTO_TEST_CASE(failed_parse_does_not_leave_half_a_message_behind) {
  anthropic::message m;
  BOOST_REQUIRE(!anthropic::parse_message(valid_body, m));
  BOOST_TEST(!anthropic::parse_message(valid_body, m));  // reusing the object replaces, never appends
  BOOST_TEST(m.content.size() == 1u);
  BOOST_TEST((anthropic::parse_message(with(R"("model":"m",)", ""), m) == client_errc::invalid_message));
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_not_a_stack_overflow) {
  std::string deep(100000, '[');
  BOOST_TEST((parse(deep) == client_errc::invalid_json));
  std::string deep_input = with(R"("text":"hi")", R"("text":"hi","x":)" + std::string(5000, '[') + std::string(5000, ']'));
  BOOST_TEST((parse(deep_input) == client_errc::invalid_json));  // Boost.JSON's depth limit
}

BOOST_AUTO_TEST_CASE(request_parse_errors_are_distinct) {
  anthropic::message_request req;
  BOOST_TEST((anthropic::parse_request("{\"model\":", req) == client_errc::invalid_json));
  BOOST_TEST((anthropic::parse_request(R"({"model":"m","messages":[]})", req) == client_errc::invalid_message));
  BOOST_TEST((anthropic::parse_request(R"({"model":"m","max_tokens":-5,"messages":[]})", req) ==
              client_errc::invalid_message));
  BOOST_TEST((anthropic::parse_request(R"({"model":"m","max_tokens":5,"messages":[{"role":"user"}]})", req) ==
              client_errc::invalid_message));
  BOOST_TEST((anthropic::parse_request(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":7}]})",
                                       req) == client_errc::invalid_message));
  BOOST_TEST((anthropic::parse_request(R"({"model":"m","max_tokens":5,"messages":[],"temperature":"hot"})", req) ==
              client_errc::invalid_message));
  BOOST_TEST(!anthropic::parse_request(R"({"model":"m","max_tokens":5,"messages":[]})", req));
}

BOOST_AUTO_TEST_SUITE_END()
