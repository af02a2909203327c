// anthropic-cli's request flags as a black box: --header and --beta on the
// wire, --include-headers in the JSON output, and --batch with --stream (or a
// max_tokens that needs a stream) streaming each request.
#include "cli_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace {

using namespace anthropic::test::cli;

bool streamed(const anthropic::testing::recorded_request& request) {
  const auto body = boost::json::parse(request.body).as_object();
  const auto* stream = body.if_contains("stream");
  return stream && stream->as_bool();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli_request_flags, cli_fixture)

BOOST_AUTO_TEST_CASE(header_and_beta_flags_reach_every_request) {
  if (!cli_available()) return;
  auto r = run(connect({"--header", "X-Team: research", "--header=x-run:7", "--beta", "one-2025", "--beta=two-2026",
                        "--no-stream", "hi"}));
  BOOST_TEST(r.status == 0, r.err);
  const auto seen = server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 1u);
  BOOST_TEST(seen[0].headers["x-team"] == "research");
  BOOST_TEST(seen[0].headers["x-run"] == "7");
  BOOST_TEST(seen[0].headers["anthropic-beta"] == "one-2025,two-2026");

  // A header the client refuses is a usage error, and nothing is sent.
  auto refused = run(connect({"--header", "Content-Length: 5", "hi"}));
  BOOST_TEST(refused.status == 2, refused.err);
  BOOST_TEST(contains(refused.err, "Content-Length"));
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(include_headers_adds_the_response_to_the_json) {
  if (!cli_available()) return;
  server.enqueue(reply::default_reply()
                     .header("anthropic-ratelimit-requests-remaining", "41")
                     .header("x-odd", "tab\there \xff\xfe"));  // not UTF-8
  auto r = run(connect({"--json", "--no-stream", "--include-headers", "hi"}));
  BOOST_TEST(r.status == 0, r.err);
  auto lines = lines_of(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(!has_raw_controls(lines[0]));
  auto msg = json_object_of(lines[0]);
  BOOST_TEST(msg.at("type").as_string() == "message");
  const auto& response = msg.at("response").as_object();
  BOOST_TEST(response.at("status").to_number<int>() == 200);
  BOOST_TEST(response.at("request_id").as_string().starts_with("req_"));
  BOOST_TEST(response.at("headers").at("x-odd").as_string().starts_with("tab\there "));
  BOOST_TEST(response.at("headers").at("anthropic-ratelimit-requests-remaining").as_string() == "41");

  // A stream, and an error, carry it too.
  server.enqueue(reply::default_reply().header("anthropic-ratelimit-requests-remaining", "40"));
  auto streamed_run = run(connect({"--json", "--include-headers", "hi"}));
  BOOST_TEST(streamed_run.status == 0, streamed_run.err);
  auto streamed_msg = json_object_of(lines_of(streamed_run.out).at(0));
  BOOST_TEST(streamed_msg.at("response").at("headers").at("anthropic-ratelimit-requests-remaining").as_string() ==
             "40");
  BOOST_TEST(streamed_msg.at("response").at("headers").at("content-type").as_string().starts_with("text/event-stream"));

  server.enqueue(reply::error(400, "invalid_request_error", "no").header("anthropic-ratelimit-requests-remaining", "39"));
  auto failed = run(connect({"--json", "--include-headers", "--no-stream", "hi"}));
  BOOST_TEST(failed.status == 1, failed.err);
  auto error = json_object_of(lines_of(failed.out).at(0));
  BOOST_TEST(error.at("type").as_string() == "error");
  BOOST_TEST(error.at("response").at("status").to_number<int>() == 400);
  BOOST_TEST(error.at("response").at("headers").at("anthropic-ratelimit-requests-remaining").as_string() == "39");

  // Without the flag the message is as the API sent it.
  auto plain = run(connect({"--json", "--no-stream", "hi"}));
  BOOST_TEST(!json_object_of(lines_of(plain.out).at(0)).contains("response"));
}

BOOST_AUTO_TEST_CASE(batch_with_stream_streams_each_request_and_prints_the_final_messages) {
  if (!cli_available()) return;
  const std::string input = "\"one\"\n\"two\"\n\"three\"\n";
  auto plain = run(connect({"--batch", "-"}), input);
  BOOST_TEST(plain.status == 0, plain.err);
  auto r = run(connect({"--batch", "-", "--stream", "--include-headers"}), input);
  BOOST_TEST(r.status == 0, r.err);
  const auto seen = server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 6u);
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(!streamed(seen[i]));
  for (std::size_t i = 3; i < 6; ++i) BOOST_TEST(streamed(seen[i]));
  auto plain_lines = lines_of(plain.out);
  auto lines = lines_of(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    auto msg = json_object_of(lines[i]);
    auto expected = json_object_of(plain_lines.at(i));
    BOOST_TEST(msg.at("content") == expected.at("content"));
    BOOST_TEST(msg.at("stop_reason") == expected.at("stop_reason"));
    BOOST_TEST(msg.at("response").at("status").to_number<int>() == 200);
  }

  // A stream that breaks is that line's error; the others are messages.
  server.enqueue(reply::default_reply().reset_after_events(2));
  auto broken = run(connect({"--batch", "-", "--stream", "--concurrency", "1"}), input);
  BOOST_TEST(broken.status == 3, broken.err);
  auto broken_lines = lines_of(broken.out);
  BOOST_REQUIRE_EQUAL(broken_lines.size(), 3u);
  BOOST_TEST(json_object_of(broken_lines[0]).at("type").as_string() == "error");
  BOOST_TEST(json_object_of(broken_lines[1]).at("type").as_string() == "message");
}

BOOST_AUTO_TEST_CASE(batch_streams_a_request_whose_max_tokens_needs_it) {
  if (!cli_available()) return;
  auto r = run(connect({"--batch", "-", "--max-tokens", "64000"}), "\"long\"\n");
  BOOST_TEST(r.status == 0, r.err);
  BOOST_REQUIRE_EQUAL(server.requests().size(), 1u);
  BOOST_TEST(streamed(server.requests()[0]));
  BOOST_TEST(json_object_of(lines_of(r.out).at(0)).at("type").as_string() == "message");
}

BOOST_AUTO_TEST_SUITE_END()
