// Splits a byte stream into lines (JSON Lines: a Message Batch's results) in
// one buffer, without copying a line out of it: the reader reads into
// prepare()/commit(), next_line() hands out views into the buffer. Memory is
// bounded by the longest line allowed, whatever the length of the stream.
// Sans-io; fuzzed (test/fuzz/line_framer.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace anthropic::detail {

class line_framer {
 public:
  enum class status {
    line,       ///< `line` holds the next line, without its "\n" or "\r\n"
    need_more,  ///< no complete line buffered: read more (or finish())
    too_long,   ///< a line exceeds max_line_size: the stream cannot go on
  };

  explicit line_framer(std::size_t max_line_size) : max_line_size_(max_line_size) {}

  /// Space for at least `size` more bytes; what is read there is then commit()ed.
  /// A view handed out by next_line() is invalid afterwards.
  std::span<char> prepare(std::size_t size) {
    if (begin_ > 0 && (begin_ == end_ || buffer_.size() - end_ < size)) {
      // Lines handed out are done with: move the partial line to the front.
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      scanned_ -= begin_;
      begin_ = 0;
    }
    if (buffer_.size() - end_ < size) buffer_.resize(std::max(end_ + size, buffer_.size() * 2));
    return {buffer_.data() + end_, buffer_.size() - end_};
  }

  void commit(std::size_t size) noexcept { end_ += size; }

  /// The next complete line. Empty lines (a blank line, a final "\n") are skipped.
  status next_line(std::string_view& line) {
    for (;;) {
      const char* base = buffer_.data();
      const void* newline = scanned_ < end_ ? std::memchr(base + scanned_, '\n', end_ - scanned_) : nullptr;
      if (!newline) {
        scanned_ = end_;
        return end_ - begin_ > max_line_size_ ? status::too_long : status::need_more;
      }
      const auto at = static_cast<std::size_t>(static_cast<const char*>(newline) - base);
      std::size_t length = at - begin_;
      if (length > 0 && base[at - 1] == '\r') --length;
      if (length > max_line_size_) return status::too_long;
      line = std::string_view(base + begin_, length);
      begin_ = scanned_ = at + 1;
      if (!line.empty()) return status::line;
    }
  }

  /// At the end of the stream: the last line if it had no "\n" (a stream may
  /// end without one), else nothing (false).
  bool finish(std::string_view& line) {
    std::size_t length = end_ - begin_;
    if (length > 0 && buffer_[end_ - 1] == '\r') --length;
    line = std::string_view(buffer_.data() + begin_, length);
    begin_ = scanned_ = end_;
    return !line.empty();
  }

  /// Bytes held: the partial line plus lines not yet handed out.
  std::size_t buffered() const noexcept { return end_ - begin_; }
  /// The buffer's size: bounded by about twice the longest line plus one read.
  std::size_t capacity() const noexcept { return buffer_.size(); }

 private:
  std::size_t max_line_size_;
  std::string buffer_;
  std::size_t begin_ = 0;    // first byte not handed out
  std::size_t scanned_ = 0;  // bytes before this hold no newline (from begin_)
  std::size_t end_ = 0;      // end of the bytes read
};

}  // namespace anthropic::detail
