// What the black-box tests of anthropic-cli share: running the executable as a
// child process with a clean environment, a mock_server with its CA in a file,
// and checks of what the CLI prints.
#pragma once

#include <anthropic/testing/mock_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace anthropic::test::cli {

namespace fs = std::filesystem;
using anthropic::testing::mock_server;
using anthropic::testing::reply;
using namespace std::chrono_literals;

constexpr const char* test_key = "sk-ant-cli-test-SECRET";
constexpr const char* story_prompt = "Write a one-sentence bedtime story about a unicorn.";

#ifdef ANTHROPIC_CLI_PATH
constexpr const char* cli_path = ANTHROPIC_CLI_PATH;
#else
constexpr const char* cli_path = nullptr;
#endif

inline bool cli_available() {
  if (cli_path) return true;
  BOOST_TEST_MESSAGE("anthropic-cli is not built in this configuration (ANTHROPIC_BUILD_EXAMPLES=OFF): skipped");
  return false;
}

struct cli_result {
  int status = -1;
  std::string out, err;
  std::chrono::milliseconds elapsed{};
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

/// A scratch directory per test, removed afterwards.
struct scratch_dir {
  fs::path path;
  scratch_dir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("anthropic-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path write(const std::string& name, const std::string& content) const {
    std::ofstream(path / name, std::ios::binary) << content;
    return path / name;
  }
};

/// Starts a server requiring `test_key`, its CA written to a file for --cacert.
struct cli_fixture {
  mock_server server;
  scratch_dir dir;
  fs::path ca_file;

  cli_fixture() : server(options()) { ca_file = dir.write("ca.pem", server.ca_pem()); }

  static anthropic::testing::mock_server_options options() {
    anthropic::testing::mock_server_options opts;
    opts.api_key = test_key;
    return opts;
  }

  /// Runs the CLI with a clean environment (plus `env`, "NAME=value" entries)
  /// and `input` on stdin.
  cli_result run(const std::vector<std::string>& args, const std::string& input = "",
                 const std::vector<std::string>& env = {}) const {
    // Appended piece by piece: `" " + shell_quote(x)` draws a false -Wrestrict
    // from GCC 12 at -O3 (GCC bug 105329).
    std::string cmd = "env -u ANTHROPIC_API_KEY -u ANTHROPIC_AUTH_TOKEN -u ANTHROPIC_BASE_URL"
                      " -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy -u NO_PROXY -u no_proxy";
    auto word = [&cmd](std::string_view separator, const std::string& text) {
      cmd.append(separator).append(shell_quote(text));
    };
    for (const auto& e : env) word(" ", e);
    word(" ", cli_path);
    for (const auto& a : args) word(" ", a);
    auto in = dir.write("stdin", input);
    word(" <", in.string());
    word(" >", (dir.path / "stdout").string());
    word(" 2>", (dir.path / "stderr").string());
    auto start = std::chrono::steady_clock::now();
    int raw = std::system(cmd.c_str());
    cli_result r;
    r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    r.out = read_file(dir.path / "stdout");
    r.err = read_file(dir.path / "stderr");
    return r;
  }

  /// The usual connection flags for this server, followed by `more`.
  std::vector<std::string> connect(std::vector<std::string> more) const {
    std::vector<std::string> args{"--base-url", server.base_url(), "--api-key", test_key, "--cacert",
                                  ca_file.string()};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  boost::json::object last_request_body() const {
    auto reqs = server.requests();
    BOOST_REQUIRE(!reqs.empty());
    return boost::json::parse(reqs.back().body).as_object();
  }
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Whether `text` is valid UTF-8. Boost.JSON's serializer copies bytes it does
/// not understand and its parser validates UTF-8: the round trip is the check.
inline bool valid_utf8(const std::string& text) {
  boost::system::error_code ec;
  boost::json::parse(boost::json::serialize(boost::json::string(text)), ec);
  return !ec;
}

/// Whether a terminal would act on something in `text` beyond starting a line or
/// moving to a tab stop: C0 controls other than LF and TAB (ESC, BEL, CR, ...),
/// DEL, or C1 controls (UTF-8 C2 80..C2 9F).
inline bool has_raw_controls(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) return true;
  }
  return false;
}

/// The line parsed as JSON, after checking that it is valid UTF-8 (Boost.JSON's
/// parser checks that too; the explicit test names the failure).
inline boost::json::object json_object_of(const std::string& line) {
  BOOST_TEST(valid_utf8(line), "not valid UTF-8: " << line);
  boost::system::error_code ec;
  auto doc = boost::json::parse(line, ec);
  BOOST_REQUIRE_MESSAGE(!ec && doc.is_object(), "not a JSON object (" << ec.message() << "): " << line);
  return doc.as_object();
}


/// `anthropic-cli mock-server` as a child process, stopped with SIGTERM.
struct mock_server_process {
  scratch_dir dir;
  pid_t pid = -1;
  std::string base_url;
  std::string ca_file;

  explicit mock_server_process(std::vector<std::string> extra_args = {}) {
    if (!cli_available()) return;
    ca_file = (dir.path / "ca.pem").string();
    const std::string out = (dir.path / "url").string();
    // Nothing buffered may reach the child, which would write it out again.
    std::cout.flush();
    std::fflush(nullptr);
    pid = ::fork();
    if (pid == 0) {
      if (!std::freopen(out.c_str(), "w", stdout)) std::_Exit(127);
      std::vector<std::string> words{cli_path ? cli_path : "", "mock-server", "--ca-out", ca_file};
      words.insert(words.end(), extra_args.begin(), extra_args.end());
      std::vector<char*> argv;
      for (auto& w : words) argv.push_back(w.data());
      argv.push_back(nullptr);
      ::execv(words[0].c_str(), argv.data());
      std::_Exit(127);
    }
    // The URL is printed once the server listens.
    for (int i = 0; i < 200 && base_url.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      std::ifstream(out) >> base_url;
    }
  }
  ~mock_server_process() { stop(); }

  /// SIGTERM, then the exit status (-1 when it did not exit normally).
  int stop() {
    if (pid <= 0) return -1;
    ::kill(pid, SIGTERM);
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    pid = -1;
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  }

  std::vector<std::string> connect(std::vector<std::string> more) const {
    std::vector<std::string> args{"--base-url", base_url, "--api-key", "any-key", "--cacert", ca_file};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
};

}  // namespace anthropic::test::cli
