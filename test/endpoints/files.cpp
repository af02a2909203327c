// The Files API against mock_server over TLS: uploads from memory and from
// disk (multipart, the beta header merged with the client's), what is refused
// before sending, list / get / delete, downloads into a sink or a file, and
// cancellation mid-download.
#include "../client/fixture.hpp"

#include <anthropic/types/builders.hpp>
#include <anthropic/types/file.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;

namespace {

namespace fs = std::filesystem;

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xFF);
  return s;
}

struct temp_file {
  fs::path path;
  explicit temp_file(const std::string& name, const std::string& content = {}) {
    static int counter = 0;
    path = fs::temp_directory_path() / ("anthropic-files-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(++counter) + "-" + name);
    std::ofstream(path, std::ios::binary) << content;
  }
  ~temp_file() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
  std::string read() const {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(files)

BOOST_FIXTURE_TEST_CASE(upload_from_memory_sends_one_multipart_part_with_the_beta, client_fixture) {
  auto opts = options();
  opts.betas = {"some-other-beta"};
  anthropic::client client(io.get_executor(), opts);
  const std::string content = "col1,col2\n1,2\n";
  run([&]() -> asio::awaitable<void> {
    auto upload = anthropic::file_upload::from_memory("data \"v1\".csv", content);
    auto meta = co_await client.async_upload_file(upload);
    BOOST_TEST(meta.id.starts_with("file_"));
    BOOST_TEST(meta.filename == "data \"v1\".csv");
    BOOST_TEST(meta.mime_type == "text/csv");
    BOOST_TEST(meta.size_bytes == content.size());
    BOOST_TEST(meta.downloadable.value_or(true) == false);
  }());
  const auto request = server.requests().at(0);
  BOOST_TEST(request.method == "POST");
  BOOST_TEST(request.target == "/v1/files");
  BOOST_TEST(request.headers["anthropic-beta"] == "some-other-beta,files-api-2025-04-14");
  BOOST_TEST(std::string(request.headers["content-type"]).starts_with("multipart/form-data; boundary="));
  BOOST_TEST(std::stoul(std::string(request.headers["content-length"])) == request.body.size());
  BOOST_TEST(request.body.find("\r\n\r\n" + content + "\r\n--") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(upload_from_disk_streams_the_file, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string content = pattern(3 * 1024 * 1024 + 17);
  temp_file file("report.pdf", content);
  run([&]() -> asio::awaitable<void> {
    auto meta = co_await client.async_upload_file(anthropic::file_upload::from_path(file.path.string()));
    BOOST_TEST(meta.size_bytes == content.size());
    BOOST_TEST(meta.filename == file.path.filename().string());
    BOOST_TEST(meta.mime_type == "application/pdf");
  }());
  const auto body = server.requests().at(0).body;
  BOOST_TEST(body.find(content) != std::string::npos);  // every byte, in order
}

BOOST_FIXTURE_TEST_CASE(what_cannot_be_uploaded_is_not_sent, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::vector<anthropic::file_upload> refused{
      anthropic::file_upload::from_path("/no/such/file.pdf"),
      anthropic::file_upload::from_memory("evil\r\nx-injected: 1.txt", "x"),
      anthropic::file_upload::from_memory("", "no name")};
  run([&]() -> asio::awaitable<void> {
    for (const auto& upload : refused) {
      anthropic::diagnostics diag;
      auto [ec, meta] = co_await client.async_upload_file(upload, diag, asio::as_tuple(asio::use_awaitable));
      BOOST_TEST((ec == anthropic::client_errc::invalid_argument), ec.message());
      BOOST_TEST(!diag.client_message.empty());
    }
  }());
  BOOST_TEST(server.requests().empty());
}

BOOST_FIXTURE_TEST_CASE(an_upload_over_the_servers_limit_is_request_too_large, client_fixture) {
  auto server_opts = with_key();
  server_opts.max_file_size = 1000;
  anthropic::testing::mock_server small(io.get_executor(), server_opts);
  auto opts = options();
  small.configure_client(opts);
  opts.api_key = anthropic::test::test_api_key;
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> {
    auto upload = anthropic::file_upload::from_memory("big.bin", pattern(5000));
    auto [ec, meta] = co_await client.async_upload_file(upload, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::api_errc::request_too_large), ec.message());
  }());
}

BOOST_FIXTURE_TEST_CASE(list_get_and_delete, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(server.add_file("f" + std::to_string(i) + ".txt", "text/plain", "x", false));
  std::vector<std::string> walked;
  run([&]() -> asio::awaitable<void> {
    auto page = co_await client.async_list_files(asio::use_awaitable);
    BOOST_TEST(page.data.size() == 3u);
    auto all = client.list_all_files({.limit = 2});
    while (auto f = co_await all.async_next()) walked.push_back(f->id);

    auto meta = co_await client.async_get_file(ids[1]);
    BOOST_TEST(meta.filename == "f1.txt");
    auto gone = co_await client.async_delete_file(ids[1]);
    BOOST_TEST(gone.type == "file_deleted");
    auto [ec, none] = co_await client.async_get_file(ids[1], asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::api_errc::not_found_error), ec.message());
  }());
  BOOST_TEST(walked == (std::vector<std::string>{ids.rbegin(), ids.rend()}), boost::test_tools::per_element());
  for (const auto& r : server.requests()) BOOST_TEST(r.headers["anthropic-beta"] == "files-api-2025-04-14");
}

BOOST_FIXTURE_TEST_CASE(download_into_a_sink_and_into_a_file, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string content = pattern(2 * 1024 * 1024 + 5);
  const std::string id = server.add_file("chart.png", "image/png", content);
  const std::string private_id = server.add_file("mine.txt", "text/plain", "secret", false);
  temp_file target("download.png");
  std::string received;
  std::size_t pieces = 0;
  run([&]() -> asio::awaitable<void> {
    auto bytes = co_await client.async_download_file(id, [&](std::string_view piece) {
      received.append(piece);
      ++pieces;
      return boost::system::error_code{};
    });
    BOOST_TEST(bytes == content.size());
    auto to_file = co_await client.async_download_file_to(id, target.path.string());
    BOOST_TEST(to_file == content.size());

    anthropic::diagnostics diag;
    auto [ec, n] = co_await client.async_download_file(
        private_id, [](std::string_view) { return boost::system::error_code{}; }, diag,
        asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::api_errc::invalid_request_error), ec.message());
    BOOST_TEST(diag.server_message.find("not downloadable") != std::string::npos);
  }());
  BOOST_TEST((received == content));
  BOOST_TEST(pieces > 1u);  // handed over as it arrived, not at the end
  BOOST_TEST((target.read() == content));
  const auto get = server.requests().at(0);
  BOOST_TEST(get.target == "/v1/files/" + id + "/content");
  BOOST_TEST(get.headers["accept"] == "application/binary");
}

BOOST_FIXTURE_TEST_CASE(a_sink_error_stops_the_download, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string id = server.add_file("big.bin", "application/octet-stream", pattern(1024 * 1024));
  run([&]() -> asio::awaitable<void> {
    std::size_t taken = 0;
    auto [ec, n] = co_await client.async_download_file(
        id,
        [&](std::string_view piece) {
          taken += piece.size();
          return taken > 100'000 ? make_error_code(boost::system::errc::no_space_on_device) : boost::system::error_code{};
        },
        asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == boost::system::errc::no_space_on_device), ec.message());
    BOOST_TEST(n < 1024u * 1024);
  }());
  // The client goes on.
  run([&]() -> asio::awaitable<void> { co_await client.async_get_file(id); }());
}

BOOST_FIXTURE_TEST_CASE(a_download_cut_short_is_response_truncated_with_what_arrived, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string content = pattern(300'000);
  const std::string id = server.add_file("big.bin", "application/octet-stream", content);
  server.enqueue(anthropic::testing::reply::default_reply().close_after_bytes(120'000));
  std::string received;
  run([&]() -> asio::awaitable<void> {
    anthropic::diagnostics diag;
    auto [ec, n] = co_await client.async_download_file(
        id,
        [&](std::string_view piece) {
          received.append(piece);
          return boost::system::error_code{};
        },
        diag, asio::as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == anthropic::client_errc::response_truncated), ec.message());
    BOOST_TEST(n == received.size());
    BOOST_TEST(diag.client_message.find("after " + std::to_string(n) + " bytes") != std::string::npos,
               diag.client_message);
  }());
  BOOST_TEST(received.size() == 120'000u);
  BOOST_TEST((received == content.substr(0, received.size())));
  BOOST_TEST(client.connection_slots_in_use() == client.idle_connections());
}

BOOST_FIXTURE_TEST_CASE(cancelling_mid_download_keeps_what_arrived, client_fixture) {
  anthropic::client client(io.get_executor(), options());
  const std::string id = server.add_file("big.bin", "application/octet-stream", pattern(512 * 1024));
  server.enqueue(anthropic::testing::reply::default_reply().stall_after_bytes(100'000, std::chrono::seconds(30)));
  asio::cancellation_signal cancel;
  std::size_t received = 0;
  std::optional<boost::system::error_code> outcome;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto [ec, n] = co_await client.async_download_file(
        id,
        [&](std::string_view piece) {
          received += piece.size();
          return boost::system::error_code{};
        },
        asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable)));
    outcome = ec;
  }, asio::detached);
  BOOST_REQUIRE(run_until([&] { return received >= 100'000; }));
  io.run_for(std::chrono::milliseconds(100));
  BOOST_TEST(!outcome.has_value());
  cancel.emit(asio::cancellation_type::terminal);
  BOOST_REQUIRE(run_until([&] { return outcome.has_value(); }, std::chrono::seconds(5)));
  BOOST_TEST((*outcome == asio::error::operation_aborted), outcome->message());
  BOOST_TEST(received == 100'000u);
  BOOST_TEST(client.connection_slots_in_use() == client.idle_connections());
}

BOOST_AUTO_TEST_CASE(file_blocks_refer_to_the_id) {
  auto image = anthropic::image_file("file_123");
  auto doc = anthropic::document_file("file_456");
  anthropic::message_request req{.model = "m", .max_tokens = 1, .messages = {anthropic::user({image, doc})}};
  auto json = boost::json::value_from(req);
  const auto& content = json.at("messages").at(0).at("content");
  BOOST_TEST(boost::json::serialize(content.at(0).at("source")) == R"({"type":"file","file_id":"file_123"})");
  BOOST_TEST(boost::json::serialize(content.at(1).at("source")) == R"({"type":"file","file_id":"file_456"})");
}

BOOST_AUTO_TEST_SUITE_END()
