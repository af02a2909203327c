// Every scripted behaviour of mock_server, seen from a plain Beast client.
#include "http_test_client.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <thread>

using namespace mock_test;
using anthropic::testing::mock_server;
using anthropic::testing::mock_server_options;
using anthropic::testing::reply;
namespace json = boost::json;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Position (in body bytes) of the end of the n-th SSE event (1-based).
std::size_t end_of_event(const std::string& body, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) pos = body.find("\n\n", pos) + 2;
  return pos;
}

// The longest pause between two consecutive reads, and how many body bytes had
// arrived before it (counting only bytes after the response head).
std::pair<std::chrono::milliseconds, std::size_t> longest_gap(const response& r) {
  std::chrono::milliseconds gap{0};
  std::size_t bytes_before = 0, total = 0;
  for (std::size_t i = 1; i < r.reads.size(); ++i) {
    total += r.reads[i - 1].bytes.size();
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(r.reads[i].at - r.reads[i - 1].at);
    if (d > gap) {
      gap = d;
      bytes_before = total;
    }
  }
  return {gap, bytes_before};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mock_server_scripts)

BOOST_AUTO_TEST_CASE(error_reply_with_retry_headers_then_default_again) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::error(429, "rate_limit_error", "slow down")
                     .header("retry-after", "1")
                     .header("retry-after-ms", "1000")
                     .header("x-should-retry", "true"));
  server.enqueue(reply::error(529, "overloaded_error", "Overloaded"), 2);
  connection c(io, server);
  auto body = message_body("hi");

  auto limited = c.post("/v1/messages", body);
  BOOST_TEST(limited.status == 429u);
  BOOST_TEST(limited.header("retry-after") == "1");
  BOOST_TEST(limited.header("retry-after-ms") == "1000");
  BOOST_TEST(limited.header("x-should-retry") == "true");
  auto error = limited.json();
  BOOST_TEST(error.at("type") == "error");
  BOOST_TEST(error.at("error").at("type") == "rate_limit_error");
  BOOST_TEST(error.at("error").at("message") == "slow down");
  BOOST_TEST(error.at("request_id").as_string() == limited.header("request-id"));

  for (int i = 0; i < 2; ++i) {
    auto overloaded = c.post("/v1/messages", body);
    BOOST_TEST(overloaded.status == 529u);
    BOOST_TEST(overloaded.json().at("error").at("type") == "overloaded_error");
  }
  BOOST_TEST(c.post("/v1/messages", body).status == 200u);  // the queue is empty again
}

BOOST_AUTO_TEST_CASE(json_and_status_replies_are_sent_verbatim) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::json(R"({"id":"msg_x","type":"message","surprise":null})", 200));
  server.enqueue(reply::json("{not json", 200));
  server.enqueue(reply::default_reply().status(500));
  connection c(io, server);
  BOOST_TEST(c.post("/v1/messages", message_body("hi")).body == R"({"id":"msg_x","type":"message","surprise":null})");
  BOOST_TEST(c.post("/v1/messages", message_body("hi")).body == "{not json");
  auto overridden = c.post("/v1/messages", message_body("hi"));
  BOOST_TEST(overridden.status == 500u);
  BOOST_TEST(overridden.json().at("type") == "message");
}

BOOST_AUTO_TEST_CASE(sse_transcript_is_replayed_verbatim) {
  net::io_context io;
  mock_server server;
  std::string transcript = read_file(std::string(ANTHROPIC_SPEC_DIR) + "/streams/docs-tool-use.sse");
  BOOST_TEST_REQUIRE(transcript.size() > 1000u);
  server.enqueue(reply::sse(transcript));
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(r.header("content-type") == "text/event-stream");
  BOOST_TEST(r.complete);
  BOOST_TEST(r.body == transcript);
}

BOOST_AUTO_TEST_CASE(stream_reply_streams_even_a_plain_request) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream());
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body(story_prompt, false));
  BOOST_TEST(r.header("content-type") == "text/event-stream");
  BOOST_TEST(r.events().back().name == "message_stop");
}

BOOST_AUTO_TEST_CASE(delay_head_holds_back_the_response) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::default_reply().delay_head(std::chrono::milliseconds(300)));
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi"));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST_REQUIRE(!r.reads.empty());
  BOOST_TEST((r.reads.front().at - r.sent_at >= std::chrono::milliseconds(290)));
}

BOOST_AUTO_TEST_CASE(stall_happens_after_the_given_number_of_events) {
  net::io_context io;
  mock_server_options opts;
  opts.use_tls = false;  // reads then map to the server's writes more closely
  mock_server server(opts);
  server.enqueue(reply::stream().stall_after_events(3, std::chrono::milliseconds(400)));
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(r.complete);
  auto [gap, bytes_before] = longest_gap(r);
  BOOST_TEST(gap.count() >= 390);
  // Everything up to the third event arrived before the stall, nothing after it.
  std::size_t head_size = r.reads.front().bytes.find("\r\n\r\n") + 4;
  std::string before(r.reads.front().bytes.substr(head_size));
  for (std::size_t i = 1; before.size() < bytes_before - head_size; ++i) before += r.reads[i].bytes;
  BOOST_TEST(before.find("event: content_block_start") != std::string::npos);
  BOOST_TEST(before.find("event: ping") != std::string::npos);  // the third event
  BOOST_TEST(before.find("event: content_block_delta") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(event_delay_paces_every_stream) {
  net::io_context io;
  mock_server_options opts;
  opts.event_delay = std::chrono::milliseconds(20);
  opts.tokens_per_reply = 3;
  mock_server server(opts);
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(r.events().size() == 9u);
  BOOST_TEST((r.reads.back().at - r.sent_at >= std::chrono::milliseconds(8 * 20 - 5)));
}

BOOST_AUTO_TEST_CASE(close_after_bytes_truncates_the_body) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream().close_after_bytes(500));
  server.enqueue(reply::default_reply().close_after_bytes(10));
  {
    connection c(io, server);
    auto r = c.post("/v1/messages", message_body(story_prompt, true));
    BOOST_TEST(r.head_received);
    BOOST_TEST(!r.complete);
    BOOST_TEST(r.read_error.failed());
    BOOST_TEST(r.body.size() == 500u);
  }
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body(story_prompt));
  BOOST_TEST(!r.complete);
  BOOST_TEST(r.body.size() == 10u);
  BOOST_TEST(server.connections_accepted() == 2u);
}

BOOST_AUTO_TEST_CASE(error_event_ends_the_stream) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream().error_event_after(4, "overloaded_error", "Overloaded"));
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.complete);  // a well-framed body: the error is in the stream
  auto events = r.events();
  BOOST_TEST_REQUIRE(events.size() == 5u);
  BOOST_TEST(events[3].name == "content_block_delta");
  BOOST_TEST(events[4].name == "error");
  BOOST_TEST(events[4].json() == json::parse(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
}

BOOST_AUTO_TEST_CASE(malformed_sse_is_garbage_then_a_dropped_connection) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream().malformed_sse(2));
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(!r.complete);
  BOOST_TEST(r.body.find("<html>") == end_of_event(r.body, 2));
  BOOST_TEST(r.body.find("message_stop") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_json_event_sits_in_an_otherwise_valid_stream) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream().malformed_json_event(3));
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(r.complete);
  auto events = r.events();
  BOOST_TEST(events.size() == 19u);
  BOOST_TEST(events[3].name == "content_block_delta");
  boost::system::error_code ec;
  json::parse(events[3].data, ec);
  BOOST_TEST(ec.failed());
  BOOST_TEST(events.back().name == "message_stop");
}

BOOST_AUTO_TEST_CASE(huge_event_is_one_valid_event_of_the_requested_size) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream().huge_event(1'000'000));
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(r.complete);
  auto events = r.events();
  BOOST_TEST_REQUIRE(events.size() == 19u);
  BOOST_TEST(events[3].name == "ping");
  BOOST_TEST(events[3].data.size() > 999'900u);
  BOOST_TEST(events[3].json().at("type") == "ping");
  BOOST_TEST(events.back().name == "message_stop");
}

BOOST_AUTO_TEST_CASE(one_byte_writes_send_every_byte_on_its_own) {
  net::io_context io;
  mock_server server;
  connection c(io, server);
  auto normal = c.post("/v1/messages", message_body("hi", true));
  server.enqueue(reply::default_reply().one_byte_writes());
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(r.complete);
  // Over TLS each write is its own record, and each record its own read.
  std::size_t multi_byte_reads = 0;
  for (const auto& read : r.reads) multi_byte_reads += read.bytes.size() != 1;
  BOOST_TEST(multi_byte_reads == 0u);
  BOOST_TEST(r.reads.size() > 1000u);
  BOOST_TEST(r.events().size() == normal.events().size());
}

BOOST_AUTO_TEST_CASE(framing_choices) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream().chunked(false));
  server.enqueue(reply::default_reply().chunked(true));
  server.enqueue(reply::stream().close_delimited());
  connection c(io, server);

  auto sized = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(!sized.chunked);
  BOOST_TEST(sized.header("content-length") == std::to_string(sized.body.size()));
  BOOST_TEST(sized.events().back().name == "message_stop");

  auto chunked_json = c.post("/v1/messages", message_body("hi"));
  BOOST_TEST(chunked_json.chunked);
  BOOST_TEST(chunked_json.json().at("type") == "message");

  auto until_close = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST(until_close.header("content-length").empty());
  BOOST_TEST(until_close.header("transfer-encoding").empty());
  BOOST_TEST(until_close.header("connection") == "close");
  BOOST_TEST(until_close.complete);  // ended by the close
  BOOST_TEST(until_close.events().back().name == "message_stop");
}

BOOST_AUTO_TEST_CASE(connection_close_ends_the_connection_after_the_response) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::default_reply().connection_close());
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi"));
  BOOST_TEST(r.complete);
  BOOST_TEST(r.header("connection") == "close");
  auto next = c.post("/v1/messages", message_body("hi"));
  BOOST_TEST(!next.head_received);
  BOOST_TEST(server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(reset_before_head_sends_nothing) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::default_reply().reset_before_head());
  connection c(io, server);
  auto r = c.post("/v1/messages", message_body("hi"));
  BOOST_TEST(!r.head_received);
  BOOST_TEST(r.reads.empty());
  BOOST_TEST(r.read_error.failed());
  BOOST_TEST(server.requests().size() == 1u);  // the request was read and recorded
}

BOOST_AUTO_TEST_CASE(keep_alive_and_recording) {
  net::io_context io;
  mock_server server;
  connection first(io, server);
  auto a = first.post("/v1/messages", message_body("one"), {{"x-api-key", "k1"}});
  auto b = first.post("/v1/messages/count_tokens", R"({"model":"m","messages":[]})");
  BOOST_TEST(a.complete);
  BOOST_TEST(b.complete);
  connection second(io, server);
  second.exchange(http::verb::get, "/v1/models?limit=2");

  BOOST_TEST(server.connections_accepted() == 2u);
  auto reqs = server.requests();
  BOOST_TEST_REQUIRE(reqs.size() == 3u);
  BOOST_TEST(reqs[0].method == "POST");
  BOOST_TEST(reqs[0].target == "/v1/messages");
  BOOST_TEST(reqs[0].body == message_body("one"));
  BOOST_TEST(reqs[0].headers["x-api-key"] == "k1");
  BOOST_TEST(reqs[0].headers["anthropic-version"] == "2023-06-01");
  BOOST_TEST(reqs[1].target == "/v1/messages/count_tokens");
  BOOST_TEST(reqs[0].connection_id == reqs[1].connection_id);  // two requests, one connection
  BOOST_TEST(reqs[2].method == "GET");
  BOOST_TEST(reqs[2].target == "/v1/models?limit=2");
  BOOST_TEST(reqs[2].connection_id != reqs[0].connection_id);
}

BOOST_AUTO_TEST_CASE(enqueue_and_requests_from_another_thread) {
  net::io_context io;
  mock_server server(io.get_executor());
  std::thread scripter([&] { server.enqueue(reply::error(500, "api_error", "boom")); });
  scripter.join();
  connection c(io, server);
  BOOST_TEST(c.post("/v1/messages", message_body("hi")).status == 500u);
  std::size_t seen = 0;
  std::thread reader([&] { seen = server.requests().size(); });
  reader.join();
  BOOST_TEST(seen == 1u);
}

BOOST_AUTO_TEST_CASE(malformed_http_and_oversized_bodies) {
  net::io_context io;
  mock_server server;
  {
    connection c(io, server);
    auto r = c.raw("GARBAGE\r\n\r\n");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.json().at("error").at("type") == "invalid_request_error");
  }
  connection c(io, server);
  auto r = c.raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 40000000\r\n\r\n");
  BOOST_TEST(r.status == 413u);
  BOOST_TEST(r.json().at("error").at("type") == "request_too_large");
}

BOOST_AUTO_TEST_CASE(stop_closes_open_connections) {
  net::io_context io;
  mock_server server;
  server.enqueue(reply::stream().stall_after_events(2, std::chrono::seconds(30)));
  connection idle(io, server);     // connected, no request
  connection streaming(io, server);
  net::steady_timer stopper(io);
  stopper.expires_after(std::chrono::milliseconds(200));
  stopper.async_wait([&](boost::system::error_code) { server.stop(); });
  auto started = clock::now();
  auto r = streaming.post("/v1/messages", message_body("hi", true));
  BOOST_TEST((clock::now() - started < std::chrono::seconds(5)));
  BOOST_TEST(r.head_received);
  BOOST_TEST(!r.complete);
  BOOST_TEST(r.events().size() == 2u);
  BOOST_TEST(!idle.post("/v1/messages", message_body("hi")).head_received);
  server.stop();  // idempotent
  BOOST_TEST(connection(io, server).handshake_error().failed());  // nobody listens any more
}

BOOST_AUTO_TEST_CASE(stop_on_the_callers_executor) {
  net::io_context io;
  std::optional<mock_server> server(std::in_place, io.get_executor());
  server->enqueue(reply::stream().stall_after_events(1, std::chrono::seconds(30)));
  connection c(io, *server);
  net::steady_timer stopper(io);
  stopper.expires_after(std::chrono::milliseconds(100));
  stopper.async_wait([&](boost::system::error_code) { server.reset(); });  // the destructor stops
  auto started = clock::now();
  auto r = c.post("/v1/messages", message_body("hi", true));
  BOOST_TEST((clock::now() - started < std::chrono::seconds(5)));
  BOOST_TEST(!r.complete);
  io.restart();
  io.run_for(std::chrono::milliseconds(100));  // remaining handlers finish without the server object
}

BOOST_AUTO_TEST_SUITE_END()
