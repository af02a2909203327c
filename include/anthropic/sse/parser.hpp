// A sans-io Server-Sent Events framer (WHATWG "event stream" interpretation,
// spec section 7): bytes in, events out, no sockets and no allocation per event.
//
// An event that lies whole inside the piece just fed is parsed in one pass and
// handed out as views into that piece; only an event that straddles pieces is
// copied (into a buffer the parser keeps and reuses), and only several `data:`
// lines are joined (into another reused buffer).
#pragma once

#include <anthropic/error.hpp>

#include <boost/system/error_code.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace anthropic::detail {

/// First CR or LF in [first, last), or `last`. SSE allows both as line ends, so
/// both are looked for in a single pass (32 bytes per step where SSE2 exists).
inline const char* sse_find_line_end(const char* first, const char* last) noexcept {
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  auto line_ends = [&](const char* at) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, lf), _mm_cmpeq_epi8(chunk, cr))));
  };
  // 32 bytes per round: one branch per round keeps typical 100-200 byte lines cheap.
  while (last - first >= 32) {
    const unsigned hits = line_ends(first) | (line_ends(first + 16) << 16);
    if (hits != 0) return first + __builtin_ctz(hits);
    first += 32;
  }
  if (last - first >= 16) {
    if (const unsigned hits = line_ends(first)) return first + __builtin_ctz(hits);
    first += 16;
  }
  for (; first != last; ++first) {
    if (*first == '\n' || *first == '\r') return first;
  }
  return last;
#else
  // Portable: the LF first (memchr is vectorised by the C library), then a CR
  // only within the line the LF closes.
  if (first == last) return last;
  const void* lf = std::memchr(first, '\n', static_cast<std::size_t>(last - first));
  const char* end = lf ? static_cast<const char*>(lf) : last;
  if (first == end) return end;
  const void* cr = std::memchr(first, '\r', static_cast<std::size_t>(end - first));
  return cr ? static_cast<const char*>(cr) : end;
#endif
}

/// The value of a `retry:` field when it is all ASCII digits and fits 64 bits.
inline std::optional<std::uint64_t> sse_parse_retry(std::string_view value) noexcept {
  if (value.empty()) return std::nullopt;
  std::uint64_t result = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (result > (UINT64_MAX - digit) / 10) return std::nullopt;  // a reconnection time this large is not meant
    result = result * 10 + digit;
  }
  return result;
}

}  // namespace anthropic::detail

namespace anthropic::sse {

/// One dispatched event. The views stay valid until the next call to
/// parser::next(), parser::finish() or parser::reset(), and only as long as the
/// caller keeps alive the bytes it fed.
struct event {
  std::string_view type;               ///< the `event:` field, or "message" when none was given
  std::string_view data;               ///< the `data:` lines joined with '\n' (no trailing LF)
  std::string_view id;                 ///< the last event id (sticky across events)
  std::optional<std::uint64_t> retry;  ///< set only when this event carried a valid `retry:` field
};

/// Limits of a parser.
struct parser_options {
  /// Largest accepted event, in bytes: all its lines (fields, comments, partial
  /// lines) with their line ends, not counting the empty line that ends it.
  /// The limit also bounds a line that never ends, so memory stays bounded.
  std::size_t max_event_size = 16 * 1024 * 1024;
};

/// Splits a `text/event-stream` body into events (sans-io, zero-copy).
///
/// Feed the body's bytes as they arrive with next(); call finish() at the end
/// of the stream. Not thread-safe: one parser per stream.
///
/// \code
///   anthropic::sse::parser parser;
///   boost::system::error_code ec;
///   for (std::string_view piece : pieces_from_the_socket) {
///     while (auto ev = parser.next(piece, ec)) handle(ev->type, ev->data);
///     if (ec) return ec;                  // client_errc::event_too_large
///   }
///   return parser.finish();               // client_errc::stream_truncated if cut mid-event
/// \endcode
///
/// Memory: the two internal buffers grow to the largest straddling event and
/// the largest multi-line data seen (never beyond max_event_size) and are then
/// reused, so a long stream allocates nothing per event.
///
/// After an error (client_errc::event_too_large) the parser stays failed:
/// next() and finish() report the same error, consume nothing, and the memory
/// of the partial event is released, until reset() is called.
class parser {
 public:
  explicit parser(parser_options opts = {}) : opts_(opts) {}

  /// Consumes bytes from the front of `input` up to and including the next
  /// complete event and returns it. Returns nullopt once `input` is exhausted
  /// without completing an event (all of `input` is then consumed and any
  /// partial event kept inside the parser).
  ///
  /// The event's views point into `input`'s bytes when the event lay whole
  /// inside them and needed no joining, else into buffers the parser reuses.
  /// They stay valid until the next call to next()/finish()/reset() and as long
  /// as the caller keeps the fed bytes alive.
  ///
  /// On error sets `ec` to client_errc::event_too_large and returns nullopt;
  /// `input` then still holds the bytes not consumed before the error.
  std::optional<event> next(std::string_view& input, boost::system::error_code& ec) {
    ec = {};
    if (failed_) {
      ec = make_error_code(client_errc::event_too_large);
      return std::nullopt;
    }
    release_dispatched_event();
    skip_bom(input);
    if (skip_lf_ && !input.empty()) {
      // The previous piece ended with the CR of an event-ending CRLF.
      skip_lf_ = false;
      if (input.front() == '\n') input.remove_prefix(1);
    }
    if (!pending_.empty()) {
      std::optional<event> ev;
      if (!continue_pending_event(input, ev, ec)) return ev;  // event, error, or input exhausted
    }
    return scan(input, ec);
  }

  /// Ends the stream. Returns client_errc::stream_truncated when a partially
  /// received event is pending (a field line or an unfinished line since the
  /// last dispatch; a trailing comment alone is not an event), else success.
  /// The partial event is discarded. The last event id is kept and a new
  /// stream (a reconnection) may be fed afterwards, leading BOM included.
  boost::system::error_code finish() {
    if (failed_) return make_error_code(client_errc::event_too_large);
    release_dispatched_event();
    // A BOM cut short is an unfinished line too.
    const bool truncated = pending_holds_event() || (!bom_done_ && bom_seen_ != 0);
    pending_.clear();
    clear_fields();
    id_buffer_.assign(last_id_);  // a discarded event's id never took effect
    id_changed_ = false;
    skip_lf_ = false;
    bom_seen_ = 0;
    bom_done_ = false;
    if (truncated) return make_error_code(client_errc::stream_truncated);
    return {};
  }

  /// Back to the initial state: no pending event, no last event id, a leading
  /// BOM expected, no error. Buffers keep their capacity for reuse.
  void reset() {
    pending_.clear();
    pending_dispatched_ = false;
    clear_fields();
    id_buffer_.clear();
    last_id_.clear();
    id_changed_ = false;
    skip_lf_ = false;
    bom_seen_ = 0;
    bom_done_ = false;
    failed_ = false;
  }

  /// The id of the last dispatched event (sticky; empty if none was ever set),
  /// the value to send back as `Last-Event-ID` on reconnection.
  std::string_view last_event_id() const noexcept { return last_id_; }

  /// The options the parser was built with.
  const parser_options& options() const noexcept { return opts_; }

 private:
  // ---- field state of the event being assembled ---------------------------

  void clear_fields() noexcept {
    type_ = {};
    data_ = {};
    data_lines_ = 0;
    retry_.reset();
  }

  // One complete line, without its line end. Views into it stay valid until
  // the event is dispatched (the caller guarantees it).
  void process_line(std::string_view line) {
    if (line.front() == ':') return;  // comment
    // Nearly every line of an Anthropic stream is "data: ..." or "event: ...":
    // recognise them without searching for the colon.
    if (line.size() >= 5 && std::memcmp(line.data(), "data:", 5) == 0) {
      add_data(strip_one_space(line.substr(5)));
      return;
    }
    if (line.size() >= 6 && std::memcmp(line.data(), "event:", 6) == 0) {
      type_ = strip_one_space(line.substr(6));
      return;
    }
    std::string_view name = line;
    std::string_view value;
    if (const void* colon = std::memchr(line.data(), ':', line.size())) {
      const auto at = static_cast<std::size_t>(static_cast<const char*>(colon) - line.data());
      name = line.substr(0, at);
      value = strip_one_space(line.substr(at + 1));
    }
    if (name == "data") {
      add_data(value);
    } else if (name == "event") {
      type_ = value;
    } else if (name == "id") {
      if (value.find('\0') == std::string_view::npos) {
        id_buffer_.assign(value);
        id_changed_ = true;
      }
    } else if (name == "retry") {
      if (auto ms = anthropic::detail::sse_parse_retry(value)) retry_ = ms;
    }
    // Any other field is ignored (spec section 7).
  }

  static std::string_view strip_one_space(std::string_view value) noexcept {
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    return value;
  }

  void add_data(std::string_view value) {
    // One data line (the usual case) stays a view; a second one starts joining.
    if (data_lines_ == 0) {
      data_ = value;
    } else {
      if (data_lines_ == 1) joined_.assign(data_);
      joined_.push_back('\n');
      joined_.append(value);
    }
    ++data_lines_;
  }

  // The empty line: the event ends. Stores it in `out` (and returns true)
  // unless it carried no data. Writing straight into the caller's result, not
  // returning a temporary, spares a copy of the event on the hot path.
  bool dispatch(std::optional<event>& out) {
    if (id_changed_) {
      last_id_.assign(id_buffer_);
      id_changed_ = false;
    }
    const bool has_data = data_lines_ > 0;
    if (has_data) {
      // Member by member: a temporary event copied in whole made the compiler
      // read back 16-byte halves of 8-byte stores, a store-forwarding stall
      // that cost more than the whole line scan.
      event& ev = out.emplace();
      ev.type = type_.empty() ? std::string_view("message") : type_;
      ev.data = data_lines_ > 1 ? std::string_view(joined_) : data_;
      ev.id = last_id_;
      ev.retry = retry_;
    }
    clear_fields();
    return has_data;
  }

  // ---- byte handling -------------------------------------------------------

  // Skips one leading UTF-8 BOM, even when it arrives split across pieces. A
  // prefix that turns out not to be a BOM is real data: it starts the pending line.
  void skip_bom(std::string_view& input) {
    static constexpr char bom[] = "\xEF\xBB\xBF";
    while (!bom_done_ && !input.empty()) {
      if (input.front() == bom[bom_seen_]) {
        input.remove_prefix(1);
        bom_done_ = ++bom_seen_ == 3;
      } else {
        bom_done_ = true;
        pending_.assign(bom, bom_seen_);
      }
    }
  }

  void release_dispatched_event() noexcept {
    if (pending_dispatched_) {
      pending_.clear();
      pending_dispatched_ = false;
    }
  }

  void fail(boost::system::error_code& ec) {
    failed_ = true;
    std::string().swap(pending_);  // an oversized event's memory is not kept
    clear_fields();
    ec = make_error_code(client_errc::event_too_large);
  }

  // Consumes one line end starting at `at` (CR, LF or CRLF); returns the
  // position after it. A CR at the very end may be half of a CRLF: `cr_at_end`.
  static std::size_t skip_line_end(std::string_view text, std::size_t at, bool& cr_at_end) noexcept {
    cr_at_end = false;
    std::size_t after = at + 1;
    if (text[at] == '\r') {
      if (after == text.size()) {
        cr_at_end = true;
      } else if (text[after] == '\n') {
        ++after;
      }
    }
    return after;
  }

  // The fast path: nothing pending, so events lying whole in `input` are parsed
  // in place. Returns the next event, or nullopt with the rest stashed.
  std::optional<event> scan(std::string_view& input, boost::system::error_code& ec) {
    std::optional<event> result;  // the only object returned: constructed in place
    const std::size_t size = input.size();
    const char* const base = input.data();
    std::size_t event_start = 0;
    std::size_t pos = 0;
    while (pos != size) {
      const auto eol = static_cast<std::size_t>(anthropic::detail::sse_find_line_end(base + pos, base + size) - base);
      if (eol - event_start > opts_.max_event_size) {
        input.remove_prefix(event_start);
        fail(ec);
        return result;
      }
      if (eol == size) break;  // an unfinished line
      bool cr_at_end = false;
      const std::size_t after = skip_line_end(input, eol, cr_at_end);
      if (eol == pos) {  // the empty line
        skip_lf_ = cr_at_end;
        if (dispatch(result)) {
          input.remove_prefix(after);
          return result;
        }
        event_start = after;
      } else {
        process_line(input.substr(pos, eol - pos));
      }
      pos = after;
    }
    // Input exhausted mid-event: keep its bytes and parse them again once the
    // event completes (its views must not point into a piece the caller reuses).
    if (event_start != size) {
      if (size - event_start > opts_.max_event_size) {
        input.remove_prefix(event_start);
        fail(ec);
        return result;
      }
      pending_.assign(input.substr(event_start));
      clear_fields();
    }
    input.remove_prefix(size);
    return result;
  }

  // The slow path: an event started in an earlier piece. Finds where it ends in
  // `input`, appends its bytes to pending_ and parses it there. Returns true
  // when the caller should go on with the fast path over the rest of `input`.
  bool continue_pending_event(std::string_view& input, std::optional<event>& ev,
                              boost::system::error_code& ec) {
    const std::size_t size = input.size();
    const char last = pending_.back();
    bool at_line_start = last == '\r' || last == '\n';
    std::size_t pos = 0;
    if (last == '\r' && size != 0 && input.front() == '\n') pos = 1;  // the second half of a CRLF
    while (pos != size) {
      if (at_line_start && (input[pos] == '\r' || input[pos] == '\n')) {
        if (pending_.size() + pos > opts_.max_event_size) {
          fail(ec);
          return false;
        }
        append_pending(input.substr(0, pos));
        bool cr_at_end = false;
        const std::size_t after = skip_line_end(input, pos, cr_at_end);
        input.remove_prefix(after);
        skip_lf_ = cr_at_end;
        parse_pending();
        if (dispatch(ev)) {
          pending_dispatched_ = true;  // ev's views point into pending_
          return false;
        }
        pending_.clear();
        return true;
      }
      const char* eol = anthropic::detail::sse_find_line_end(input.data() + pos, input.data() + size);
      if (eol == input.data() + size) break;
      bool cr_at_end = false;
      pos = skip_line_end(input, static_cast<std::size_t>(eol - input.data()), cr_at_end);
      at_line_start = true;
    }
    if (pending_.size() + size > opts_.max_event_size) {
      fail(ec);
      return false;
    }
    append_pending(input);
    input.remove_prefix(size);
    return false;
  }

  // Appends bytes (already checked against the limit) to pending_, growing it
  // geometrically but never past max_event_size, so memory stays bounded by it.
  void append_pending(std::string_view bytes) {
    const std::size_t needed = pending_.size() + bytes.size();
    if (needed > pending_.capacity()) {
      pending_.reserve(std::min(std::max(needed, 2 * pending_.capacity()), opts_.max_event_size));
    }
    pending_.append(bytes);
  }

  // Parses the complete lines of the event held in pending_.
  void parse_pending() {
    const std::string_view text(pending_);
    std::size_t pos = 0;
    while (pos != text.size()) {
      const char* const line_end = anthropic::detail::sse_find_line_end(text.data() + pos, text.data() + text.size());
      const auto eol = static_cast<std::size_t>(line_end - text.data());
      process_line(text.substr(pos, eol - pos));  // never empty: the empty line ended the event
      bool cr_at_end = false;
      pos = skip_line_end(text, eol, cr_at_end);
    }
  }

  // Whether pending_ holds part of an event: a field line, or an unfinished line.
  bool pending_holds_event() const noexcept {
    if (pending_.empty()) return false;
    const char last = pending_.back();
    if (last != '\r' && last != '\n') return true;
    const std::string_view text(pending_);
    std::size_t pos = 0;
    while (pos < text.size()) {
      if (text[pos] != ':') return true;
      const char* eol = anthropic::detail::sse_find_line_end(text.data() + pos, text.data() + text.size());
      bool cr_at_end = false;
      pos = skip_line_end(text, static_cast<std::size_t>(eol - text.data()), cr_at_end);
    }
    return false;
  }

  parser_options opts_;
  std::string pending_;    // raw bytes of an event that started in an earlier piece
  std::string joined_;     // data lines joined with '\n'
  std::string id_buffer_;  // the id being assembled (set by `id:`, applied at dispatch)
  std::string last_id_;    // the id of the last dispatched event
  std::string_view type_;  // views into the input or pending_
  std::string_view data_;
  std::size_t data_lines_ = 0;
  std::optional<std::uint64_t> retry_;
  unsigned bom_seen_ = 0;  // bytes of a leading BOM seen so far
  bool bom_done_ = false;
  bool id_changed_ = false;
  bool skip_lf_ = false;             // the last piece ended with the CR of an event-ending CRLF
  bool pending_dispatched_ = false;  // pending_ holds the event handed out last
  bool failed_ = false;
};

}  // namespace anthropic::sse
