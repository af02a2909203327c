// anthropic-cli as a black box: every option and every exit status of the
// contract in DESIGN.md ("anthropic-cli"), run as a child process against a
// mock_server in this process (its own thread, real TLS on 127.0.0.1).
//
// The executable's path comes from ANTHROPIC_CLI_PATH, which example/tests.cmake
// defines when the examples are built; without it (e.g. the sanitizer build,
// which skips the examples) the tests say so and pass.
#include "cli_support.hpp"

#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace anthropic::test::cli;
using anthropic::testing::mock_server;
using anthropic::testing::reply;
using namespace std::chrono_literals;

// Error bodies as broken servers and proxies send them.
const std::string latin1_body = "caf\xe9 \xff ferm\xe9";  // ISO 8859-1, not UTF-8
// "hello" gzip-compressed, as a proxy would send a compressed error page the
// client never asked to be compressed (it sends no Accept-Encoding).
const std::string gzip_body{"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00"
                            "\x86\xa6\x10\x36\x05\x00\x00\x00",
                            25};
reply gzip_reply(unsigned status) { return reply::json(gzip_body, status).header("content-encoding", "gzip"); }

/// A stream whose one text block holds `deltas` (JSON string contents, escapes allowed).
std::string text_stream(const std::vector<std::string>& deltas) {
  auto event = [](std::string_view type, const std::string& data) {
    return "event: " + std::string(type) + "\ndata: " + data + "\n\n";
  };
  std::string t = event("message_start",
                        R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant",)"
                        R"("model":"m","content":[],"stop_reason":null,"stop_sequence":null,)"
                        R"("usage":{"input_tokens":5,"output_tokens":1}}})") +
                  event("content_block_start",
                        R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
  for (const auto& d : deltas)
    t += event("content_block_delta",
               R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":")" + d + "\"}}");
  return t + event("content_block_stop", R"({"type":"content_block_stop","index":0})") +
         event("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},)"
                                R"("usage":{"output_tokens":2}})") +
         event("message_stop", R"({"type":"message_stop"})");
}

/// A TCP server answering every TLS ClientHello with a fatal protocol_version
/// alert, as a server that only speaks TLS versions the client refuses does.
class tls_version_mismatch_server {
 public:
  tls_version_mismatch_server() {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~tls_version_mismatch_server() {
    io_.stop();
    thread_.join();
  }
  std::string base_url() const { return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  using tcp = boost::asio::ip::tcp;
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto peer = std::make_shared<tcp::socket>(std::move(socket));
      auto hello = std::make_shared<std::array<char, 4096>>();
      peer->async_read_some(boost::asio::buffer(*hello), [peer, hello](boost::system::error_code, std::size_t) {
        // Record type alert, TLS 1.2, length 2: level fatal, description protocol_version.
        static constexpr unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46};
        boost::asio::async_write(*peer, boost::asio::buffer(alert), [peer](boost::system::error_code, std::size_t) {});
      });
      accept();
    });
  }
  boost::asio::io_context io_;
  tcp::acceptor acceptor_{io_, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  std::thread thread_;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli_contract, cli_fixture)

BOOST_AUTO_TEST_CASE(text_mode_streams_the_story_and_exits_0) {
  if (!cli_available()) return;
  auto r = run(connect({story_prompt}));
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "Once upon a time, a unicorn found a quiet meadow"));
  BOOST_TEST(r.out.back() == '\n');
  auto body = last_request_body();
  BOOST_TEST(body.at("stream").as_bool());
  BOOST_TEST(body.at("model").as_string() == "claude-sonnet-4-5");  // the default model
  BOOST_TEST(body.at("max_tokens").to_number<int>() == 1024);       // the default max_tokens
  BOOST_TEST(server.requests().back().headers["x-api-key"] == test_key);
  BOOST_TEST(!contains(r.out + r.err, test_key));  // the key is never printed
}

BOOST_AUTO_TEST_CASE(no_stream_sends_a_plain_request) {
  if (!cli_available()) return;
  auto r = run(connect({"--no-stream", "hello there"}));
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "You said: \"hello there\""));
  BOOST_TEST(!last_request_body().contains("stream"));
}

BOOST_AUTO_TEST_CASE(json_prints_the_message_exactly_as_sent) {
  if (!cli_available()) return;
  // Members the typed model does not know and explicit nulls must survive.
  const std::string sent =
      R"({"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Hi!"},)"
      R"({"type":"future_block","payload":{"x":1}}],"model":"claude-sonnet-4-5","stop_reason":"end_turn",)"
      R"("stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":2,"cache_read_input_tokens":null},)"
      R"("container":null,"cost":{"usd":0.001}})";
  server.enqueue(reply::json(sent));
  auto r = run(connect({"--json", "--no-stream", "hi"}));
  BOOST_TEST(r.status == 0, r.err);
  auto lines = lines_of(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST((boost::json::parse(lines[0]) == boost::json::parse(sent)));
}

BOOST_AUTO_TEST_CASE(json_with_a_stream_prints_the_accumulated_message) {
  if (!cli_available()) return;
  auto r = run(connect({"--json", story_prompt}));
  BOOST_TEST(r.status == 0, r.err);
  auto lines = lines_of(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  auto msg = boost::json::parse(lines[0]).as_object();
  BOOST_TEST(msg.at("stop_reason").as_string() == "end_turn");
  BOOST_TEST(msg.at("usage").at("output_tokens").to_number<int>() == 12);
  BOOST_TEST(contains(std::string(msg.at("content").at(0).at("text").as_string()), "a unicorn found"));
}

BOOST_AUTO_TEST_CASE(events_prints_every_event_as_one_json_line) {
  if (!cli_available()) return;
  auto r = run(connect({"--events", "hi"}));
  BOOST_TEST(r.status == 0, r.err);
  auto lines = lines_of(r.out);
  BOOST_REQUIRE(lines.size() >= 4);
  std::size_t deltas = 0;
  for (const auto& line : lines)
    if (boost::json::parse(line).at("type").as_string() == "content_block_delta") ++deltas;
  BOOST_TEST(deltas == 12u);  // mock_server's default reply: 12 text deltas
  BOOST_TEST(boost::json::parse(lines.front()).at("type").as_string() == "message_start");
  BOOST_TEST(boost::json::parse(lines.back()).at("type").as_string() == "message_stop");
}

BOOST_AUTO_TEST_CASE(model_system_temperature_and_max_tokens_reach_the_request) {
  if (!cli_available()) return;
  auto r = run(connect({"--model", "claude-sonnet-4-5@20250929", "--system", "Be brief.", "--temperature", "0.25",
                        "--max-tokens=77", "--no-stream", "hi"}));
  BOOST_TEST(r.status == 0, r.err);
  auto body = last_request_body();
  BOOST_TEST(body.at("model").as_string() == "claude-sonnet-4-5@20250929");
  BOOST_TEST(body.at("system").as_string() == "Be brief.");
  BOOST_TEST(body.at("temperature").as_double() == 0.25);
  BOOST_TEST(body.at("max_tokens").to_number<int>() == 77);
}

BOOST_AUTO_TEST_CASE(request_file_members_are_kept_and_flags_override_them) {
  if (!cli_available()) return;
  auto file = dir.write("req.json", R"({"model":"from-file","max_tokens":50,"metadata":{"user_id":"u1"},)"
                                    R"("messages":[{"role":"user","content":"first"}],"stream":false,)"
                                    R"("output_config":{"effort":"low"}})");
  auto r = run(connect({"--request", file.string(), "--model", "from-flag", "second"}));
  BOOST_TEST(r.status == 0, r.err);
  auto body = last_request_body();
  BOOST_TEST(body.at("model").as_string() == "from-flag");
  BOOST_TEST(body.at("max_tokens").to_number<int>() == 50);
  BOOST_TEST(body.at("metadata").at("user_id").as_string() == "u1");
  BOOST_TEST(body.at("output_config").at("effort").as_string() == "low");  // read from the file, sent back
  BOOST_TEST(!body.contains("stream"));                                     // the file said no stream
  BOOST_REQUIRE_EQUAL(body.at("messages").as_array().size(), 2u);          // PROMPT appended as a user turn
  BOOST_TEST(body.at("messages").at(1).at("content").as_string() == "second");
  BOOST_TEST(contains(r.out, "You said: \"second\""));
}

BOOST_AUTO_TEST_CASE(stream_flag_overrides_the_body) {
  if (!cli_available()) return;
  auto file = dir.write("req.json", R"({"stream":false,"messages":[{"role":"user","content":"hi"}]})");
  auto r = run(connect({"--request", file.string(), "--stream", "--json"}));
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(last_request_body().at("stream").as_bool());
  BOOST_TEST(boost::json::parse(r.out).at("stop_reason").as_string() == "end_turn");
}

BOOST_AUTO_TEST_CASE(request_from_stdin) {
  if (!cli_available()) return;
  auto r = run(connect({"--request", "-", "--json", "--no-stream"}),
               R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"via stdin"}]})");
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(last_request_body().at("messages").at(0).at("content").as_string() == "via stdin");
  BOOST_TEST(boost::json::parse(r.out).at("stop_reason").as_string() == "max_tokens");
}

BOOST_AUTO_TEST_CASE(prompt_from_stdin_when_no_words_are_given) {
  if (!cli_available()) return;
  auto r = run(connect({"--no-stream"}), "piped prompt\n");
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "You said: \"piped prompt\""));
}

BOOST_AUTO_TEST_CASE(auth_token_is_sent_as_bearer) {
  if (!cli_available()) return;
  auto r = run({"--base-url", server.base_url(), "--auth-token", test_key, "--cacert", ca_file.string(), "hi"});
  BOOST_TEST(r.status == 0, r.err);
  auto headers = server.requests().back().headers;
  BOOST_TEST(headers["authorization"] == std::string("Bearer ") + test_key);
  BOOST_TEST(headers.count("x-api-key") == 0u);
}

BOOST_AUTO_TEST_CASE(environment_supplies_defaults) {
  if (!cli_available()) return;
  auto r = run({"--cacert", ca_file.string(), "hi"}, "",
               {"ANTHROPIC_API_KEY=" + std::string(test_key), "ANTHROPIC_BASE_URL=" + server.base_url()});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(wrong_key_is_an_api_error_exit_1) {
  if (!cli_available()) return;
  auto r = run({"--base-url", server.base_url(), "--api-key", "sk-wrong-key", "--cacert", ca_file.string(), "hi"});
  BOOST_TEST(r.status == 1);
  // One stderr line with type, message, status and request id.
  auto lines = lines_of(r.err);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(contains(lines[0], "authentication_error"), lines[0]);
  BOOST_TEST(contains(lines[0], "invalid x-api-key"), lines[0]);
  BOOST_TEST(contains(lines[0], "HTTP 401"), lines[0]);
  BOOST_TEST(contains(lines[0], "request-id req_mock"), lines[0]);
  BOOST_TEST(!contains(r.err, "sk-wrong-key"));
  BOOST_TEST(r.out.empty());
}

BOOST_AUTO_TEST_CASE(json_failure_prints_the_error_object_on_stdout) {
  if (!cli_available()) return;
  server.enqueue(reply::error(529, "overloaded_error", "Overloaded"));
  auto r = run(connect({"--json", "--max-retries", "0", "hi"}));
  BOOST_TEST(r.status == 1);
  auto err = boost::json::parse(r.out).as_object();
  BOOST_TEST(err.at("type").as_string() == "error");
  BOOST_TEST(err.at("error").at("type").as_string() == "overloaded_error");
  BOOST_TEST(err.at("error").at("message").as_string() == "Overloaded");
  BOOST_TEST(err.at("status").to_number<int>() == 529);
  BOOST_TEST(err.at("request_id").as_string().starts_with("req_mock"));
}

BOOST_AUTO_TEST_CASE(error_event_mid_stream_is_exit_1) {
  if (!cli_available()) return;
  server.enqueue(reply::stream().error_event_after(5, "overloaded_error", "Overloaded"));
  auto r = run(connect({story_prompt}));
  BOOST_TEST(r.status == 1);
  BOOST_TEST(contains(r.out, "Once"));  // the text that arrived before the error was printed
  BOOST_TEST(contains(r.err, "overloaded_error: Overloaded"), r.err);
}

BOOST_AUTO_TEST_CASE(max_retries_controls_retrying) {
  if (!cli_available()) return;
  auto busy = reply::error(429, "rate_limit_error", "slow down").header("retry-after-ms", "1");
  server.enqueue(busy);
  auto no_retry = run(connect({"--max-retries", "0", "hi"}));
  BOOST_TEST(no_retry.status == 1);
  BOOST_TEST(contains(no_retry.err, "rate_limit_error"), no_retry.err);
  BOOST_TEST(server.requests().size() == 1u);

  server.enqueue(busy, 2);
  auto retried = run(connect({"--max-retries", "2", "hi"}));
  BOOST_TEST(retried.status == 0, retried.err);
  BOOST_TEST(server.requests().size() == 4u);  // 1 + (2 failures + 1 success)
}

BOOST_AUTO_TEST_CASE(timeout_limits_the_whole_request_exit_3) {
  if (!cli_available()) return;
  server.enqueue(reply::stream().stall_after_events(3, 5s));
  auto r = run(connect({"--timeout", "0.3", "hi"}));
  BOOST_TEST(r.status == 3);
  BOOST_TEST(contains(r.err, "timeout"), r.err);
  BOOST_TEST(r.elapsed < 4s);
}

BOOST_AUTO_TEST_CASE(untrusted_certificate_is_exit_3) {
  if (!cli_available()) return;
  auto r = run({"--base-url", server.base_url(), "--api-key", test_key, "hi"});
  BOOST_TEST(r.status == 3);
  BOOST_TEST(contains(r.err, "tls_error"), r.err);
}

BOOST_AUTO_TEST_CASE(connection_refused_is_exit_3) {
  if (!cli_available()) return;
  auto r = run({"--base-url", "https://127.0.0.1:1", "--api-key", test_key, "--max-retries", "0", "--json", "hi"});
  BOOST_TEST(r.status == 3);
  auto err = boost::json::parse(r.out).as_object();
  BOOST_TEST(err.at("error").at("type").as_string() == "connection_error");
  BOOST_TEST(err.at("status").is_null());
}

BOOST_AUTO_TEST_CASE(broken_stream_is_a_protocol_error_exit_3) {
  if (!cli_available()) return;
  server.enqueue(reply::stream().malformed_sse(3));
  auto r = run(connect({"hi"}));
  BOOST_TEST(r.status == 3);
  BOOST_TEST(contains(r.err, "protocol_error"), r.err);
}

BOOST_AUTO_TEST_CASE(batch_keeps_input_order_and_reports_each_line) {
  if (!cli_available()) return;
  std::string input;
  for (int i = 0; i < 8; ++i) input += R"({"messages":[{"role":"user","content":"prompt )" + std::to_string(i) + "\"}]}\n";
  input += "\n";                                                          // blank: skipped
  input += "[1,2]\n";                                                     // not a request
  input += R"({"messages":[{"role":"robot","content":"x"}]})" "\n";     // the server refuses it
  input += R"("a bare prompt")" "\n";
  auto file = dir.write("batch.jsonl", input);
  auto r = run(connect({"--batch", file.string(), "--concurrency", "3", "--model", "batch-model"}));
  BOOST_TEST(r.status == 2);  // the most severe failure: a usage error (the bad line)
  auto lines = lines_of(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 11u);
  for (int i = 0; i < 8; ++i) {
    auto msg = boost::json::parse(lines[static_cast<std::size_t>(i)]).as_object();
    BOOST_TEST(contains(std::string(msg.at("content").at(0).at("text").as_string()),
                        "\"prompt " + std::to_string(i) + "\""));
    BOOST_TEST(msg.at("model").as_string() == "batch-model");
  }
  BOOST_TEST(boost::json::parse(lines[8]).at("error").at("type").as_string() == "usage_error");
  BOOST_TEST(contains(lines[8], "line 10"), lines[8]);
  auto refused = boost::json::parse(lines[9]).as_object();
  BOOST_TEST(refused.at("error").at("type").as_string() == "invalid_request_error");
  BOOST_TEST(refused.at("status").to_number<int>() == 400);
  BOOST_TEST(contains(lines[10], "a bare prompt"));
  BOOST_TEST(server.connections_accepted() <= 3u);  // never more than --concurrency at once
  BOOST_TEST(r.err.empty());                      // no progress line: stderr is not a terminal
}

BOOST_AUTO_TEST_CASE(batch_of_successes_exits_0) {
  if (!cli_available()) return;
  auto r = run(connect({"--batch", "-"}), "\"one\"\n\"two\"\n");
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(lines_of(r.out).size() == 2u);
}

BOOST_AUTO_TEST_CASE(mock_runs_without_key_or_network) {
  if (!cli_available()) return;
  auto r = run({"--mock", story_prompt});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "Once upon a time, a unicorn"));
  BOOST_TEST(server.requests().empty());  // our server was not involved
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_the_usage) {
  if (!cli_available()) return;
  const std::vector<std::vector<std::string>> bad = {
      {"--no-such-option", "hi"},
      {"--json", "--events", "hi"},
      {"--events", "--no-stream", "hi"},
      {"--temperature", "3", "hi"},
      {"--max-tokens", "zero", "hi"},
      {"--timeout", "-1", "hi"},
      {"--concurrency", "2", "hi"},
      {"--json", "--include-headers", "models", "list"},
      {"--include-headers", "hi"},  // needs --json or --batch
      {"--header", "no-colon", "hi"},
      {"--beta", "", "hi"},
      {"--batch", "-", "leftover prompt"},
      {"--mock", "--base-url", "https://example.com", "hi"},
      {"--mock", "--cacert", "/nonexistent/ca.pem", "hi"},
      {"--mock", "--request", "/nonexistent/request.json"},
      {"--mock", "--request", "-"},  // stdin holds "not json"
      {"--model"},
  };
  for (const auto& args : bad) {
    auto r = run(args, "not json");
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    BOOST_TEST(r.status == 2, shown << ": " << r.err);
    BOOST_TEST(contains(r.err, "usage: anthropic-cli"), shown);
    BOOST_TEST(r.out.empty(), shown);
  }
  auto no_key = run({"hi"});
  BOOST_TEST(no_key.status == 2);
  BOOST_TEST(contains(no_key.err, "no credentials"));
}

BOOST_AUTO_TEST_CASE(help_exits_0) {
  if (!cli_available()) return;
  auto r = run({"--help"});
  BOOST_TEST(r.status == 0);
  BOOST_TEST(contains(r.out, "--batch FILE.jsonl"));
}

// Text from a server is made safe where it is printed (DESIGN.md, "Robust").

BOOST_AUTO_TEST_CASE(error_message_with_newlines_and_escapes_prints_one_visible_line) {
  if (!cli_available()) return;
  server.enqueue(reply::error(400, "invalid_request_error", "first line\nsecond \x1b[2J\x1b[31mred\x07"));
  auto r = run(connect({"hi"}));
  BOOST_TEST(r.status == 1);
  auto lines = lines_of(r.err);
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(!has_raw_controls(r.err), r.err);
  BOOST_TEST(contains(lines[0], R"(invalid_request_error: first line\nsecond \x1b[2J\x1b[31mred\x07 (HTTP 400)"),
             lines[0]);
}

BOOST_AUTO_TEST_CASE(json_error_keeps_the_server_message_as_json_text) {
  if (!cli_available()) return;
  server.enqueue(reply::error(400, "invalid_request_error", "first line\nsecond \x1b[2J"));
  auto r = run(connect({"--json", "hi"}));
  BOOST_TEST(r.status == 1);
  BOOST_TEST(!has_raw_controls(r.out), r.out);
  // A JSON consumer gets the message exactly as sent.
  BOOST_TEST(json_object_of(r.out).at("error").at("message").as_string() == "first line\nsecond \x1b[2J");
}

BOOST_AUTO_TEST_CASE(latin1_error_body_gives_valid_utf8) {
  if (!cli_available()) return;
  server.enqueue(reply::json(latin1_body, 400), 2);
  auto json = run(connect({"--json", "hi"}));
  BOOST_TEST(json.status == 1);
  BOOST_REQUIRE_EQUAL(lines_of(json.out).size(), 1u);
  auto err = json_object_of(json.out);
  BOOST_TEST(err.at("error").at("message").as_string() == "caf\uFFFD \uFFFD ferm\uFFFD");  // U+FFFD for each bad byte
  BOOST_TEST(err.at("status").to_number<int>() == 400);

  auto text = run(connect({"hi"}));
  BOOST_TEST(text.status == 1);
  BOOST_TEST(valid_utf8(text.err), text.err);
  BOOST_TEST(contains(text.err, "caf\uFFFD"), text.err);
}

BOOST_AUTO_TEST_CASE(gzip_error_body_gives_one_valid_json_line) {
  if (!cli_available()) return;
  server.enqueue(gzip_reply(503));
  auto r = run(connect({"--json", "--max-retries", "0", "hi"}));
  BOOST_TEST(r.status == 1);
  BOOST_REQUIRE_EQUAL(lines_of(r.out).size(), 1u);
  auto err = json_object_of(r.out);
  BOOST_TEST(err.at("error").at("type").as_string() == "unknown_error");
  BOOST_TEST(err.at("status").to_number<int>() == 503);
}

BOOST_AUTO_TEST_CASE(error_type_is_an_identifier_for_unknown_errors) {
  if (!cli_available()) return;
  // A type that is not an identifier (a proxy's prose), then a status nobody knows.
  server.enqueue(reply::json(R"({"type":"error","error":{"type":"Service Unavailable","message":"down"}})", 599));
  server.enqueue(reply::json("", 599));
  auto prose = run(connect({"--json", "--max-retries", "0", "hi"}));
  BOOST_TEST(prose.status == 1);
  BOOST_TEST(json_object_of(prose.out).at("error").at("type").as_string() == "unknown_error", prose.out);
  BOOST_TEST(json_object_of(prose.out).at("error").at("message").as_string() == "down");

  auto empty = run(connect({"--max-retries", "0", "hi"}));
  BOOST_TEST(empty.status == 1);
  BOOST_TEST(contains(empty.err, "error: unknown_error: "), empty.err);
  BOOST_TEST(!contains(empty.err, "unknown_error: unknown_error"), empty.err);  // no doubled phrase
  BOOST_TEST(contains(empty.err, "(HTTP 599"), empty.err);
}

BOOST_AUTO_TEST_CASE(batch_lines_stay_valid_json_with_broken_error_bodies) {
  if (!cli_available()) return;
  server.enqueue(reply::json(latin1_body, 400));
  server.enqueue(gzip_reply(400));
  server.enqueue(reply::error(400, "invalid_request_error", "line\nbreak \x1b]0;title\x07"));
  auto r = run(connect({"--batch", "-", "--concurrency", "1"}), "\"one\"\n\"two\"\n\"three\"\n\"four\"\n");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(!has_raw_controls(r.out), r.out);
  auto lines = lines_of(r.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    auto err = json_object_of(lines[i]);
    BOOST_TEST(err.at("error").at("type").as_string() == "invalid_request_error", lines[i]);
    BOOST_TEST(err.at("status").to_number<int>() == 400);
  }
  BOOST_TEST(contains(std::string(json_object_of(lines[3]).at("content").at(0).at("text").as_string()), "four"));
}

BOOST_AUTO_TEST_CASE(streamed_text_escapes_controls_and_keeps_line_breaks) {
  if (!cli_available()) return;
  server.enqueue(reply::sse(text_stream({R"(Hello \u001b[31mred\u001b[0m\n)", R"(\tnext\u0007 line\r)",
                                         R"(\u009b2J caf\u00e9)"})));
  auto r = run(connect({"hi"}));
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(!has_raw_controls(r.out), r.out);
  BOOST_TEST(r.out == "Hello \\x1b[31mred\\x1b[0m\n\tnext\\x07 line\\r\\u{9b}2J caf\u00e9\n", r.out);
}

BOOST_AUTO_TEST_CASE(events_lines_are_one_json_value_each) {
  if (!cli_available()) return;
  // SSE allows an event's data on several lines: the client joins them with "\n".
  std::string transcript = text_stream({"one"});
  auto split = transcript.find(R"("delta":)");
  transcript.replace(split, 0, "\ndata: ");
  server.enqueue(reply::sse(transcript));
  auto r = run(connect({"--events", "hi"}));
  BOOST_TEST(r.status == 0, r.err);
  auto lines = lines_of(r.out);
  BOOST_TEST(lines.size() == 6u, r.out);
  for (const auto& line : lines) json_object_of(line);
}

// Error reports a user can act on: error.type names the class of failure.

BOOST_AUTO_TEST_CASE(tls_protocol_version_failure_is_a_tls_error) {
  if (!cli_available()) return;
  tls_version_mismatch_server old_server;
  auto r = run({"--base-url", old_server.base_url(), "--api-key", test_key, "--max-retries", "0", "--json", "hi"});
  BOOST_TEST(r.status == 3);
  auto err = json_object_of(r.out);
  BOOST_TEST(err.at("error").at("type").as_string() == "tls_error", r.out);
  BOOST_TEST(err.at("status").is_null());
}

BOOST_AUTO_TEST_CASE(failed_stream_reports_its_200_status) {
  if (!cli_available()) return;
  server.enqueue(reply::stream().close_after_bytes(400));
  auto r = run(connect({"--json", "hi"}));
  BOOST_TEST(r.status == 3);
  auto err = json_object_of(r.out);
  BOOST_TEST(err.at("status").to_number<int>() == 200, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
