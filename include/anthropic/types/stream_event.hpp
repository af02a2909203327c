// One decoded server-sent stream event (spec section 4) and the decoder that
// turns an SSE event's data payload into it.
//
// The hot events (content_block_delta with text, thinking, tool-input JSON or a
// signature; content_block_stop; ping; message_stop) are decoded without a DOM
// and without allocating: their strings are views into the received bytes, or,
// when the JSON string holds escapes, into a scratch buffer the decoder reuses.
// The rare events (message_start, content_block_start, message_delta, error and
// citations_delta) are parsed into typed values owned by the event.
#pragma once

#include <anthropic/detail/sansio/event_scanner.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/message.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace anthropic {

/// The `type` of a stream event.
enum class event_type {
  message_start,
  content_block_start,
  content_block_delta,
  content_block_stop,
  message_delta,
  message_stop,
  ping,
  error,
  unknown,  ///< a type this library does not know; see stream_event::type_name()
};

/// The `delta.type` of a content_block_delta event.
enum class delta_type {
  none,        ///< the event is not a content_block_delta
  text,        ///< text_delta
  input_json,  ///< input_json_delta
  thinking,    ///< thinking_delta
  signature,   ///< signature_delta
  citations,   ///< citations_delta
  unknown,     ///< a delta type this library does not know; see stream_event::delta_type_name()
};

/// The `usage` member of a message_delta event. Counts are cumulative: each
/// member that is present (and not null) replaces the accumulated value.
struct message_delta_usage {
  std::optional<std::uint64_t> output_tokens;
  std::optional<std::uint64_t> input_tokens;
  std::optional<std::uint64_t> cache_creation_input_tokens;
  std::optional<std::uint64_t> cache_read_input_tokens;
  std::optional<server_tool_usage> server_tool_use;
};

class event_decoder;

/// A decoded stream event. Filled by event_decoder::decode(); the string views
/// it returns point into the decoded payload or into the decoder's scratch
/// buffer, so they are valid until the next decode() with the same decoder or
/// into the same event, and while the payload bytes stay alive. Typed members
/// (started_message(), started_block(), citation(), usage()) are owned by the
/// event.
class stream_event {
 public:
  /// The event's type.
  event_type type() const noexcept { return type_; }

  /// The JSON "type" string as sent (the way to tell unknown events apart).
  std::string_view type_name() const noexcept { return type_name_; }

  /// The whole SSE data payload (for printing or passing the event on).
  std::string_view raw_json() const noexcept { return raw_; }

  /// The block index of a content_block_start, _delta or _stop event; 0 otherwise.
  std::size_t index() const noexcept { return index_; }

  /// The kind of delta of a content_block_delta event; delta_type::none otherwise.
  delta_type delta() const noexcept { return delta_; }

  /// The `delta.type` string as sent, for content_block_delta events; empty otherwise.
  std::string_view delta_type_name() const noexcept { return delta_type_name_; }

  /// The text of a text_delta.
  std::optional<std::string_view> text_delta() const noexcept { return payload_if(delta_type::text); }

  /// The text of a thinking_delta.
  std::optional<std::string_view> thinking_delta() const noexcept { return payload_if(delta_type::thinking); }

  /// The fragment of tool input JSON of an input_json_delta (may be empty).
  std::optional<std::string_view> partial_json() const noexcept { return payload_if(delta_type::input_json); }

  /// The signature of a signature_delta.
  std::optional<std::string_view> signature_delta() const noexcept { return payload_if(delta_type::signature); }

  /// The citation of a citations_delta; nullptr for other events.
  const anthropic::citation* citation() const noexcept {
    return delta_ == delta_type::citations ? &citation_ : nullptr;
  }

  /// The message of a message_start event (empty content, stop_reason null);
  /// nullptr for other events.
  const anthropic::message* started_message() const noexcept {
    return type_ == event_type::message_start ? &message_ : nullptr;
  }

  /// The block of a content_block_start event; nullptr for other events.
  const content_block* started_block() const noexcept {
    return type_ == event_type::content_block_start ? &block_ : nullptr;
  }

  /// message_delta: `delta.stop_reason`; nullopt when null or absent (and for other events).
  std::optional<std::string_view> stop_reason() const noexcept { return stop_reason_; }

  /// message_delta: `delta.stop_sequence`; nullopt when null or absent (and for other events).
  std::optional<std::string_view> stop_sequence() const noexcept { return stop_sequence_; }

  /// message_delta: its `usage`; nullptr when the event carries none (and for other events).
  const message_delta_usage* usage() const noexcept { return has_usage_ ? &usage_ : nullptr; }

  /// message_delta: the whole event as parsed, including what the typed
  /// accessors above do not cover (members of `delta` such as `container`,
  /// top-level members such as `context_management`, usage members newer than
  /// this library); nullptr for other events. Its `delta` is an object and its
  /// `usage`, when present, an object or null. Owned by the event.
  const boost::json::object* message_delta_json() const noexcept {
    return type_ == event_type::message_delta ? dom_.if_object() : nullptr;
  }

  /// error event: `error.type` (e.g. "overloaded_error"); empty for other events.
  std::string_view error_type() const noexcept { return error_type_; }

  /// error event: `error.message`; empty for other events.
  std::string_view error_message() const noexcept { return error_message_; }

  /// error event: the payload's `request_id` when it has one; empty otherwise.
  std::string_view request_id() const noexcept { return request_id_; }

 private:
  friend class event_decoder;

  std::optional<std::string_view> payload_if(delta_type t) const noexcept {
    if (delta_ != t) return std::nullopt;
    return delta_payload_;
  }

  // Forgets the previous event; keeps the storage of the owned members.
  void clear_views() noexcept {
    type_ = event_type::unknown;
    type_name_ = {};
    raw_ = {};
    index_ = 0;
    delta_ = delta_type::none;
    delta_type_name_ = {};
    delta_payload_ = {};
    stop_reason_.reset();
    stop_sequence_.reset();
    has_usage_ = false;
    error_type_ = {};
    error_message_ = {};
    request_id_ = {};
  }

  event_type type_ = event_type::unknown;
  std::string_view type_name_;
  std::string_view raw_;
  std::size_t index_ = 0;
  delta_type delta_ = delta_type::none;
  std::string_view delta_type_name_;
  std::string_view delta_payload_;
  std::optional<std::string_view> stop_reason_;
  std::optional<std::string_view> stop_sequence_;
  bool has_usage_ = false;
  message_delta_usage usage_;
  std::string_view error_type_;
  std::string_view error_message_;
  std::string_view request_id_;
  anthropic::citation citation_;
  anthropic::message message_;
  content_block block_;
  boost::json::value dom_;  // the parsed payload of a rare event; error/stop views point into it
};

/// Decodes SSE data payloads into stream_event. Keep one per stream: it reuses
/// its parser state and scratch buffer, so decoding the hot delta events does
/// not allocate once warmed up. Move-only; moving it invalidates the views of
/// the events it decoded. Not thread-safe; distinct decoders are independent.
class event_decoder {
 public:
  event_decoder() = default;
  event_decoder(event_decoder&&) noexcept = default;
  event_decoder& operator=(event_decoder&&) noexcept = default;

  /// Decodes one SSE event's data payload into `out`, reusing out's storage.
  /// Views handed out stay valid until the next decode() with this decoder or
  /// into `out`, and while `data` stays alive.
  ///
  /// Errors: client_errc::invalid_json when `data` is not exactly one JSON
  /// value; client_errc::invalid_message when it is JSON of the wrong shape
  /// (not an object, no string "type", a content_block_* event without a
  /// non-negative integer "index", a content_block_delta without a "delta"
  /// object or without the string its delta type requires, a message_start
  /// without a valid "message", ...). Events of unknown type and deltas of
  /// unknown type decode successfully (type() == event_type::unknown,
  /// delta() == delta_type::unknown). After an error `out` holds no event.
  boost::system::error_code decode(std::string_view data, stream_event& out) {
    out.clear_views();
    if (scanner_.scan(data)) return client_errc::invalid_json;
    const detail::scanned_event& s = scanner_.result();
    if (!s.top_is_object || s.type.kind != detail::scanned_kind::string) return client_errc::invalid_message;

    out.raw_ = data;
    out.type_name_ = scanner_.view(s.type);
    out.type_ = classify_event(out.type_name_);

    boost::system::error_code ec;
    switch (out.type_) {
      case event_type::content_block_delta: ec = decode_delta(data, s, out); break;
      case event_type::content_block_stop: ec = read_index(s, out); break;
      case event_type::content_block_start: ec = decode_block_start(data, s, out); break;
      case event_type::message_start: ec = decode_message_start(data, out); break;
      case event_type::message_delta: ec = decode_message_delta(data, out); break;
      case event_type::error: ec = decode_error(data, out); break;
      case event_type::message_stop:
      case event_type::ping:
      case event_type::unknown: break;
    }
    if (ec) out.clear_views();
    return ec;
  }

  /// Like decode(data, out), but knowing the SSE `event:` name, which decides
  /// for the events a client never needs the data of: when `event_name` is
  /// "ping" or a name this library does not know and `data` does not decode
  /// (empty, not JSON, not an event object), `out` becomes a ping or an
  /// unknown event named `event_name` (type_name()) with raw_json() == `data`,
  /// and the call succeeds. A stream must not die on an event it would skip
  /// anyway (the official SDKs dispatch on the name and skip these unread).
  ///
  /// Data that decodes is taken as it is, its "type" included. The default
  /// name "message" (no `event:` field) decides nothing: without a name only
  /// the data says what the event is, and dropping a garbled content event
  /// would silently corrupt the message. Views stay valid as for
  /// decode(data, out), and while `event_name` stays alive.
  boost::system::error_code decode(std::string_view event_name, std::string_view data, stream_event& out) {
    const boost::system::error_code ec = decode(data, out);
    if (!ec) return ec;
    const event_type named = classify_event(event_name);
    const bool skipped = named == event_type::ping || (named == event_type::unknown && event_name != "message");
    if (!skipped) return ec;
    out.type_ = named;
    out.type_name_ = event_name;
    out.raw_ = data;
    return {};
  }

 private:
  static event_type classify_event(std::string_view name) noexcept {
    if (detail::is_literal(name, "content_block_delta")) return event_type::content_block_delta;
    if (detail::is_literal(name, "content_block_start")) return event_type::content_block_start;
    if (detail::is_literal(name, "content_block_stop")) return event_type::content_block_stop;
    if (detail::is_literal(name, "message_start")) return event_type::message_start;
    if (detail::is_literal(name, "message_delta")) return event_type::message_delta;
    if (detail::is_literal(name, "message_stop")) return event_type::message_stop;
    if (detail::is_literal(name, "ping")) return event_type::ping;
    if (detail::is_literal(name, "error")) return event_type::error;
    return event_type::unknown;
  }

  static delta_type classify_delta(std::string_view name) noexcept {
    if (detail::is_literal(name, "text_delta")) return delta_type::text;
    if (detail::is_literal(name, "input_json_delta")) return delta_type::input_json;
    if (detail::is_literal(name, "thinking_delta")) return delta_type::thinking;
    if (detail::is_literal(name, "signature_delta")) return delta_type::signature;
    if (detail::is_literal(name, "citations_delta")) return delta_type::citations;
    return delta_type::unknown;
  }

  static boost::system::error_code read_index(const detail::scanned_event& s, stream_event& out) noexcept {
    if (s.index.kind != detail::scanned_kind::number || s.index.number > SIZE_MAX)
      return client_errc::invalid_message;
    out.index_ = static_cast<std::size_t>(s.index.number);
    return {};
  }

  boost::system::error_code decode_delta(std::string_view data, const detail::scanned_event& s,
                                         stream_event& out) {
    if (auto ec = read_index(s, out)) return ec;
    if (s.delta_kind != detail::scanned_kind::string || s.delta_type.kind != detail::scanned_kind::string)
      return client_errc::invalid_message;
    out.delta_type_name_ = scanner_.view(s.delta_type);
    out.delta_ = classify_delta(out.delta_type_name_);

    const detail::scanned_value* payload = nullptr;
    switch (out.delta_) {
      case delta_type::text: payload = &s.delta_text; break;
      case delta_type::input_json: payload = &s.delta_partial_json; break;
      case delta_type::thinking: payload = &s.delta_thinking; break;
      case delta_type::signature: payload = &s.delta_signature; break;
      case delta_type::citations: return decode_citation(data, out);
      case delta_type::none:
      case delta_type::unknown: return {};
    }
    if (payload->kind != detail::scanned_kind::string) return client_errc::invalid_message;
    out.delta_payload_ = scanner_.view(*payload);
    return {};
  }

  // The rare events go through a DOM: simpler, and they allocate anyway (a
  // message, a block). The scan already proved the payload is valid JSON.
  boost::system::error_code parse_dom(std::string_view data, stream_event& out) {
    boost::system::error_code ec;
    out.dom_ = boost::json::parse(data, ec, {}, detail::event_parse_options());
    return ec ? boost::system::error_code(client_errc::invalid_json) : ec;
  }

  static const boost::json::object* member_object(const boost::json::value& dom, std::string_view key) {
    const auto* v = dom.as_object().if_contains(key);
    return v ? v->if_object() : nullptr;
  }

  boost::system::error_code decode_citation(std::string_view data, stream_event& out) {
    if (auto ec = parse_dom(data, out)) return ec;
    const auto* delta = member_object(out.dom_, "delta");
    const auto* c = delta ? delta->if_contains("citation") : nullptr;
    if (!c || from_json(*c, out.citation_)) return client_errc::invalid_message;
    return {};
  }

  boost::system::error_code decode_block_start(std::string_view data, const detail::scanned_event& s,
                                               stream_event& out) {
    if (auto ec = read_index(s, out)) return ec;
    if (auto ec = parse_dom(data, out)) return ec;
    const auto* block = out.dom_.as_object().if_contains("content_block");
    if (!block || from_json(*block, out.block_)) return client_errc::invalid_message;
    return {};
  }

  boost::system::error_code decode_message_start(std::string_view data, stream_event& out) {
    if (auto ec = parse_dom(data, out)) return ec;
    const auto* msg = out.dom_.as_object().if_contains("message");
    if (!msg || from_json(*msg, out.message_)) return client_errc::invalid_message;
    return {};
  }

  // Reads an optional string-or-null member; any other kind is a shape error.
  static bool read_nullable_string(const boost::json::object& obj, std::string_view key,
                                   std::optional<std::string_view>& out) {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return true;
    const auto* s = v->if_string();
    if (!s) return false;
    out = std::string_view(*s);
    return true;
  }

  static bool read_count(const boost::json::object& obj, std::string_view key, std::optional<std::uint64_t>& out) {
    out.reset();
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return true;
    if (const auto* u = v->if_uint64()) {
      out = *u;
      return true;
    }
    if (const auto* i = v->if_int64(); i && *i >= 0) {
      out = static_cast<std::uint64_t>(*i);
      return true;
    }
    return false;
  }

  boost::system::error_code decode_message_delta(std::string_view data, stream_event& out) {
    if (auto ec = parse_dom(data, out)) return ec;
    const auto* delta = member_object(out.dom_, "delta");
    if (!delta || !read_nullable_string(*delta, "stop_reason", out.stop_reason_) ||
        !read_nullable_string(*delta, "stop_sequence", out.stop_sequence_))
      return client_errc::invalid_message;

    // The docs' own thinking stream sends no usage at all; only a usage of the
    // wrong shape is an error.
    const auto* usage_value = out.dom_.as_object().if_contains("usage");
    if (!usage_value || usage_value->is_null()) return {};
    const auto* usage = usage_value->if_object();
    message_delta_usage& u = out.usage_;
    if (!usage || !read_count(*usage, "output_tokens", u.output_tokens) ||
        !read_count(*usage, "input_tokens", u.input_tokens) ||
        !read_count(*usage, "cache_creation_input_tokens", u.cache_creation_input_tokens) ||
        !read_count(*usage, "cache_read_input_tokens", u.cache_read_input_tokens))
      return client_errc::invalid_message;
    u.server_tool_use.reset();
    if (const auto* stu = usage->if_contains("server_tool_use"); stu && !stu->is_null()) {
      u.server_tool_use.emplace();
      if (from_json(*stu, *u.server_tool_use)) return client_errc::invalid_message;
    }
    out.has_usage_ = true;
    return {};
  }

  boost::system::error_code decode_error(std::string_view data, stream_event& out) {
    if (auto ec = parse_dom(data, out)) return ec;
    const auto* error = member_object(out.dom_, "error");
    if (!error) return client_errc::invalid_message;
    const auto* type = error->if_contains("type");
    if (!type || !type->is_string()) return client_errc::invalid_message;
    out.error_type_ = type->get_string();
    // A missing message is tolerated (routers are not always careful); a
    // non-string one is not.
    if (const auto* message = error->if_contains("message"); message && !message->is_null()) {
      if (!message->is_string()) return client_errc::invalid_message;
      out.error_message_ = message->get_string();
    }
    if (const auto* id = out.dom_.as_object().if_contains("request_id"); id && id->is_string())
      out.request_id_ = id->get_string();
    return {};
  }

  detail::event_scanner scanner_;
};

}  // namespace anthropic
