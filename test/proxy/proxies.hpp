// The proxies the proxy tests talk to: a real tinyproxy started as a child
// process on 127.0.0.1 with a generated configuration, and a scripted one
// (in-process) that answers every CONNECT with fixed bytes. Plus a guard that
// sets environment variables for one test and restores them.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace anthropic::test {

/// A tinyproxy (1.11) in the foreground on 127.0.0.1 and a free port, logging
/// to a file the test reads; any port may be tunnelled (no ConnectPort line).
/// Killed and its directory removed on destruction. A missing tinyproxy fails
/// the test: CI installs it (cmake/install-deps.sh), and a proxy test that
/// skips would prove nothing.
class tinyproxy_process {
 public:
  struct settings {
    std::string user;      ///< non-empty: BasicAuth user password is required
    std::string password;
  };

  explicit tinyproxy_process(settings s = {}) {
    const std::string program = find_program("tinyproxy");
    if (program.empty())
      throw std::runtime_error(
          "tinyproxy is not installed (not found in PATH, /usr/bin or /usr/sbin): run cmake/install-deps.sh "
          "or apt-get install tinyproxy; the proxy tests need a real proxy");
    char dir_template[] = "/tmp/anthropic-tinyproxy-XXXXXX";
    if (!::mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    // As root, tinyproxy drops to `nobody`, who must still reach its log.
    std::filesystem::permissions(dir_, std::filesystem::perms::all & ~std::filesystem::perms::others_write &
                                           ~std::filesystem::perms::group_write);
    for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) start(program, s);
    if (pid_ < 0) throw std::runtime_error("tinyproxy did not start listening; its log:\n" + log());
  }

  tinyproxy_process(const tinyproxy_process&) = delete;
  tinyproxy_process& operator=(const tinyproxy_process&) = delete;

  ~tinyproxy_process() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  unsigned short port() const { return port_; }
  /// "http://127.0.0.1:PORT", or with "user:password@" when asked.
  std::string url(std::string_view user_info = {}) const {
    return "http://" + std::string(user_info) + (user_info.empty() ? "" : "@") + "127.0.0.1:" + std::to_string(port_);
  }

  /// Everything tinyproxy logged so far.
  std::string log() const {
    std::ifstream in(dir_ / "tinyproxy.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  /// The request lines tinyproxy received ("CONNECT 127.0.0.1:443 HTTP/1.1",
  /// "POST http://... HTTP/1.1"), in order.
  std::vector<std::string> request_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(log());
    constexpr std::string_view marker = "): ";
    for (std::string line; std::getline(in, line);) {
      if (line.find("Request (file descriptor") == std::string::npos) continue;
      lines.push_back(line.substr(line.find(marker) + marker.size()));
    }
    return lines;
  }

  /// CONNECT requests received so far.
  std::size_t connects() const {
    std::size_t n = 0;
    for (const auto& line : request_lines()) n += line.starts_with("CONNECT ");
    return n;
  }

 private:
  static std::string find_program(const std::string& name) {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/bin:/usr/sbin";
    std::istringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (dir.empty()) continue;
      const auto candidate = std::filesystem::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
  }

  static unsigned short free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();
  }

  // One try: a port that was free a moment ago may be taken by the time
  // tinyproxy binds it; then it exits, and the caller tries another port.
  void start(const std::string& program, const settings& s) {
    port_ = free_port();
    const auto config = dir_ / "tinyproxy.conf";
    const auto log_file = dir_ / "tinyproxy.log";
    {
      std::ofstream out(config);
      out << "Port " << port_ << "\nListen 127.0.0.1\nTimeout 60\nMaxClients 100\n"
          << "LogFile \"" << log_file.string() << "\"\nLogLevel Info\n"
          << "Allow 127.0.0.1\nDisableViaHeader Yes\n";
      if (::geteuid() == 0) out << "User nobody\nGroup nogroup\n";
      if (!s.user.empty()) out << "BasicAuth " << s.user << " " << s.password << "\n";
    }
    std::ofstream(log_file, std::ios::trunc).close();
    std::filesystem::permissions(log_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                               std::filesystem::perms::group_read | std::filesystem::perms::group_write |
                                               std::filesystem::perms::others_read | std::filesystem::perms::others_write);

    const std::string out_file = (dir_ / "stdout.txt").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string arg0 = "tinyproxy", arg1 = "-d", arg2 = "-c", arg3 = config.string();
    char* argv[] = {arg0.data(), arg1.data(), arg2.data(), arg3.data(), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + program);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) return;  // exited: the port was taken, or worse
      if (listening()) {
        pid_ = pid;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }

  bool listening() const {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    return !ec;
  }

  void stop() {
    if (pid_ < 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

/// A "proxy" on 127.0.0.1 that reads each connection's request head, answers
/// it with fixed bytes in one write, and then waits for the client to close.
/// Runs on the test's io_context.
class scripted_proxy {
 public:
  scripted_proxy(boost::asio::io_context& io, std::string answer)
      : state_(std::make_shared<state>(io, std::move(answer))) {
    boost::asio::co_spawn(io, serve(state_), boost::asio::detached);
  }
  ~scripted_proxy() {
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
  }

  unsigned short port() const { return state_->acceptor.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::size_t connections() const { return state_->connections; }
  /// The request heads received, in order.
  const std::vector<std::string>& requests() const { return state_->requests; }

 private:
  struct state {
    state(boost::asio::io_context& io, std::string a)
        : acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0}), answer(std::move(a)) {}
    boost::asio::ip::tcp::acceptor acceptor;
    std::string answer;
    std::size_t connections = 0;
    std::vector<std::string> requests;
  };
  static constexpr auto tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

  static boost::asio::awaitable<void> serve(std::shared_ptr<state> s) {
    for (;;) {
      auto [ec, socket] = co_await s->acceptor.async_accept(tuple);
      if (ec) co_return;
      ++s->connections;
      boost::asio::co_spawn(s->acceptor.get_executor(), answer_one(s, std::move(socket)), boost::asio::detached);
    }
  }

  static boost::asio::awaitable<void> answer_one(std::shared_ptr<state> s, boost::asio::ip::tcp::socket socket) {
    std::string head;
    auto buffer = boost::asio::dynamic_buffer(head);
    auto [read_ec, n] = co_await boost::asio::async_read_until(socket, buffer, "\r\n\r\n", tuple);
    if (read_ec) co_return;
    s->requests.push_back(head.substr(0, n));
    auto [write_ec, written] = co_await boost::asio::async_write(socket, boost::asio::buffer(s->answer), tuple);
    (void)written;
    if (write_ec) co_return;
    char byte = 0;
    auto [end_ec, got] = co_await socket.async_read_some(boost::asio::buffer(&byte, 1), tuple);
    (void)end_ec;
    (void)got;
  }

  std::shared_ptr<state> state_;
};

/// Sets (or, with nullopt, unsets) environment variables until destroyed,
/// then restores what was there.
class env_guard {
 public:
  env_guard(std::initializer_list<std::pair<const char*, std::optional<std::string>>> vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name);
      saved_.emplace(name, old ? std::optional<std::string>(old) : std::nullopt);
      if (value)
        ::setenv(name, value->c_str(), 1);
      else
        ::unsetenv(name);
    }
  }
  env_guard(const env_guard&) = delete;
  env_guard& operator=(const env_guard&) = delete;
  ~env_guard() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

}  // namespace anthropic::test
