// The data behind anthropic::testing::reply, and the sans-io step that turns a
// response body plus the scripted faults into the timed pieces the connection
// writes. Kept free of sockets so that every fault is easy to reason about.
#pragma once

#include <anthropic/testing/detail/default_replies.hpp>

#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anthropic::testing::detail {

/// What a scripted reply sends instead of (or on top of) the default behaviour.
struct reply_script {
  enum class source {
    automatic,       // what the endpoint normally answers
    message_stream,  // the default message, streamed whatever the request said
    fixed,           // status, headers and body given by the script
  };
  enum class framing { automatic, content_length, chunked, close_delimited };

  source kind = source::automatic;
  unsigned status = 200;                   // fixed replies
  std::optional<unsigned> status_override;  // any reply: replaces the status
  std::string content_type;  // fixed replies
  std::string body;          // fixed replies
  bool body_is_sse = false;  // fixed replies: split the body into events
  std::string error_type;    // fixed error replies: the body is filled in with the request id
  std::string error_message;
  boost::beast::http::fields headers;  // set on top of the defaults

  std::chrono::milliseconds head_delay{0};
  std::chrono::milliseconds body_delay{0};
  std::string before_head;       // bytes written verbatim before the head (interim 1xx heads)
  std::optional<std::string> raw_response;  // bytes written instead of the response, then the connection closes
  bool hold_body_open = false;   // the body's end (last chunk) is never sent; the connection stays open
  bool reset_before_head = false;
  // Body faults at an offset in the body's bytes (chunk framing not counted).
  std::optional<std::size_t> close_after_body_bytes;
  bool drop_with_reset = false;  // drops send a TCP reset (RST) rather than a FIN
  std::optional<std::size_t> stall_after_body_bytes;
  std::chrono::milliseconds body_stall{0};
  std::optional<std::size_t> corrupt_after_body_bytes;  // the rest of the body becomes 0x01 bytes, length kept
  bool one_byte_writes = false;
  bool close_connection = false;
  framing body_framing = framing::automatic;

  // Stream faults; each counts the events written before it happens.
  std::optional<std::size_t> stall_after;
  std::chrono::milliseconds stall_duration{0};
  std::optional<std::size_t> error_event_after;
  std::string error_event_type, error_event_message;
  std::optional<std::size_t> malformed_sse_after;
  std::optional<std::size_t> malformed_json_after;
  std::optional<std::size_t> huge_event_after;
  std::size_t huge_event_bytes = 0;
  std::optional<std::size_t> drop_after_events;       // the connection drops (a reset with drop_with_reset)
  std::optional<std::size_t> bad_chunk_after_events;  // bytes that break the body's framing, then a drop
};

/// One write of the response body, after an optional pause.
struct body_piece {
  std::string bytes;
  std::chrono::milliseconds pause_before{0};
  bool unframed = false;  // written as is, outside the chunk framing (garbage)
};

/// The body as written: its pieces, and whether the connection is dropped right
/// after them (no end of body, like a proxy that gave up).
struct body_plan {
  std::vector<body_piece> pieces;
  bool abort_after = false;
};

/// Splits the piece that holds body offset `at` so that a piece starts there;
/// the bytes and their order stay the same.
inline void split_body_at(body_plan& plan, std::size_t at) {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < plan.pieces.size(); ++i) {
    const std::size_t size = plan.pieces[i].bytes.size();
    if (at > offset && at < offset + size) {
      body_piece rest{plan.pieces[i].bytes.substr(at - offset), {}, plan.pieces[i].unframed};
      plan.pieces[i].bytes.resize(at - offset);
      plan.pieces.insert(plan.pieces.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(rest));
      return;
    }
    offset += size;
  }
}

/// Splits an SSE transcript after every blank line, keeping its bytes verbatim
/// (the pieces concatenate to the input). Any line ending style is recognised.
inline std::vector<std::string> split_sse_events(std::string_view text) {
  std::vector<std::string> events;
  std::size_t start = 0, i = 0;
  bool line_empty = true;  // the current line has no characters yet
  while (i < text.size()) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      std::size_t eol = (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      i += eol;
      if (line_empty && i - eol > start) {  // a blank line ends a non-empty event
        events.emplace_back(text.substr(start, i - start));
        start = i;
      }
      line_empty = true;
    } else {
      line_empty = false;
      ++i;
    }
  }
  if (start < text.size()) events.emplace_back(text.substr(start));
  return events;
}

/// The `error` event the API sends mid-stream (spec section 4).
inline std::string error_event(std::string_view type, std::string_view message) {
  return sse_event("error", boost::json::object{
                                {"type", "error"}, {"error", boost::json::object{{"type", type}, {"message", message}}}});
}

/// Applies the scripted stream faults to a list of SSE events. `event_delay`
/// separates consecutive events (the server option), a stall replaces it once.
inline body_plan plan_sse_body(std::vector<std::string> events, const reply_script& s,
                               std::chrono::milliseconds event_delay) {
  body_plan plan;
  std::optional<std::chrono::milliseconds> stall;
  for (std::size_t written = 0; written <= events.size(); ++written) {
    auto pause = [&] {
      if (stall) return std::exchange(stall, std::nullopt).value();
      return plan.pieces.empty() ? std::chrono::milliseconds{0} : event_delay;
    };
    if (s.stall_after == written) stall = s.stall_duration;
    if (s.huge_event_after == written) {
      // A valid event that clients ignore (a ping with padding): only its size matters.
      std::string head = "event: ping\ndata: {\"type\":\"ping\",\"padding\":\"";
      std::string tail = "\"}\n\n";
      std::size_t fill = s.huge_event_bytes > head.size() + tail.size()
                             ? s.huge_event_bytes - head.size() - tail.size() : 0;
      plan.pieces.push_back({head + std::string(fill, 'x') + tail, pause()});
    }
    if (s.malformed_json_after == written)
      plan.pieces.push_back({"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                             "\"delta\":{\"type\":\"text_delta\",\"text\":\"unterminated\n\n",
                             pause()});
    if (s.error_event_after == written) {
      plan.pieces.push_back({error_event(s.error_event_type, s.error_event_message), pause()});
      return plan;  // the API ends the stream after an error event
    }
    if (s.drop_after_events == written) {
      plan.abort_after = true;
      return plan;
    }
    if (s.bad_chunk_after_events == written) {
      plan.pieces.push_back({"not a chunk size\r\n\r\n", pause(), true});
      plan.abort_after = true;
      return plan;
    }
    if (s.malformed_sse_after == written) {
      // What a misbehaving proxy injects: an HTML page, no SSE framing, then a dropped connection.
      plan.pieces.push_back({"<html><body><h1>502 Bad Gateway</h1></body></html>\r\n", pause()});
      plan.abort_after = true;
      return plan;
    }
    if (written < events.size()) plan.pieces.push_back({std::move(events[written]), pause()});
  }
  return plan;
}

}  // namespace anthropic::testing::detail
