// Folds stream events into the message they describe (spec section 4), the
// way the official TypeScript SDK's MessageStream builds its snapshot: text and
// thinking appended, signature replaced, citations appended, tool input
// concatenated and parsed when its block stops, message_delta overwriting the
// stop reason, stop sequence and the usage counters it carries.
//
// Unlike the SDK, which silently skips what does not fit, every out-of-order or
// mismatched event is reported with its own error code, and the message built so
// far stays readable after any error.
#pragma once

#include <anthropic/detail/event_scanner.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/stream_event.hpp>

#include <boost/json/parse.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>
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
  /// Returns success, or:
  /// - client_errc::unexpected_event: any event but ping, unknown or error
  ///   before message_start or after message_stop; a content_block_delta or
  ///   content_block_stop for the block that would come next (it has not
  ///   started) or for a block already stopped; a content_block_start for a
  ///   block that already started; a delta whose type does not fit the block
  ///   (text_delta and citations_delta need a text block, thinking_delta and
  ///   signature_delta a thinking block, input_json_delta a tool_use or
  ///   server_tool_use block);
  /// - client_errc::block_index_out_of_range: an event naming a block beyond the
  ///   next one (a content_block_start that would leave a gap, a delta or stop
  ///   for such a block);
  /// - client_errc::duplicate_message_start: a second message_start;
  /// - client_errc::invalid_tool_input: at content_block_stop, the concatenated
  ///   tool input is not valid JSON or not an object (the block keeps the input
  ///   of its content_block_start);
  /// - for an `error` event: api_errc_from(0, error.type), with error_details()
  ///   holding the error's type, message and the payload's request_id, if any.
  ///
  /// ping and events of unknown type are ignored, as are deltas of unknown
  /// type inside an open block. On any error the message is left as it was.
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
      case event_type::message_delta: apply_message_delta(ev); return {};
      case event_type::message_stop: complete_ = true; return {};
      default: return {};
    }
  }

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

  /// Forgets everything, ready for a new stream.
  void reset() {
    message_ = anthropic::message{};
    blocks_.clear();
    started_ = false;
    complete_ = false;
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
    error_.message = ev.error_message();
    error_.request_id = ev.request_id();
    return api_errc_from(0, ev.error_type());
  }

  boost::system::error_code start_message(const stream_event& ev) {
    if (started_) return client_errc::duplicate_message_start;
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
    message_.content.push_back(*ev.started_block());
    blocks_.push_back(block_state{true, {}});
    return {};
  }

  static bool tracks_tool_input(const content_block& block) noexcept {
    return block.is<tool_use_block>() || block.is<server_tool_use_block>();
  }

  boost::system::error_code apply_delta(const stream_event& ev) {
    const std::size_t index = ev.index();
    if (auto ec = check_open_block(index)) return ec;
    content_block& block = message_.content[index];
    switch (ev.delta()) {
      case delta_type::text:
        if (auto* text = block.get_if<text_block>()) {
          text->text += *ev.text_delta();
          return {};
        }
        break;
      case delta_type::citations:
        if (auto* text = block.get_if<text_block>()) {
          if (!text->citations) text->citations.emplace();
          text->citations->push_back(*ev.citation());
          return {};
        }
        break;
      case delta_type::thinking:
        if (auto* thinking = block.get_if<thinking_block>()) {
          thinking->thinking += *ev.thinking_delta();
          return {};
        }
        break;
      case delta_type::signature:
        if (auto* thinking = block.get_if<thinking_block>()) {
          thinking->signature = *ev.signature_delta();
          return {};
        }
        break;
      case delta_type::input_json:
        if (tracks_tool_input(block)) {
          blocks_[index].tool_input += *ev.partial_json();
          return {};
        }
        break;
      case delta_type::unknown:
      case delta_type::none: return {};
    }
    return client_errc::unexpected_event;
  }

  boost::system::error_code stop_block(const stream_event& ev) {
    const std::size_t index = ev.index();
    if (auto ec = check_open_block(index)) return ec;
    block_state& state = blocks_[index];
    content_block& block = message_.content[index];
    if (tracks_tool_input(block)) {
      if (auto ec = finish_tool_input(state.tool_input, block)) return ec;
    }
    state.open = false;
    std::string().swap(state.tool_input);  // the parsed input now lives in the block
    return {};
  }

  // The SDK reparses the whole buffer after every fragment; parsing once at
  // the end gives the same final input at linear cost.
  static boost::system::error_code finish_tool_input(const std::string& json, content_block& block) {
    boost::json::value& input = block.is<tool_use_block>() ? block.get_if<tool_use_block>()->input
                                                           : block.get_if<server_tool_use_block>()->input;
    if (json.empty()) {
      // No fragments (or only empty ones): the SDK keeps the start's input,
      // which the API sends as {}; the input is an object in any case.
      if (!input.is_object()) input.emplace_object();
      return {};
    }
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(json, ec, {}, detail::event_parse_options());
    if (ec || !parsed.is_object()) return client_errc::invalid_tool_input;
    input = std::move(parsed);
    return {};
  }

  void apply_message_delta(const stream_event& ev) {
    auto assign = [](std::optional<std::string>& field, std::optional<std::string_view> value) {
      if (value) field.emplace(*value);
      else field.reset();
    };
    assign(message_.stop_reason, ev.stop_reason());
    assign(message_.stop_sequence, ev.stop_sequence());
    const message_delta_usage* delta = ev.usage();
    if (!delta) return;
    usage& u = message_.usage;
    if (delta->output_tokens) u.output_tokens = *delta->output_tokens;
    if (delta->input_tokens) u.input_tokens = *delta->input_tokens;
    if (delta->cache_creation_input_tokens) u.cache_creation_input_tokens = delta->cache_creation_input_tokens;
    if (delta->cache_read_input_tokens) u.cache_read_input_tokens = delta->cache_read_input_tokens;
    if (delta->server_tool_use) u.server_tool_use = delta->server_tool_use;
  }

  anthropic::message message_;
  std::vector<block_state> blocks_;
  bool started_ = false;
  bool complete_ = false;
  diagnostics error_;
};

}  // namespace anthropic
