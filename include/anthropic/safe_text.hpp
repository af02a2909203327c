// Text from a server, made safe to print. Sans-io helpers, no dependencies.
//
// An error message, an error body or a model's output is whatever the server (or
// a proxy in between) sent: it may hold terminal escape sequences (ESC [ 2 J
// clears the screen, OSC sequences set the window title or write the
// clipboard), carriage returns that overwrite what was printed before, or bytes
// that are not UTF-8 at all (a Latin-1 or compressed error page). These helpers
// turn such text into valid UTF-8 in which every control character a terminal
// would act on is shown instead of obeyed:
//
//  - an ill-formed UTF-8 sequence becomes U+FFFD, one per maximal ill-formed
//    subpart (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal Subparts",
//    as browsers and Python decode);
//  - LF, TAB and CR read `\n`, `\t`, `\r`; other C0 controls and DEL read
//    `\xHH` (`\x1b` for ESC); C1 controls (U+0080..U+009F, which some terminals
//    obey like ESC sequences) read `\u{HH}`.
//
// The result is for people to read: a backslash in the input is not escaped, so
// the mapping is not reversible. Other invisible or reordering characters
// (U+200B, the bidirectional overrides U+202A..U+202E) are printed as they are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace anthropic {

/// What printable() and printable_stream do with line breaks and tabs.
enum class printable_layout {
  one_line,  ///< every control character is escaped: the result is one line (error messages)
  lines,     ///< LF and TAB are kept as they are (a model's output); every other control is escaped
};

namespace detail {

/// The first character of a non-empty UTF-8 text, or why there is none.
struct utf8_char {
  enum class kind : unsigned char { valid, ill_formed, incomplete } status;
  char32_t code_point;  ///< when status is valid
  std::size_t size;     ///< bytes consumed: the character, or the maximal ill-formed subpart
};

/// Decodes the first character of `text` (not empty) by the well-formed byte
/// sequences of Unicode table 3-7. `incomplete`: `text` ends inside a sequence
/// that is well formed so far (it may continue in the next piece).
inline utf8_char decode_utf8(std::string_view text) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {utf8_char::kind::valid, lead, 1};
  std::size_t length = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;  // the second byte's range depends on the lead
  char32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0Fu;
    if (lead == 0xE0) second_min = 0xA0;  // no overlong forms
    if (lead == 0xED) second_max = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07u;
    if (lead == 0xF0) second_min = 0x90;  // no overlong forms
    if (lead == 0xF4) second_max = 0x8F;  // nothing above U+10FFFF
  } else {
    return {utf8_char::kind::ill_formed, 0, 1};  // a continuation byte, C0, C1 or F5..FF
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (i == text.size()) return {utf8_char::kind::incomplete, 0, i};
    const unsigned char b = byte(i);
    const unsigned char min = i == 1 ? second_min : 0x80, max = i == 1 ? second_max : 0xBF;
    if (b < min || b > max) return {utf8_char::kind::ill_formed, 0, i};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {utf8_char::kind::valid, cp, length};
}

inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

inline void append_hex_byte(std::string& out, char32_t value) {
  constexpr char digits[] = "0123456789abcdef";
  out += digits[(value >> 4) & 0xF];
  out += digits[value & 0xF];
}

}  // namespace detail

/// Makes text that arrives in pieces (a stream's text deltas) printable, with
/// the rules of this header. A UTF-8 sequence split between two pieces is
/// decoded whole: the incomplete end of a piece is kept until the next one.
///
/// @code
/// anthropic::printable_stream screen;                // printable_layout::lines
/// std::cout << screen.append(*event.text_delta());   // for each delta
/// std::cout << screen.finish();                      // at the end of the text
/// @endcode
class printable_stream {
 public:
  explicit printable_stream(printable_layout layout = printable_layout::lines) noexcept : layout_(layout) {}

  /// The printable form of `piece`, except an incomplete UTF-8 sequence at its
  /// end (at most 3 bytes), which waits for the next call.
  std::string append(std::string_view piece) {
    std::string out;
    if (carry_.empty()) {
      convert(piece, out);
    } else {  // rare: a sequence split between pieces
      std::string joined = std::move(carry_);
      carry_.clear();
      joined += piece;
      convert(joined, out);
    }
    return out;
  }

  /// Ends the text: an incomplete sequence still waiting becomes U+FFFD.
  /// The object can then take a new text.
  std::string finish() {
    std::string out;
    if (!carry_.empty()) out = detail::replacement_character;
    carry_.clear();
    return out;
  }

 private:
  void convert(std::string_view text, std::string& out) {
    out.reserve(out.size() + text.size());
    while (!text.empty()) {
      const detail::utf8_char c = detail::decode_utf8(text);
      if (c.status == detail::utf8_char::kind::incomplete) {
        carry_.assign(text);
        return;
      }
      if (c.status == detail::utf8_char::kind::ill_formed)
        out += detail::replacement_character;
      else
        append_char(c.code_point, text.substr(0, c.size), out);
      text.remove_prefix(c.size);
    }
  }

  void append_char(char32_t cp, std::string_view bytes, std::string& out) const {
    const bool keep_layout = layout_ == printable_layout::lines;
    if (cp == '\n') {
      out += keep_layout ? "\n" : "\\n";
    } else if (cp == '\t') {
      out += keep_layout ? "\t" : "\\t";
    } else if (cp == '\r') {
      out += "\\r";  // always: a bare CR lets later text overwrite what the user already saw
    } else if (cp < 0x20 || cp == 0x7F) {
      out += "\\x";
      detail::append_hex_byte(out, cp);
    } else if (cp >= 0x80 && cp <= 0x9F) {
      out += "\\u{";
      detail::append_hex_byte(out, cp);
      out += '}';
    } else {
      out += bytes;
    }
  }

  printable_layout layout_;
  std::string carry_;  // an incomplete UTF-8 sequence that ended the previous piece
};

/// `text` made printable with the rules of this header; with the default
/// layout, the result is one line.
inline std::string printable(std::string_view text, printable_layout layout = printable_layout::one_line) {
  printable_stream stream(layout);
  std::string out = stream.append(text);
  out += stream.finish();
  return out;
}

/// JSON text as one line of valid UTF-8 that is safe on a terminal: ill-formed
/// UTF-8 becomes U+FFFD, C0 controls (in valid JSON only white space between
/// tokens, e.g. the line breaks of a multi-line SSE `data` field) become spaces,
/// DEL and C1 controls (only possible inside strings) become `\u` escapes. For
/// valid JSON the value is unchanged; for JSON holding ill-formed UTF-8 (which
/// Boost.JSON's serializer copies as it is) the result is valid JSON with U+FFFD
/// in place of each ill-formed subpart.
inline std::string printable_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  while (!json.empty()) {
    const detail::utf8_char c = detail::decode_utf8(json);
    if (c.status != detail::utf8_char::kind::valid) {
      out += detail::replacement_character;
    } else if (c.code_point < 0x20) {
      out += ' ';
    } else if (c.code_point == 0x7F || (c.code_point >= 0x80 && c.code_point <= 0x9F)) {
      out += "\\u00";
      detail::append_hex_byte(out, c.code_point);
    } else {
      out += json.substr(0, c.size);
    }
    json.remove_prefix(c.size);
  }
  return out;
}

}  // namespace anthropic
