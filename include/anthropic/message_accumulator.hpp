// Folds stream events into the message they describe (spec section 4), the
// way the official TypeScript SDK's MessageStream builds its snapshot: text and
// thinking appended, signature replaced, citations appended, tool input
// concatenated and parsed when its block stops, message_delta overwriting the
// stop reason, stop sequence and the usage counters it carries.
//
// Forward compatibility: the accumulated message must equal what a
// non-streamed request returns for the same reply, also for what this library
// does not model. So deltas into a block of unknown type (the MCP connector's
// mcp_tool_use, anything newer) go into that block's raw JSON under the member
// the API uses for the same data in the blocks it documents, and message_delta
// members the typed accessors do not cover reach the message's and the
// usage's `extra`. Unlike the SDK, which silently skips what does not fit, a
// delta that contradicts a block the library does model, and every
// out-of-order event, is reported with its own error code; the message built
// so far stays readable after any error.
#pragma once

#include <anthropic/detail/sansio/event_scanner.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/stream_event.hpp>

#include <boost/json/kind.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/system/error_code.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anthropic {

/// Builds the final `message` of a stream from its events (sans-io). Not
/// thread-safe; one accumulator per stream.
class message_accumulator {
 public:
  message_accumulator() = default;

  /// Folds one event into the message.
  ///
  /// Deltas into a block of a type this library does not model
  /// (`unknown_block`) are accumulated in its JSON: text_delta appended to
  /// `text`, thinking_delta to `thinking`, citations_delta to the `citations`
  /// array, signature_delta replacing `signature` (each member created when
  /// absent or null), input_json_delta fragments concatenated and, at
  /// content_block_stop, parsed into `input` (any JSON value; without
  /// fragments `input` stays as content_block_start sent it). A delta whose
  /// member holds another kind of JSON (a `text` that is a number) has no
  /// place to go and is skipped.
  ///
  /// message_delta: `delta.stop_reason` and `delta.stop_sequence` replace the
  /// message's (null clears them); every other member of `delta`, and every
  /// top-level member but `delta`, is set in the message's `extra` (`container`,
  /// `context_management`, ...), replacing an earlier value; members named like
  /// a typed member of `message` (`id`, `content`, `usage`...) are ignored there.
  /// Each `usage` member replaces the accumulated one (counts are cumulative),
  /// except that null only fills a member the usage does not have yet; members
  /// `usage` does not type land in its `extra`.
  ///
  /// Returns success, or:
  /// - client_errc::unexpected_event: any event but ping, unknown or error
  ///   before message_start or after message_stop; a content_block_delta or
  ///   content_block_stop for the block that would come next (it has not
  ///   started) or for a block already stopped; a content_block_start for a
  ///   block that already started; a delta whose type does not fit a block
  ///   this library models (text_delta and citations_delta need a text block,
  ///   thinking_delta and signature_delta a thinking block, input_json_delta a
  ///   tool_use or server_tool_use block): the server contradicts itself;
  /// - client_errc::block_index_out_of_range: an event naming a block beyond the
  ///   next one (a content_block_start that would leave a gap, a delta or stop
  ///   for such a block);
  /// - client_errc::duplicate_message_start: a second message_start;
  /// - client_errc::invalid_tool_input: at content_block_stop, the concatenated
  ///   input is not valid JSON, or, for tool_use and server_tool_use, not an
  ///   object (the block keeps the input of its content_block_start);
  /// - client_errc::invalid_message: a message_delta whose usage, merged into
  ///   the message's, no longer has the shape of a usage (a string
  ///   `service_tier`, say), as a non-streamed body of that shape would fail;
  /// - client_errc::message_too_large: the event would take the message
  ///   beyond max_size();
  /// - for an `error` event: api_errc_from(0, error.type), with error_details()
  ///   holding the error's type, message and the payload's request_id, if any.
  ///
  /// ping and events of unknown type are ignored (decoded with their SSE name,
  /// they reach here whatever their data holds: event_decoder::decode), as
  /// are deltas of unknown type inside an open block. On any error the message
  /// is left as it was.
  boost::system::error_code apply(const stream_event& ev) {
    switch (ev.type()) {
      case event_type::ping:
      case event_type::unknown: return {};
      case event_type::error: return record_error(ev);
      default: break;
    }
    if (complete_) return client_errc::unexpected_event;
    if (ev.type() == event_type::message_start) return start_message(ev);
    if (!started_) return client_errc::unexpected_event;

    switch (ev.type()) {
      case event_type::content_block_start: return start_block(ev);
      case event_type::content_block_delta: return apply_delta(ev);
      case event_type::content_block_stop: return stop_block(ev);
      case event_type::message_delta: return apply_message_delta(ev);
      case event_type::message_stop: complete_ = true; return {};
      default: return {};
    }
  }

  /// Bounds the data the message accumulates, in bytes; 0 (the default) means
  /// no bound. Counted: the payload of every text, thinking, signature and
  /// input_json delta (into any block), and the whole data of message_start,
  /// content_block_start, citations_delta and message_delta events; roughly
  /// the bytes the message stores, without the overhead of its containers. An
  /// event that would take the count beyond the bound fails with
  /// client_errc::message_too_large and changes nothing. The bound is kept by
  /// reset(); lowered below accumulated_size(), it fails the next event that
  /// adds data.
  void set_max_size(std::size_t bytes) noexcept { max_size_ = bytes; }

  /// The bound set by set_max_size(); 0 = none.
  std::size_t max_size() const noexcept { return max_size_; }

  /// The bytes counted against max_size() so far.
  std::size_t accumulated_size() const noexcept { return size_; }

  /// The message as accumulated so far (complete once complete() is true).
  const anthropic::message& message() const noexcept { return message_; }

  /// Moves the message out and resets the accumulator for another stream.
  anthropic::message take_message() {
    anthropic::message out = std::move(message_);
    reset();
    return out;
  }

  /// True once message_start was applied.
  bool started() const noexcept { return started_; }

  /// True once message_stop was applied.
  bool complete() const noexcept { return complete_; }

  /// The details of the last `error` event applied (cleared by reset()).
  const diagnostics& error_details() const noexcept { return error_; }

  /// Forgets everything but max_size(), ready for a new stream.
  void reset() {
    message_ = anthropic::message{};
    blocks_.clear();
    started_ = false;
    complete_ = false;
    size_ = 0;
    error_.clear();
  }

 private:
  // What the message itself does not record about a block while it streams.
  struct block_state {
    bool open = false;
    std::string tool_input;  // input_json_delta fragments, parsed at content_block_stop
  };

  boost::system::error_code record_error(const stream_event& ev) {
    error_.clear();
    error_.error_type = ev.error_type();
    error_.server_message = ev.error_message();
    error_.request_id = ev.request_id();
    return api_errc_from(0, ev.error_type());
  }

  // Counts `bytes` against the bound. Called once the event is known to
  // apply and before anything changes, so that a refusal changes nothing.
  boost::system::error_code charge(std::size_t bytes) noexcept {
    if (max_size_ != 0 && bytes > max_size_ - std::min(size_, max_size_)) return client_errc::message_too_large;
    size_ += bytes;
    return {};
  }

  boost::system::error_code append(std::string& to, std::string_view piece) {
    if (auto ec = charge(piece.size())) return ec;
    to += piece;
    return {};
  }

  boost::system::error_code start_message(const stream_event& ev) {
    if (started_) return client_errc::duplicate_message_start;
    if (auto ec = charge(ev.raw_json().size())) return ec;
    message_ = *ev.started_message();
    // Blocks that came inside message_start are complete already.
    blocks_.assign(message_.content.size(), block_state{});
    started_ = true;
    return {};
  }

  // Where a delta or stop points: an open block, or why not.
  boost::system::error_code check_open_block(std::size_t index) const noexcept {
    if (index > blocks_.size()) return client_errc::block_index_out_of_range;
    if (index == blocks_.size() || !blocks_[index].open) return client_errc::unexpected_event;
    return {};
  }

  boost::system::error_code start_block(const stream_event& ev) {
    const std::size_t index = ev.index();
    if (index > blocks_.size()) return client_errc::block_index_out_of_range;
    if (index < blocks_.size()) return client_errc::unexpected_event;
    if (auto ec = charge(ev.raw_json().size())) return ec;
    message_.content.push_back(*ev.started_block());
    blocks_.push_back(block_state{true, {}});
    return {};
  }

  // Blocks whose input may stream as input_json_delta: the tool blocks, and
  // any block this library does not model (mcp_tool_use is one).
  static bool takes_tool_input(const content_block& block) noexcept {
    return block.is<tool_use_block>() || block.is<server_tool_use_block>() || block.is<unknown_block>();
  }

  boost::system::error_code apply_delta(const stream_event& ev) {
    const std::size_t index = ev.index();
    if (auto ec = check_open_block(index)) return ec;
    content_block& block = message_.content[index];
    if (auto* unknown = block.get_if<unknown_block>()) return apply_generic_delta(ev, unknown->json, blocks_[index]);
    switch (ev.delta()) {
      case delta_type::text:
        if (auto* text = block.get_if<text_block>()) return append(text->text, *ev.text_delta());
        break;
      case delta_type::citations:
        if (auto* text = block.get_if<text_block>()) {
          if (auto ec = charge(ev.raw_json().size())) return ec;
          text->add_citation(*ev.citation());
          return {};
        }
        break;
      case delta_type::thinking:
        if (auto* thinking = block.get_if<thinking_block>()) return append(thinking->thinking, *ev.thinking_delta());
        break;
      case delta_type::signature:
        if (auto* thinking = block.get_if<thinking_block>()) {
          if (auto ec = charge(ev.signature_delta()->size())) return ec;
          thinking->signature = *ev.signature_delta();
          return {};
        }
        break;
      case delta_type::input_json:
        if (takes_tool_input(block)) return append(blocks_[index].tool_input, *ev.partial_json());
        break;
      case delta_type::unknown:
      case delta_type::none: return {};
    }
    return client_errc::unexpected_event;
  }

  // A delta into a block this library does not model: nothing it could carry
  // contradicts such a block, so it goes where the documented blocks keep the
  // same data (see apply()).
  boost::system::error_code apply_generic_delta(const stream_event& ev, boost::json::object& block,
                                                block_state& state) {
    switch (ev.delta()) {
      case delta_type::text: return append_member(block, "text", *ev.text_delta());
      case delta_type::thinking: return append_member(block, "thinking", *ev.thinking_delta());
      case delta_type::signature:
        if (auto ec = charge(ev.signature_delta()->size())) return ec;
        block["signature"] = *ev.signature_delta();
        return {};
      case delta_type::citations: {
        if (!can_hold(block, "citations", boost::json::kind::array)) return {};
        if (auto ec = charge(ev.raw_json().size())) return ec;
        boost::json::value& citations = block["citations"];
        if (citations.is_null()) citations.emplace_array();
        citations.get_array().push_back(boost::json::value_from(*ev.citation(), citations.storage()));
        return {};
      }
      case delta_type::input_json: return append(state.tool_input, *ev.partial_json());
      case delta_type::unknown:
      case delta_type::none: return {};
    }
    return {};
  }

  // True when `key` is absent, null or of `kind`: a member a delta may create or extend.
  static bool can_hold(const boost::json::object& block, std::string_view key, boost::json::kind kind) noexcept {
    const boost::json::value* v = block.if_contains(key);
    return !v || v->is_null() || v->kind() == kind;
  }

  boost::system::error_code append_member(boost::json::object& block, std::string_view key, std::string_view piece) {
    if (!can_hold(block, key, boost::json::kind::string)) return {};
    if (auto ec = charge(piece.size())) return ec;
    boost::json::value& member = block[key];
    if (member.is_null()) member.emplace_string();
    member.get_string().append(piece);
    return {};
  }

  boost::system::error_code stop_block(const stream_event& ev) {
    const std::size_t index = ev.index();
    if (auto ec = check_open_block(index)) return ec;
    block_state& state = blocks_[index];
    content_block& block = message_.content[index];
    if (takes_tool_input(block)) {
      if (auto ec = finish_tool_input(state.tool_input, block)) return ec;
    }
    state.open = false;
    std::string().swap(state.tool_input);  // the parsed input now lives in the block
    return {};
  }

  // The SDK reparses the whole buffer after every fragment; parsing once at
  // the end gives the same final input at linear cost.
  static boost::system::error_code finish_tool_input(const std::string& json, content_block& block) {
    auto* unknown = block.get_if<unknown_block>();
    boost::json::value* input = nullptr;
    if (auto* tool = block.get_if<tool_use_block>()) input = &tool->input;
    else if (auto* server_tool = block.get_if<server_tool_use_block>()) input = &server_tool->input;
    if (json.empty()) {
      // No fragments (or only empty ones): the SDK keeps the start's input,
      // which the API sends as {}; a tool's input is an object in any case.
      if (input && !input->is_object()) input->emplace_object();
      return {};
    }
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(json, ec, {}, detail::event_parse_options());
    if (ec) return client_errc::invalid_tool_input;
    if (unknown) {
      // What `input` may hold in a block type this library does not know is
      // not for it to judge.
      unknown->json["input"] = std::move(parsed);
      return {};
    }
    if (!parsed.is_object()) return client_errc::invalid_tool_input;
    *input = std::move(parsed);
    return {};
  }

  boost::system::error_code apply_message_delta(const stream_event& ev) {
    const boost::json::object& event = *ev.message_delta_json();
    // The usage first: it is the one part that can fail.
    std::optional<anthropic::usage> merged;
    if (const auto* u = event.if_contains("usage"); u && u->is_object()) {
      merged.emplace(message_.usage);
      if (auto ec = merge_usage(u->get_object(), *merged)) return ec;
    }
    if (auto ec = charge(ev.raw_json().size())) return ec;

    if (merged) message_.usage = std::move(*merged);
    auto assign = [](std::optional<std::string>& field, std::optional<std::string_view> value) {
      if (value) field.emplace(*value);
      else field.reset();
    };
    assign(message_.stop_reason, ev.stop_reason());
    assign(message_.stop_sequence, ev.stop_sequence());
    // The API's delta carries top-level message members (`container`), and
    // newer ones sit beside it in the event (`context_management`).
    for (const auto& member : event.at("delta").as_object()) set_message_member(member.key(), member.value());
    for (const auto& member : event)
      if (member.key() != "delta") set_message_member(member.key(), member.value());
    return {};
  }

  // Merges a message_delta's usage into `u`. Going through JSON and the one
  // usage parser gives every member, typed or not (cache_creation,
  // service_tier, counters newer than this library), the rules a non-streamed
  // body gets. A null replaces nothing, as in the SDKs, but is kept where the
  // usage had no such member, as a non-streamed body would carry it.
  static boost::system::error_code merge_usage(const boost::json::object& delta, anthropic::usage& u) {
    boost::json::value json = boost::json::value_from(u);
    boost::json::object& members = json.as_object();
    for (const auto& member : delta)
      if (!member.value().is_null() || !members.contains(member.key())) members[member.key()] = member.value();
    if (from_json(json, u)) return client_errc::invalid_message;
    return {};
  }

  // Sets a member of the message that its typed fields do not hold. Names of
  // typed members are left out: the typed field would shadow the copy when
  // serializing, and the stop reason and sequence are applied typed already
  // (the event's own `type` and `usage` land here too).
  void set_message_member(std::string_view key, const boost::json::value& value) {
    for (std::string_view typed : {"id", "type", "role", "content", "model", "stop_reason", "stop_sequence", "usage"})
      if (key == typed) return;
    message_.extra[key] = value;
  }

  anthropic::message message_;
  std::vector<block_state> blocks_;
  bool started_ = false;
  bool complete_ = false;
  std::size_t max_size_ = 0;
  std::size_t size_ = 0;
  diagnostics error_;
};

}  // namespace anthropic
