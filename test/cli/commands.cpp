// anthropic-cli's commands as a black box: models, batches (in one invocation
// with --mock, and across invocations against `anthropic-cli mock-server`
// running as a process of its own), and their usage errors.
#include "cli_support.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace anthropic::test::cli;

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_commands)

BOOST_FIXTURE_TEST_CASE(models_list_prints_one_object_per_line_and_get_one, cli_fixture) {
  if (!cli_available()) return;
  auto list = run(connect({"models", "list"}));
  BOOST_TEST(list.status == 0, list.err);
  auto lines = lines_of(list.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  for (const auto& line : lines) BOOST_TEST(json_object_of(line).at("type").as_string() == "model");
  BOOST_TEST(run(connect({"models"})).out == list.out);  // list is the default

  auto get = run(connect({"models", "get", "claude-haiku-4-5-20251001"}));
  BOOST_TEST(get.status == 0, get.err);
  BOOST_TEST(json_object_of(lines_of(get.out).at(0)).at("display_name").as_string() == "Claude Haiku 4.5");

  auto missing = run(connect({"--json", "models", "get", "nope"}));
  BOOST_TEST(missing.status == 1);
  BOOST_TEST(json_object_of(lines_of(missing.out).at(0)).at("error").at("type").as_string() == "not_found_error");
}

BOOST_FIXTURE_TEST_CASE(a_command_word_after_the_double_dash_is_a_prompt, cli_fixture) {
  if (!cli_available()) return;
  auto r = run(connect({"--no-stream", "--", "models", "are", "fun"}));
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(last_request_body().at("messages").at(0).at("content").as_string().c_str(), "models are fun"));
}

BOOST_FIXTURE_TEST_CASE(usage_errors_of_commands_exit_2_and_send_nothing, cli_fixture) {
  if (!cli_available()) return;
  auto bad_file = dir.write("bad.jsonl", "\"ok\"\n{\"custom_id\":\"dup\",\"params\":{\"messages\":[]}}\n"
                                         "{\"custom_id\":\"dup\",\"params\":{\"messages\":[]}}\n");
  const std::vector<std::vector<std::string>> cases{
      {"models", "remove", "x"},          {"batches"},
      {"batches", "get"},                 {"batches", "frobnicate", "x"},
      {"batches", "create", "/no/such"},  {"batches", "create", bad_file.string()},
      {"--port", "80", "models"},         {"batches", "list", "--stream"}};
  for (const auto& words : cases) {
    auto r = run(connect(words));
    BOOST_TEST(r.status == 2, words.front() << " " << (words.size() > 1 ? words[1] : "") << ": " << r.err);
  }
  BOOST_TEST(server.requests().empty());
}

BOOST_AUTO_TEST_CASE(batches_in_one_invocation_with_mock) {
  if (!cli_available()) return;
  scratch_dir dir;
  cli_fixture runner;
  auto file = dir.write("requests.jsonl", "\"first prompt\"\n\n{\"custom_id\":\"mine\",\"params\":{\"messages\":"
                                          "[{\"role\":\"user\",\"content\":\"second\"}],\"max_tokens\":50}}\n");
  auto r = runner.run({"--mock", "batches", "create", file.string()});
  BOOST_TEST(r.status == 0, r.err);
  auto batch = json_object_of(lines_of(r.out).at(0));
  BOOST_TEST(batch.at("processing_status").as_string() == "in_progress");
  BOOST_TEST(batch.at("request_counts").at("processing").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(create_wait_results_across_invocations_against_mock_server_process) {
  if (!cli_available()) return;
  mock_server_process server;
  BOOST_REQUIRE_MESSAGE(server.base_url.starts_with("https://127.0.0.1:"), "mock-server printed '" << server.base_url << "'");
  cli_fixture runner;  // runs the CLI (its own mock_server is not used here)
  auto file = runner.dir.write("requests.jsonl", "\"one\"\n\"two\"\n\"three\"\n");

  auto created = runner.run(server.connect({"batches", "create", file.string()}));
  BOOST_REQUIRE_MESSAGE(created.status == 0, created.err);
  const std::string id(json_object_of(lines_of(created.out).at(0)).at("id").as_string());

  auto waited = runner.run(server.connect({"batches", "wait", id}));
  BOOST_TEST(waited.status == 0, waited.err);
  auto ended = json_object_of(lines_of(waited.out).at(0));
  BOOST_TEST(ended.at("processing_status").as_string() == "ended");
  BOOST_TEST(ended.at("request_counts").at("succeeded").as_int64() == 3);
  BOOST_TEST(waited.err.empty(), waited.err);  // progress only on a terminal

  auto results = runner.run(server.connect({"batches", "results", id}));
  BOOST_TEST(results.status == 0, results.err);
  std::set<std::string> ids;
  for (const auto& line : lines_of(results.out)) {
    auto object = json_object_of(line);
    ids.insert(std::string(object.at("custom_id").as_string()));
    BOOST_TEST(object.at("result").at("type").as_string() == "succeeded");
  }
  BOOST_TEST(ids == (std::set<std::string>{"line-1", "line-2", "line-3"}), boost::test_tools::per_element());

  auto listed = runner.run(server.connect({"batches", "list"}));
  BOOST_TEST(lines_of(listed.out).size() == 1u);
  auto early_delete = runner.run(server.connect({"batches", "get", "msgbatch_nope"}));
  BOOST_TEST(early_delete.status == 1);
  auto deleted = runner.run(server.connect({"batches", "delete", id}));
  BOOST_TEST(deleted.status == 0, deleted.err);
  BOOST_TEST(json_object_of(lines_of(deleted.out).at(0)).at("type").as_string() == "message_batch_deleted");

  BOOST_TEST(server.stop() == 0);  // SIGTERM ends it cleanly
}

BOOST_AUTO_TEST_CASE(mock_server_serves_plain_http_on_the_port_asked_for) {
  if (!cli_available()) return;
  // A port that is free now: the kernel's pick for a socket closed at once.
  unsigned short port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  mock_server_process server({"--http", "--port", std::to_string(port)});
  BOOST_TEST(server.base_url == "http://127.0.0.1:" + std::to_string(port));
  cli_fixture runner;
  auto models = runner.run({"--base-url", server.base_url, "--api-key", "k", "models", "get",
                            "claude-opus-4-1-20250805"});
  BOOST_TEST(models.status == 0, models.err);
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
