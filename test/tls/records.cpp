// The client's TLS layer reading records as they come off the wire: corrupted,
// forged, cut or oversized records written on the raw socket under TLS, and
// hundreds of records arriving in one go.
#include "tls_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <map>
#include <random>
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

// What the server sends after three good events. "then close": the server
// closes the TCP connection right after (no close_notify); "hold": it keeps the
// connection open until the client closes it, so only the client's own
// detection of the damage can end the stream in time.
enum class damage {
  garbage_then_close,          // random bytes
  flipped_payload_bit_hold,    // a genuine record with one bit of its ciphertext or tag flipped
  flipped_header_bit_close,    // a genuine record with one bit of its 5-byte header flipped
  truncated_record_close,      // the first bytes of a genuine record (maybe not even its whole header)
  oversized_length_hold,       // an application_data header announcing more than any record may hold
  skipped_record_hold,         // a genuine record left out: the next one has the wrong sequence number
  replayed_record_hold,        // a genuine record sent twice
  random_body_hold,            // a well-formed header over random bytes
  plaintext_alert_hold,        // an unencrypted fatal alert
  count
};

const char* name(damage d) {
  switch (d) {
    case damage::garbage_then_close: return "garbage_then_close";
    case damage::flipped_payload_bit_hold: return "flipped_payload_bit_hold";
    case damage::flipped_header_bit_close: return "flipped_header_bit_close";
    case damage::truncated_record_close: return "truncated_record_close";
    case damage::oversized_length_hold: return "oversized_length_hold";
    case damage::skipped_record_hold: return "skipped_record_hold";
    case damage::replayed_record_hold: return "replayed_record_hold";
    case damage::random_body_hold: return "random_body_hold";
    case damage::plaintext_alert_hold: return "plaintext_alert_hold";
    case damage::count: break;
  }
  return "?";
}

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// Sends the damage for `seed` after the good events; returns whether the
// server then closes (true) or holds the connection open (false).
bool send_damage(tls_session& s, damage kind, std::mt19937& rng) {
  // A record whose plaintext is an SSE comment inside an HTTP chunk: were it
  // delivered, it would add no event.
  const std::string harmless = chunk(": fuzz\n\n");
  switch (kind) {
    case damage::garbage_then_close:
      s.send_raw(random_bytes(rng, 1 + rng() % 300));
      return true;
    case damage::flipped_payload_bit_hold: {
      std::string record = s.capture_records(harmless);
      const std::size_t at = 5 + rng() % (record.size() - 5);
      record[at] = static_cast<char>(record[at] ^ (1 << (rng() % 8)));
      s.send_raw(record);
      return false;
    }
    case damage::flipped_header_bit_close: {
      std::string record = s.capture_records(harmless);
      const std::size_t at = rng() % 5;
      record[at] = static_cast<char>(record[at] ^ (1 << (rng() % 8)));
      s.send_raw(record);
      return true;
    }
    case damage::truncated_record_close: {
      const std::string record = s.capture_records(harmless);
      s.send_raw(record.substr(0, 1 + rng() % (record.size() - 1)));
      return true;
    }
    case damage::oversized_length_hold: {
      // 2^14 + 2048 is the largest a TLS 1.2 ciphertext may be, 2^14 + 256 in TLS 1.3.
      const unsigned length = 0x4801 + rng() % (0xffff - 0x4801);
      std::string header = {0x17, 0x03, 0x03, static_cast<char>(length >> 8), static_cast<char>(length & 0xff)};
      s.send_raw(header + random_bytes(rng, 64));
      return false;
    }
    case damage::skipped_record_hold: {
      (void)s.capture_records(harmless);  // produced, never sent
      s.send_raw(s.capture_records(harmless));
      return false;
    }
    case damage::replayed_record_hold: {
      const std::string record = s.capture_records(harmless);
      s.send_raw(record + record);
      return false;
    }
    case damage::random_body_hold: {
      const unsigned length = 1 + rng() % 2000;
      std::string header = {0x17, 0x03, 0x03, static_cast<char>(length >> 8), static_cast<char>(length & 0xff)};
      s.send_raw(header + random_bytes(rng, length));
      return false;
    }
    case damage::plaintext_alert_hold:
      s.send_raw(std::string{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28});  // fatal handshake_failure
      return false;
    case damage::count: break;
  }
  return true;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tls_records, anthropic::test::tls_fixture)

// ~100 deterministic seeds, half over TLS 1.3 and half over TLS 1.2: after a
// good head and three good events, damaged TLS bytes on the raw socket. Every
// stream must fail promptly with an error (never the idle timeout, never
// success, never a crash), keeping the three events already received.
BOOST_AUTO_TEST_CASE(fuzzed_record_stream) {
  const auto events = text_message_events({"Hello ", "world"});
  constexpr std::size_t good_events = 3;  // message_start, content_block_start, "Hello "
  constexpr unsigned seeds_per_version = 50;
  std::map<std::string, std::size_t> outcomes;  // "damage -> error" for the log
  std::size_t failures = 0;

  for (const int version : {TLS1_3_VERSION, TLS1_2_VERSION}) {
    scripted_tls_server::settings tls;
    tls.max_version = version;
    scripted_tls_server server(
        [&](tls_session& s, std::size_t connection) {
          if (!s.read_request()) return;
          std::mt19937 rng(static_cast<unsigned>(connection * 7919 + version));
          const auto kind = static_cast<damage>((connection - 1) % static_cast<unsigned>(damage::count));
          s.write(stream_head());
          for (std::size_t i = 0; i < good_events; ++i) s.write(chunk(events[i]));
          if (!send_damage(s, kind, rng)) s.wait_for_client_close(std::chrono::seconds(5));
        },
        tls);
    auto opts = server.client_settings();
    opts.timeouts.idle = std::chrono::seconds(2);
    anthropic::client client(io.get_executor(), opts);

    for (unsigned seed = 1; seed <= seeds_per_version && failures < 5; ++seed) {
      const auto kind = static_cast<damage>((seed - 1) % static_cast<unsigned>(damage::count));
      const auto streamed = read_stream(client);
      const std::string where = std::string(version == TLS1_3_VERSION ? "TLS 1.3" : "TLS 1.2") + " seed " +
                                std::to_string(seed) + " " + name(kind) + ": " + streamed.error.message();
      const bool ok = streamed.error && streamed.error != anthropic::client_errc::idle_timeout &&
                      !streamed.complete && streamed.events == good_events && streamed.text == "Hello " &&
                      streamed.took < std::chrono::seconds(1);
      BOOST_TEST(ok, where << " (events " << streamed.events << ", text '" << streamed.text << "', "
                           << std::chrono::duration_cast<std::chrono::milliseconds>(streamed.took).count() << " ms)");
      failures += !ok;
      ++outcomes[std::string(name(kind)) + " -> " + streamed.error.category().name() + ": " +
                 streamed.error.message()];
    }
    BOOST_TEST(server.connections_accepted() == seeds_per_version);  // a failed connection is never reused
  }
  for (const auto& [outcome, times] : outcomes) BOOST_TEST_MESSAGE(times << " x " << outcome);
}

// 500 records, each one HTTP chunk with one event, reach the client in one
// send (so in a few TCP segments, read with a few recv calls): each read must
// hand out every record it holds, in order, and none may be lost between
// reads. The connection then serves the next request.
BOOST_AUTO_TEST_CASE(server_sends_many_records_in_one_segment) {
  std::vector<std::string> pieces;
  std::string expected;
  for (int i = 0; i < 500; ++i) {
    pieces.push_back("t" + std::to_string(i) + " ");
    expected += pieces.back();
  }
  const auto events = text_message_events(pieces);
  scripted_tls_server server([&](tls_session& s, std::size_t) {
    while (auto request = s.read_request()) {
      if (request->body.find("\"stream\":true") == std::string::npos) {
        s.write(json_response(message_json("next")));
        continue;
      }
      // Every record produced first, then all sent at once.
      std::string records = s.capture_records(stream_head());
      for (const auto& event : events) records += s.capture_records(chunk(event));
      records += s.capture_records(last_chunk);
      s.note("records bytes " + std::to_string(records.size()));
      s.send_raw(records);
    }
  });

  anthropic::client client(io.get_executor(), server.client_settings());
  const auto streamed = read_stream(client);
  expect_whole_stream(streamed, events.size(), expected);

  const auto next = create(client);
  BOOST_TEST(!next.error, next.error.message());
  BOOST_TEST(next.text == "next");
  BOOST_TEST(server.connections_accepted() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
