// sse_demo: the SSE framer on its own, with no network.
//
// A streamed Messages API response (text/event-stream) arrives from a socket in
// pieces of whatever size the network delivers. This program replays such a
// response -- embedded below -- in 7-byte pieces, hands each piece to
// anthropic::sse::parser, and prints the story's text as its deltas arrive.
// Events are decoded here with plain Boost.JSON; the library's typed events
// (anthropic::stream_event) do this for real clients.
#include <anthropic/sse/parser.hpp>

#include <boost/json.hpp>

#include <cstddef>
#include <iostream>
#include <string_view>

namespace {

// What the API streams back for "Write a one-sentence bedtime story about a
// unicorn." (the shape of spec section 4; ids shortened).
constexpr std::string_view recorded_response = R"sse(event: message_start
data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":21,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Under a silver moon, a"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" little unicorn named Luna"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" tiptoed through a meadow of sleeping"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" flowers, sprinkling stardust dreams on"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" every child in the village below."}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":32}}

event: message_stop
data: {"type":"message_stop"}

)sse";

// The text of a content_block_delta event's text_delta, or empty.
std::string_view delta_text(const boost::json::value& payload) {
  const auto* object = payload.if_object();
  if (!object) return {};
  const auto* delta = object->if_contains("delta");
  if (!delta || !delta->is_object()) return {};
  const auto* text = delta->as_object().if_contains("text");
  if (!text || !text->is_string()) return {};
  return text->as_string();
}

}  // namespace

int main() {
  anthropic::sse::parser parser;  // default limit: 16 MiB per event
  boost::system::error_code ec;
  std::size_t events = 0;

  constexpr std::size_t piece_size = 7;  // small on purpose: most events straddle pieces
  for (std::size_t at = 0; at < recorded_response.size(); at += piece_size) {
    std::string_view piece = recorded_response.substr(at, piece_size);
    // One piece can complete zero, one or several events: drain it.
    while (auto event = parser.next(piece, ec)) {
      ++events;
      if (event->type != "content_block_delta") continue;  // message_start, ping, stops...
      // The event's views are valid until the next call to parser.next().
      const boost::json::value payload = boost::json::parse(event->data, ec);
      if (ec) break;
      std::cout << delta_text(payload) << std::flush;
    }
    if (ec) {
      std::cerr << "\nstream error: " << ec.message() << '\n';
      return 1;
    }
  }
  // The response is over: an event still half-received would be an error.
  if (auto end = parser.finish()) {
    std::cerr << "\nstream error: " << end.message() << '\n';
    return 1;
  }
  std::cout << "\n-- " << events << " events, " << recorded_response.size() << " bytes in " << piece_size
            << "-byte pieces\n";
  return 0;
}
