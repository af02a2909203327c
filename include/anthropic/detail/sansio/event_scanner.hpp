// A SAX pass over one stream event's JSON that picks out the members the hot
// path needs (the event "type", "index", and the "delta" object's "type" and
// string payload) without building a DOM and without allocating.
//
// Why SAX and not boost::json::parse: a streamed answer is thousands of
// content_block_delta events, each carrying a few bytes of text. Building a
// boost::json::value for each would allocate several times per event. The
// basic_parser validates the whole document exactly like boost::json::parse
// (same grammar, UTF-8 checks, depth limit) and reports an unescaped string as
// one piece pointing into the input, so most deltas become views into the
// received bytes. Escaped strings arrive in pieces from the parser's temporary
// buffer; those are copied into a scratch string that is reused from event to
// event, so steady state is allocation-free either way.
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/detail/ascii.hpp>

#include <boost/json/basic_parser.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace anthropic::detail {

/// Deepest nesting accepted in an event (and in the tool input built from the
/// deltas). Boost.JSON's default of 32 is low for tool inputs holding nested
/// JSON Schema-like data; 64 still bounds the parser's recursion and memory.
inline constexpr std::size_t event_max_depth = 64;

inline boost::json::parse_options event_parse_options() noexcept {
  boost::json::parse_options opts;
  opts.max_depth = event_max_depth;
  return opts;
}

/// What kind of JSON value a captured member held.
enum class scanned_kind : unsigned char { absent, string, number, null, other };

/// One captured member. Strings are recorded either as a view into the input or
/// as a range of the scanner's scratch buffer, since the scratch buffer may move
/// while later strings are appended; view() resolves either form.
struct scanned_value {
  scanned_kind kind = scanned_kind::absent;
  bool in_scratch = false;
  const char* data = nullptr;  // into the input, when !in_scratch
  std::size_t offset = 0;      // into the scratch buffer, when in_scratch
  std::size_t size = 0;
  std::uint64_t number = 0;  // non-negative integers only; others are kind other

  std::string_view view(const std::string& scratch) const noexcept {
    if (in_scratch) return std::string_view(scratch).substr(offset, size);
    return {data, size};
  }
};

/// The members of an event that the scanner understands.
struct scanned_event {
  bool top_is_object = false;
  scanned_value type;          // "type"
  scanned_value index;         // "index"
  scanned_kind delta_kind = scanned_kind::absent;  // "delta": object is reported as string (present)
  scanned_value delta_type;    // "delta"."type"
  scanned_value delta_text;    // "delta"."text"
  scanned_value delta_thinking;      // "delta"."thinking"
  scanned_value delta_partial_json;  // "delta"."partial_json"
  scanned_value delta_signature;     // "delta"."signature"

  void clear() noexcept { *this = scanned_event{}; }
};

/// The basic_parser handler. Only members at depth 1 (the event object) and
/// depth 2 inside "delta" are looked at; everything else is validated by the
/// parser and skipped.
class event_scan_handler {
 public:
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  scanned_event result;
  std::string scratch;  // unescaped copies of escaped strings, reused across events

  /// Prepares for a new document whose bytes are [begin, end).
  void start(const char* begin, const char* end) noexcept {
    result.clear();
    scratch.clear();
    input_begin_ = begin;
    input_end_ = end;
    depth_ = 0;
    in_delta_ = false;
    key1_ = key::other;
    key2_ = key::other;
    key_len_ = 0;
    key_overflow_ = false;
    string_target_ = nullptr;
    string_started_ = false;
  }

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }

  bool on_object_begin(boost::system::error_code&) {
    if (depth_ == 0) {
      result.top_is_object = true;
    } else if (depth_ == 1 && key1_ == key::delta) {
      // A repeated "delta" member replaces the earlier one, as in a DOM parse.
      clear_delta();
      result.delta_kind = scanned_kind::string;
      in_delta_ = true;
    } else {
      mark_other();
    }
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    --depth_;
    if (depth_ == 1) in_delta_ = false;
    return true;
  }
  bool on_array_begin(boost::system::error_code&) {
    if (depth_ == 1 && key1_ == key::delta) {
      clear_delta();
      result.delta_kind = scanned_kind::other;
    } else {
      mark_other();
    }
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    --depth_;
    return true;
  }

  bool on_key_part(boost::json::string_view part, std::size_t, boost::system::error_code&) {
    append_key(part);
    return true;
  }
  bool on_key(boost::json::string_view part, std::size_t, boost::system::error_code&) {
    // A key in one piece (the usual case) is looked at where it is; one in
    // pieces was gathered in key_buf_.
    std::string_view name(part.data(), part.size());
    if (key_len_ != 0 || key_overflow_) {
      append_key(part);
      name = key_overflow_ ? std::string_view{} : std::string_view(key_buf_, key_len_);
    }
    if (depth_ == 1) key1_ = classify_key1(name);
    else if (depth_ == 2 && in_delta_) key2_ = classify_key2(name);
    key_len_ = 0;
    key_overflow_ = false;
    return true;
  }

  bool on_string_part(boost::json::string_view part, std::size_t, boost::system::error_code&) {
    if (!string_started_) begin_string();
    if (string_target_ != nullptr) {
      if (!string_target_->in_scratch) {
        string_target_->in_scratch = true;
        string_target_->offset = scratch.size();
      }
      scratch.append(part.data(), part.size());
    }
    return true;
  }
  bool on_string(boost::json::string_view part, std::size_t total, boost::system::error_code&) {
    if (!string_started_) begin_string();
    if (scanned_value* target = string_target_) {
      if (!target->in_scratch && total == part.size() && points_into_input(part)) {
        // The common case: no escapes, the string is a view of the received bytes.
        target->data = part.data();
        target->size = part.size();
      } else {
        if (!target->in_scratch) {
          target->in_scratch = true;
          target->offset = scratch.size();
        }
        scratch.append(part.data(), part.size());
        target->size = scratch.size() - target->offset;
      }
    }
    string_started_ = false;
    string_target_ = nullptr;
    return true;
  }

  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t v, boost::json::string_view, boost::system::error_code&) {
    if (v >= 0) return on_unsigned(static_cast<std::uint64_t>(v));
    mark_other();
    return true;
  }
  bool on_uint64(std::uint64_t v, boost::json::string_view, boost::system::error_code&) {
    return on_unsigned(v);
  }
  bool on_double(double, boost::json::string_view, boost::system::error_code&) {
    mark_other();
    return true;
  }
  bool on_bool(bool, boost::system::error_code&) {
    mark_other();
    return true;
  }
  bool on_null(boost::system::error_code&) {
    if (scanned_value* target = value_target()) *target = scanned_value{scanned_kind::null};
    else if (depth_ == 1 && key1_ == key::delta) set_delta_kind(scanned_kind::null);
    return true;
  }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  enum class key : unsigned char { other, type, index, delta, text, thinking, partial_json, signature };

  // Longest key of interest is "partial_json"; longer keys are never interesting.
  static constexpr std::size_t key_capacity = 16;

  static key classify_key1(std::string_view k) noexcept {
    if (is_literal(k, "type")) return key::type;
    if (is_literal(k, "index")) return key::index;
    if (is_literal(k, "delta")) return key::delta;
    return key::other;
  }
  static key classify_key2(std::string_view k) noexcept {
    if (is_literal(k, "type")) return key::type;
    if (is_literal(k, "text")) return key::text;
    if (is_literal(k, "thinking")) return key::thinking;
    if (is_literal(k, "partial_json")) return key::partial_json;
    if (is_literal(k, "signature")) return key::signature;
    return key::other;
  }

  void append_key(boost::json::string_view part) noexcept {
    if (key_overflow_ || part.size() > key_capacity - key_len_) {
      key_overflow_ = true;
      return;
    }
    for (char c : part) key_buf_[key_len_++] = c;
  }

  // The captured member that a scalar value at the current position belongs to.
  scanned_value* value_target() noexcept {
    if (depth_ == 1) {
      switch (key1_) {
        case key::type: return &result.type;
        case key::index: return &result.index;
        default: return nullptr;
      }
    }
    if (depth_ == 2 && in_delta_) {
      switch (key2_) {
        case key::type: return &result.delta_type;
        case key::text: return &result.delta_text;
        case key::thinking: return &result.delta_thinking;
        case key::partial_json: return &result.delta_partial_json;
        case key::signature: return &result.delta_signature;
        default: return nullptr;
      }
    }
    return nullptr;
  }

  // A value of a kind the member does not allow (e.g. an object as "type").
  void mark_other() noexcept {
    if (scanned_value* target = value_target()) *target = scanned_value{scanned_kind::other};
    else if (depth_ == 1 && key1_ == key::delta) set_delta_kind(scanned_kind::other);
  }

  void set_delta_kind(scanned_kind kind) noexcept {
    clear_delta();
    result.delta_kind = kind;
  }

  void clear_delta() noexcept {
    result.delta_type = {};
    result.delta_text = {};
    result.delta_thinking = {};
    result.delta_partial_json = {};
    result.delta_signature = {};
  }

  bool on_unsigned(std::uint64_t v) noexcept {
    if (scanned_value* target = value_target()) {
      *target = scanned_value{scanned_kind::number};
      target->number = v;
    } else if (depth_ == 1 && key1_ == key::delta) {
      set_delta_kind(scanned_kind::other);
    }
    return true;
  }

  void begin_string() noexcept {
    string_started_ = true;
    string_target_ = value_target();
    if (string_target_ != nullptr) *string_target_ = scanned_value{scanned_kind::string};
    else if (depth_ == 1 && key1_ == key::delta) set_delta_kind(scanned_kind::other);
  }

  bool points_into_input(boost::json::string_view s) const noexcept {
    // std::less gives a total order even for pointers into different arrays.
    const std::less<const char*> before;
    return !before(s.data(), input_begin_) && !before(input_end_, s.data() + s.size());
  }

  const char* input_begin_ = nullptr;
  const char* input_end_ = nullptr;
  std::size_t depth_ = 0;
  bool in_delta_ = false;
  key key1_ = key::other;
  key key2_ = key::other;
  char key_buf_[key_capacity] = {};
  std::size_t key_len_ = 0;
  bool key_overflow_ = false;
  scanned_value* string_target_ = nullptr;
  bool string_started_ = false;
};

/// Runs the SAX pass. Reused across events so the parser's and the scratch
/// buffer's storage is kept.
class event_scanner {
 public:
  ANTHROPIC_DECL event_scanner();

  // basic_parser can be neither copied nor moved, but between two scans it
  // holds no state worth keeping: a moved-to scanner gets a fresh parser and
  // takes over the scratch buffer's storage.
  ANTHROPIC_DECL event_scanner(event_scanner&& other) noexcept;
  ANTHROPIC_DECL event_scanner& operator=(event_scanner&& other) noexcept;

  /// Scans one complete JSON document. On success, result() describes it; the
  /// string views it yields stay valid until the next scan() and while `json`
  /// stays alive. Fails with the parser's error for anything that is not
  /// exactly one JSON value (surrounding whitespace allowed).
  ANTHROPIC_DECL boost::system::error_code scan(std::string_view json);

  const scanned_event& result() const noexcept { return parser_.handler().result; }
  std::string_view view(const scanned_value& v) const noexcept { return v.view(parser_.handler().scratch); }

 private:
  // Declared by <boost/json/basic_parser.hpp>; its member functions (the
  // parser itself) are instantiated in impl/event_scanner.ipp only.
  boost::json::basic_parser<event_scan_handler> parser_;
};

}  // namespace anthropic::detail

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/event_scanner.ipp>
#endif
