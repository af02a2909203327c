// The client's TLS layer (detail/io/tls_socket.hpp) under what a server may do
// in the middle of a response: TLS 1.3 key updates and session tickets, TLS 1.2
// renegotiation, closing with or without close_notify. Everything through the
// public client API, against scripted_tls_server.
#include "tls_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

using anthropic::test::chunk;
using anthropic::test::json_response;
using anthropic::test::last_chunk;
using anthropic::test::message_json;
using anthropic::test::scripted_tls_server;
using anthropic::test::stream_head;
using anthropic::test::text_message_events;
using anthropic::test::tls_session;

namespace {

const std::vector<std::string> pieces = {"Once ", "upon ", "a ", "time, ", "a ", "unicorn ", "slept ", "under ", "the ", "stars."};

std::string joined(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count && i < parts.size(); ++i) out += parts[i];
  return out;
}

bool is_stream_request(const anthropic::test::scripted_request& r) {
  return r.body.find("\"stream\":true") != std::string::npos;
}

bool has_note(const std::vector<std::string>& notes, const std::string& line) {
  return std::find(notes.begin(), notes.end(), line) != notes.end();
}

// Every note, for failure messages.
std::string all(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += "[" + n + "] ";
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tls_mid_stream, anthropic::test::tls_fixture)

// TLS 1.3: halfway through the stream the server asks for a key update (the
// client must answer with a KeyUpdate of its own and switch its sending keys)
// and issues a new session ticket. The stream must go on undisturbed, and the
// connection must still work afterwards in both directions: the second request
// travels on it, encrypted with the client's new keys.
BOOST_AUTO_TEST_CASE(key_update_and_session_tickets_mid_stream) {
  const auto events = text_message_events(pieces);
  scripted_tls_server server([&](tls_session& s, std::size_t connection) {
    std::size_t served = 0;
    while (auto request = s.read_request()) {
      ++served;
      s.note("connection " + std::to_string(connection) + " request " + std::to_string(served) +
             (is_stream_request(*request) ? " stream" : " create"));
      if (!is_stream_request(*request)) {
        s.write(json_response(message_json("second answer")));
        continue;
      }
      s.write(stream_head());
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (i == events.size() / 2) {
          SSL* ssl = s.ssl();
          // One at a time: each puts the connection "in init" until sent, and
          // OpenSSL refuses the other meanwhile. SSL_do_handshake sends it now,
          // between two events.
          const int update = SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED);
          const int update_sent = SSL_do_handshake(ssl);
          const int ticket = SSL_new_session_ticket(ssl);
          const int ticket_sent = SSL_do_handshake(ssl);
          s.note("key update " + std::to_string(update) + std::to_string(update_sent) + " ticket " +
                 std::to_string(ticket) + std::to_string(ticket_sent) + " " + SSL_get_version(ssl));
        }
        s.write(chunk(events[i]));
      }
      s.write(last_chunk);
    }
  });

  anthropic::client client(io.get_executor(), server.client_settings());
  const auto streamed = read_stream(client);
  expect_whole_stream(streamed, events.size(), joined(pieces, pieces.size()));

  const auto second = create(client);
  BOOST_TEST(!second.error, second.error.message());
  BOOST_TEST(second.text == "second answer");

  const auto notes = server.notes();
  BOOST_TEST(has_note(notes, "key update 11 ticket 11 TLSv1.3"), all(notes));
  // Both requests on the first and only connection: the pooled connection was
  // reused after the key update, and the server read the second request.
  BOOST_TEST(has_note(notes, "connection 1 request 1 stream"), all(notes));
  BOOST_TEST(has_note(notes, "connection 1 request 2 create"), all(notes));
  BOOST_TEST(server.connections_accepted() == 1u);
  // The client answered the KeyUpdate request with one of its own (RFC 8446
  // section 4.6.3), so the second request came under its new sending keys.
  BOOST_TEST(server.key_updates_received() == 1u);
}

// TLS 1.2: halfway through the stream the server sends a HelloRequest and
// completes the renegotiation if the client starts one.
//
// Observed: the client (OpenSSL 3.0's default, secure renegotiation allowed)
// answers the HelloRequest with a ClientHello from inside its read, the
// handshake completes while the stream is read, and the stream ends normally
// with every event; the connection is then reused for the next request.
BOOST_AUTO_TEST_CASE(renegotiation_mid_stream_is_refused_or_handled) {
  const auto events = text_message_events(pieces);
  scripted_tls_server::settings tls12;
  tls12.max_version = TLS1_2_VERSION;
  scripted_tls_server server(
      [&](tls_session& s, std::size_t connection) {
        std::size_t served = 0;
        while (auto request = s.read_request()) {
          ++served;
          s.note("connection " + std::to_string(connection) + " request " + std::to_string(served));
          if (!is_stream_request(*request)) {
            s.write(json_response(message_json("after renegotiation")));
            continue;
          }
          if (!s.write(stream_head())) return;
          for (std::size_t i = 0; i < events.size(); ++i) {
            if (i == events.size() / 2) {
              SSL* ssl = s.ssl();
              const int scheduled = SSL_renegotiate(ssl);
              const int hello_request = SSL_do_handshake(ssl);
              s.note("renegotiate " + std::to_string(scheduled) + " hello request " + std::to_string(hello_request) +
                     " " + SSL_get_version(ssl));
              if (!s.write(chunk(events[i]))) return s.note("write failed after HelloRequest");
              s.pump(std::chrono::seconds(2));  // the client's handshake, if it starts one
              s.note("renegotiations " + std::to_string(SSL_total_renegotiations(ssl)) + " pending " +
                     std::to_string(SSL_renegotiate_pending(ssl)));
              continue;
            }
            if (!s.write(chunk(events[i]))) return s.note("write failed after event " + std::to_string(i));
          }
          s.write(last_chunk);
        }
      },
      tls12);

  anthropic::client client(io.get_executor(), server.client_settings());
  const auto streamed = read_stream(client);
  const auto notes = server.notes();
  BOOST_TEST_MESSAGE("renegotiation: " << (streamed.error ? streamed.error.message() : "stream complete") << " ("
                                       << streamed.error.category().name() << " " << streamed.error.value()
                                       << "), events " << streamed.events << ", server: " << all(notes));
  BOOST_TEST(has_note(notes, "renegotiate 1 hello request 1 TLSv1.2"), all(notes));
  // Whatever happens, the events before the HelloRequest stay in the message.
  BOOST_TEST(streamed.text.starts_with(joined(pieces, events.size() / 2 - 2)));
  BOOST_TEST(streamed.took < std::chrono::seconds(8));
  // What this library does: renegotiates and goes on.
  expect_whole_stream(streamed, events.size(), joined(pieces, pieces.size()));
  BOOST_TEST(has_note(notes, "renegotiations 1 pending 0"), all(notes));

  const auto second = create(client);
  BOOST_TEST(!second.error, second.error.message());
  BOOST_TEST(second.text == "after renegotiation");
  BOOST_TEST(server.connections_accepted() == 1u);
  BOOST_TEST(has_note(server.notes(), "connection 1 request 2"), all(server.notes()));
}

// The server hangs up mid-stream without close_notify (a crash, a proxy that
// gives up, a truncation attack): the stream fails as truncated, and the events
// received before stay in the message.
BOOST_AUTO_TEST_CASE(peer_closing_without_close_notify_mid_stream) {
  const auto events = text_message_events(pieces);
  constexpr std::size_t sent_events = 5;  // message_start, content_block_start, three deltas
  scripted_tls_server server([&](tls_session& s, std::size_t) {
    if (!s.read_request()) return;
    s.write(stream_head());
    for (std::size_t i = 0; i < sent_events; ++i) s.write(chunk(events[i]));
    // Returning closes the socket without SSL_shutdown: no close_notify.
  });

  anthropic::client client(io.get_executor(), server.client_settings());
  const auto streamed = read_stream(client);
  BOOST_TEST((streamed.error == anthropic::client_errc::stream_truncated), streamed.error.message());
  BOOST_TEST(!streamed.complete);
  BOOST_TEST(streamed.events == sent_events);
  BOOST_TEST(streamed.text == joined(pieces, 3));
  BOOST_TEST(streamed.took < std::chrono::seconds(2));  // the close ended it, not the idle timeout
}

// The same with close_notify: a clean TLS close, but the chunked body is not
// finished (no message_stop, no last chunk), which is a truncation all the same.
BOOST_AUTO_TEST_CASE(close_notify_mid_stream_is_still_truncated) {
  const auto events = text_message_events(pieces);
  constexpr std::size_t sent_events = 5;
  scripted_tls_server server([&](tls_session& s, std::size_t) {
    if (!s.read_request()) return;
    s.write(stream_head());
    for (std::size_t i = 0; i < sent_events; ++i) s.write(chunk(events[i]));
    s.close_notify();
  });

  anthropic::client client(io.get_executor(), server.client_settings());
  const auto streamed = read_stream(client);
  BOOST_TEST((streamed.error == anthropic::client_errc::stream_truncated), streamed.error.message());
  BOOST_TEST(streamed.events == sent_events);
  BOOST_TEST(streamed.text == joined(pieces, 3));
  BOOST_TEST(streamed.took < std::chrono::seconds(2));
}

// A body with neither Content-Length nor chunked encoding ends where the
// connection ends, and only close_notify tells that end from a cut (RFC 8446
// section 6.1, RFC 9112 section 9.8). The body is the same complete, valid
// JSON message both times: without close_notify the client must still refuse
// it, as it cannot know that nothing was cut off.
BOOST_AUTO_TEST_CASE(body_to_connection_end_needs_close_notify) {
  const std::string body = message_json("to the end");
  scripted_tls_server server([&](tls_session& s, std::size_t connection) {
    if (!s.read_request()) return;
    s.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
            "request-id: req_scripted\r\n\r\n" + body);
    if (connection == 1) s.close_notify();  // the second connection ends without it
  });

  anthropic::client client(io.get_executor(), server.client_settings());
  const auto clean = create(client);
  BOOST_TEST(!clean.error, clean.error.message());
  BOOST_TEST(clean.text == "to the end");

  const auto cut = create(client);
  BOOST_TEST((cut.error == anthropic::client_errc::response_truncated), cut.error.message());
  BOOST_TEST(cut.diag.client_message.find("close_notify") != std::string::npos, cut.diag.client_message);
  BOOST_TEST(cut.text.empty());
  BOOST_TEST(server.connections_accepted() == 2u);  // "connection: close": never reused
}

// A 2 MB request to a server that reads slowly through a small receive
// buffer: the client's socket fills up again and again, so OpenSSL's writes
// stop part-way (SSL_MODE_ENABLE_PARTIAL_WRITE) and resume on writability.
// Every byte must arrive once and in order.
BOOST_AUTO_TEST_CASE(partial_writes_of_a_large_request) {
  // Deterministic text with characters JSON must escape and multi-byte UTF-8.
  std::string text;
  text.reserve(2 * 1024 * 1024 + 64);
  unsigned state = 12345;
  const char* const words[] = {"unicorn", "\"quoted\"", "back\\slash", "line\nbreak", "caf\xc3\xa9", "tab\there", "stars"};
  while (text.size() < 2 * 1024 * 1024) {
    state = state * 1103515245u + 12345u;
    text += words[(state >> 16) % 7];
    text += ' ';
  }

  scripted_tls_server::settings slow;
  slow.receive_buffer = 4096;
  scripted_tls_server server(
      [&](tls_session& s, std::size_t) {
        s.slow_reads(std::chrono::microseconds(500));
        auto request = s.read_request();
        if (!request) return s.note("no request");
        s.note(request->body);
        s.note("left over " + std::to_string(s.unread().size()));
        s.write(json_response(message_json("got " + std::to_string(request->body.size()))));
      },
      slow);

  anthropic::client client(io.get_executor(), server.client_settings());
  const auto start = std::chrono::steady_clock::now();
  const auto result = create(client, sample_request(text));
  BOOST_TEST_MESSAGE("2 MB upload took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count()
                                         << " ms");
  BOOST_TEST(!result.error, result.error.message());

  const auto notes = server.notes();
  BOOST_REQUIRE_EQUAL(notes.size(), 2u);
  const std::string& body = notes[0];
  BOOST_TEST(notes[1] == "left over 0");  // nothing beyond Content-Length
  BOOST_TEST(result.text == "got " + std::to_string(body.size()));
  // The body is the JSON request with the text intact.
  boost::system::error_code ec;
  const auto json = boost::json::parse(body, ec);
  BOOST_REQUIRE_MESSAGE(!ec, "the body does not parse: " << ec.message());
  const auto& content = json.at("messages").at(0).at("content");
  const std::string received = content.is_string() ? std::string(content.as_string())
                                                   : std::string(content.at(0).at("text").as_string());
  BOOST_TEST(received.size() == text.size());
  BOOST_TEST((received == text));
}

BOOST_AUTO_TEST_SUITE_END()
