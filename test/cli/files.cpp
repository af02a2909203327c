// Files through anthropic-cli (upload, list, get, download to stdout and to
// -o, delete), and an upload far larger than what the client keeps in memory,
// against `anthropic-cli mock-server` in a process of its own so that only the
// client's memory is measured here.
#include "cli_support.hpp"
#include "support/allocation_counter.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types/file.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <string>

namespace {

using namespace anthropic::test::cli;

std::string bytes_pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
  return s;
}



}  // namespace

BOOST_AUTO_TEST_SUITE(cli_files)

BOOST_FIXTURE_TEST_CASE(upload_list_get_download_delete, cli_fixture) {
  if (!cli_available()) return;
  const std::string content = bytes_pattern(300'000);
  auto path = dir.write("notes.txt", content);
  auto up = run(connect({"files", "upload", path.string()}));
  BOOST_REQUIRE_MESSAGE(up.status == 0, up.err);
  auto meta = json_object_of(lines_of(up.out).at(0));
  BOOST_TEST(meta.at("filename").as_string() == "notes.txt");
  BOOST_TEST(meta.at("mime_type").as_string() == "text/plain");
  BOOST_TEST(meta.at("size_bytes").as_int64() == 300'000);
  const std::string uploaded_id(meta.at("id").as_string());

  const std::string made_by_tool = server.add_file("chart.bin", "application/octet-stream", content);
  auto listed = run(connect({"files", "list"}));
  BOOST_TEST(lines_of(listed.out).size() == 2u);
  auto got = run(connect({"files", "get", uploaded_id}));
  BOOST_TEST(json_object_of(lines_of(got.out).at(0)).at("id").as_string() == uploaded_id);

  auto to_stdout = run(connect({"files", "download", made_by_tool}));
  BOOST_TEST(to_stdout.status == 0, to_stdout.err);
  BOOST_TEST((to_stdout.out == content));
  auto out_path = dir.path / "copy.bin";
  auto to_file = run(connect({"files", "download", made_by_tool, "-o", out_path.string()}));
  BOOST_TEST(to_file.status == 0, to_file.err);
  BOOST_TEST(json_object_of(lines_of(to_file.out).at(0)).at("size_bytes").as_int64() == 300'000);
  BOOST_TEST((read_file(out_path) == content));

  auto refused = run(connect({"--json", "files", "download", uploaded_id}));
  BOOST_TEST(refused.status == 1);  // uploaded files are not downloadable
  auto deleted = run(connect({"files", "delete", uploaded_id}));
  BOOST_TEST(json_object_of(lines_of(deleted.out).at(0)).at("type").as_string() == "file_deleted");
  BOOST_TEST(run(connect({"files", "upload", (dir.path / "missing").string()})).status == 2);
  BOOST_TEST(run(connect({"files", "list", "-o", "x"})).status == 2);
  for (const auto& r : server.requests()) BOOST_TEST(r.headers["anthropic-beta"] == "files-api-2025-04-14");
}

// The upload is read from disk as it is sent: the client's heap does not grow
// by the file's size (the server, holding the file, runs in another process).
BOOST_AUTO_TEST_CASE(an_upload_much_larger_than_the_clients_memory_is_streamed) {
  if (!cli_available() || !anthropic::test::allocation_counting_enabled()) return;
  mock_server_process server;
  BOOST_REQUIRE(!server.base_url.empty());
  scratch_dir dir;
  constexpr std::size_t size = 128 * 1024 * 1024;
  auto path = dir.path / "large.bin";
  {
    std::ofstream out(path, std::ios::binary);
    const std::string block = bytes_pattern(1024 * 1024);
    for (std::size_t i = 0; i < size / block.size(); ++i) out << block;
  }
  boost::asio::io_context io;
  anthropic::client_options opts;
  opts.base_url = server.base_url;
  opts.api_key = "any-key";
  opts.tls.ca_file = server.ca_file;
  anthropic::client client(io.get_executor(), opts);
  const std::size_t before = anthropic::test::heap_bytes_in_use();
  std::size_t peak = before;
  bool done = false;
  std::exception_ptr error;
  std::uint64_t stored = 0;
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    auto meta = co_await client.async_upload_file(anthropic::file_upload::from_path(path.string()));
    stored = meta.size_bytes;
  }, [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    boost::asio::steady_timer tick(co_await boost::asio::this_coro::executor);
    while (!done) {
      peak = std::max(peak, anthropic::test::heap_bytes_in_use());
      tick.expires_after(std::chrono::milliseconds(5));
      co_await tick.async_wait(boost::asio::use_awaitable);
    }
  }, boost::asio::detached);
  io.run();
  if (error) std::rethrow_exception(error);
  BOOST_TEST(stored == size);
  const std::size_t growth = peak - before;
  BOOST_TEST_MESSAGE("uploaded " << size / (1024 * 1024) << " MB; the client's heap grew by at most "
                                 << growth / 1024 << " KiB");
  BOOST_TEST(growth < 8u * 1024 * 1024, "the heap grew by " << growth << " bytes");
}

BOOST_AUTO_TEST_SUITE_END()
