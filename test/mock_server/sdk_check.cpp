// The official TypeScript SDK against mock_server (over TLS, trusting ca_pem):
// runs sdk_check.mjs with node. Skips, saying why, when node or the SDK
// (found through $ANTHROPIC_NODE_MODULES) is not available.
#include <anthropic/testing/mock_server.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using anthropic::testing::mock_server;
using anthropic::testing::reply;

namespace {

struct process_result {
  int exit_status = -1;
  std::string output;
};

process_result run_command(const std::string& command) {
  process_result r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) r.output.append(buf, n);
  int status = ::pclose(pipe);
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Skips the test (reported as skipped, with the reason) without node or the SDK path.
boost::test_tools::assertion_result node_and_sdk_path(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result ok(true);
  const char* modules = std::getenv("ANTHROPIC_NODE_MODULES");
  if (!modules || !*modules) {
    ok = false;
    ok.message() << "ANTHROPIC_NODE_MODULES is not set (build.sh installs the pinned SDK there)";
  } else if (run_command("node --version 2>/dev/null").exit_status != 0) {
    ok = false;
    ok.message() << "node is not installed";
  }
  return ok;
}

}  // namespace

BOOST_AUTO_TEST_CASE(official_sdk_accepts_the_mock, *boost::unit_test::precondition(node_and_sdk_path)) {
  const char* modules = std::getenv("ANTHROPIC_NODE_MODULES");
  namespace fs = std::filesystem;
  fs::path script = fs::path(__FILE__).parent_path() / "sdk_check.mjs";
  BOOST_TEST_REQUIRE(fs::exists(script), script.string());

  mock_server server;  // own thread: node talks to it while this thread waits
  fs::path ca_file = fs::temp_directory_path() / ("anthropic_mock_ca_" + std::to_string(server.port()) + ".pem");
  std::ofstream(ca_file) << server.ca_pem();
  // In the order of the script's calls: a 429, then a stream failing mid-way.
  server.enqueue(reply::error(429, "rate_limit_error", "slow down").header("retry-after", "1"));
  server.enqueue(reply::stream().error_event_after(4, "overloaded_error", "Overloaded"));

  auto result = run_command("NODE_PATH='" + std::string(modules) + "' NODE_EXTRA_CA_CERTS='" + ca_file.string() +
                            "' node '" + script.string() + "' '" + server.base_url() + "' 2>&1");
  fs::remove(ca_file);
  BOOST_TEST_MESSAGE(result.output);
  if (result.exit_status == 77) {
    BOOST_TEST_MESSAGE("skipped: @anthropic-ai/sdk is not installed under " << modules);
    return;
  }
  BOOST_TEST(result.exit_status == 0, result.output);
  for (const char* check : {"rate_limit_error", "error_event", "create", "stream", "tool_use_stream",
                            "thinking_stream", "count_tokens", "models"})
    BOOST_TEST(result.output.find(std::string("OK ") + check + " ") != std::string::npos, check);
  BOOST_TEST(server.requests().size() == 8u);  // one request per check (the model list fits one page)
}
