// The body of a Files upload: multipart/form-data with one part named "file",
// produced piece by piece, the content read from disk as it is sent (a 500 MB
// file never sits in memory) and from the start again when a request is
// retried. File reads block, briefly: Asio has no portable asynchronous file
// I/O, and a local disk answers faster than the network drains a piece.
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/types/file.hpp>

#include <boost/system/errc.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>

namespace anthropic::detail {

class upload_body {
 public:
  upload_body(const upload_body&) = delete;
  upload_body& operator=(const upload_body&) = delete;
  ~upload_body() {
    if (file_) std::fclose(file_);
  }

  /// Prepares `upload`: the file opened and measured, the name and type
  /// checked. Fails with client_errc::invalid_argument (`problem` says why)
  /// for a file that cannot be read, a file over max_file_size, or a name
  /// holding CR, LF or NUL.
  static boost::system::error_code open(const file_upload& upload, std::shared_ptr<upload_body>& out,
                                        std::string& problem) {
    auto refuse = [&](std::string why) {
      problem = std::move(why);
      return make_error_code(client_errc::invalid_argument);
    };
    std::shared_ptr<upload_body> body(new upload_body());
    std::string filename = upload.filename;
    if (filename.empty() && !upload.path.empty()) filename = upload.path.substr(upload.path.find_last_of('/') + 1);
    if (filename.empty()) return refuse("a file upload needs a file name");
    if (filename.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      return refuse("the file name contains CR, LF or NUL");
    if (!upload.path.empty()) {
      body->file_ = std::fopen(upload.path.c_str(), "rb");
      if (!body->file_ || std::fseek(body->file_, 0, SEEK_END) != 0)
        return refuse("cannot read '" + upload.path + "'");
      const long size = std::ftell(body->file_);
      if (size < 0 || std::fseek(body->file_, 0, SEEK_SET) != 0) return refuse("cannot read '" + upload.path + "'");
      body->content_size_ = static_cast<std::uint64_t>(size);
    } else {
      body->bytes_ = upload.bytes;
      body->content_size_ = body->bytes_.size();
    }
    if (body->content_size_ > max_file_size)
      return refuse("the file has " + std::to_string(body->content_size_) + " bytes; the API stores at most " +
                    std::to_string(max_file_size));

    // A boundary that the content cannot contain by chance (RFC 2046: up to 70 characters).
    std::random_device random;
    std::string boundary = "anthropic-asio-";
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) boundary += hex[random() & 0xF];
    body->content_type_ = "multipart/form-data; boundary=" + boundary;
    std::string quoted;
    for (char c : filename) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    const std::string_view mime = upload.mime_type.empty() ? mime_type_for(filename) : upload.mime_type;
    body->head_ = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + quoted +
                  "\"\r\nContent-Type: " + std::string(mime) + "\r\n\r\n";
    body->tail_ = "\r\n--" + boundary + "--\r\n";
    out = std::move(body);
    return {};
  }

  /// The value of the request's Content-Type.
  const std::string& content_type() const noexcept { return content_type_; }
  /// The body's length in bytes (the request's Content-Length).
  std::uint64_t size() const noexcept { return head_.size() + content_size_ + tail_.size(); }

  /// Back to the first byte (before each attempt of the request).
  boost::system::error_code rewind() {
    offset_ = 0;
    if (file_ && std::fseek(file_, 0, SEEK_SET) != 0) return make_error_code(boost::system::errc::io_error);
    return {};
  }

  /// Copies the next bytes into `out`; 0 at the end. A file that shrank since
  /// it was measured fails with io_error (the declared length cannot be kept).
  std::size_t read(std::span<char> out, boost::system::error_code& ec) {
    std::size_t n = 0;
    while (n < out.size() && offset_ < size()) {
      const std::uint64_t content_end = head_.size() + content_size_;
      if (offset_ < head_.size()) {
        n += copy(head_, offset_, out.subspan(n));
      } else if (offset_ < content_end) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(out.size() - n, content_end - offset_));
        if (file_) {
          const std::size_t got = std::fread(out.data() + n, 1, want, file_);
          if (got == 0) {
            ec = make_error_code(boost::system::errc::io_error);
            return n;
          }
          offset_ += got;
          n += got;
        } else {
          n += copy(bytes_, offset_ - head_.size(), out.subspan(n, want));
        }
      } else {
        n += copy(tail_, offset_ - content_end, out.subspan(n));
      }
    }
    return n;
  }

 private:
  upload_body() = default;

  // Copies from `text` at `from` into `out`, advancing offset_.
  std::size_t copy(const std::string& text, std::uint64_t from, std::span<char> out) {
    const std::size_t n = std::min<std::size_t>(out.size(), text.size() - static_cast<std::size_t>(from));
    std::memcpy(out.data(), text.data() + from, n);
    offset_ += n;
    return n;
  }

  std::FILE* file_ = nullptr;
  std::string bytes_;
  std::uint64_t content_size_ = 0;
  std::string content_type_, head_, tail_;
  std::uint64_t offset_ = 0;
};

}  // namespace anthropic::detail
