// mock_server's Files API (beta; spec section 6), sans-io: multipart uploads
// stored in memory up to a size limit, listed (paged), described, downloaded
// (only files marked downloadable, as the API allows only files made by
// tools) and deleted; every call must carry the Files beta.
#pragma once

#include <anthropic/testing/detail/mock_batches.hpp>
#include <anthropic/testing/detail/mock_paging.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic::testing::detail {

/// The part named "file" of a multipart/form-data body.
struct multipart_file {
  std::string filename;
  std::string content_type;
  std::string_view data;
};

/// Finds the "file" part of `body` given the request's Content-Type; nothing
/// when the body is not such a form.
inline std::optional<multipart_file> parse_multipart_file(std::string_view content_type, std::string_view body) {
  auto at = content_type.find("boundary=");
  if (!content_type.starts_with("multipart/form-data") || at == std::string_view::npos) return std::nullopt;
  std::string_view boundary = content_type.substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
  const std::string delimiter = "--" + std::string(boundary);
  for (std::size_t pos = body.find(delimiter); pos != std::string_view::npos;) {
    std::size_t part = pos + delimiter.size();
    if (body.substr(part, 2) == "--") break;  // the closing delimiter
    part += 2;                                // CRLF
    const std::size_t headers_end = body.find("\r\n\r\n", part);
    if (headers_end == std::string_view::npos) return std::nullopt;
    std::string_view headers = body.substr(part, headers_end - part);
    const std::size_t data_start = headers_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) return std::nullopt;
    if (headers.find("name=\"file\"") != std::string_view::npos) {
      multipart_file file;
      file.data = body.substr(data_start, next - data_start);
      if (auto f = headers.find("filename=\""); f != std::string_view::npos) {
        for (std::size_t i = f + 10; i < headers.size() && headers[i] != '"'; ++i) {
          if (headers[i] == '\\' && i + 1 < headers.size()) ++i;
          file.filename += headers[i];
        }
      }
      if (auto t = headers.find("Content-Type: "); t != std::string_view::npos)
        file.content_type = std::string(headers.substr(t + 14, headers.find("\r\n", t) - (t + 14)));
      return file;
    }
    pos = next + 2;
  }
  return std::nullopt;
}

class file_store {
 public:
  using id_source = std::function<std::string(const char* prefix)>;

  file_store(std::uint64_t max_file_size, id_source next_id) : max_size_(max_file_size), next_id_(std::move(next_id)) {}

  /// Answers a request on /v1/files[/...]; `path` has no query.
  endpoint_answer answer(boost::beast::http::verb verb, std::string_view path, std::string_view target,
                         std::string_view beta_header, std::string_view content_type, std::string_view body) {
    namespace http = boost::beast::http;
    if (beta_header.find("files-api-2025-04-14") == std::string_view::npos)
      return endpoint_answer::invalid("The Files API is in beta: send the header 'anthropic-beta: files-api-2025-04-14'.");
    std::lock_guard lock(mutex_);
    std::string_view rest = path.substr(std::string_view("/v1/files").size());
    if (rest.empty() || rest == "/") {
      if (verb == http::verb::post) return upload(content_type, body);
      if (verb == http::verb::get) return list(target);
      return endpoint_answer::not_found();
    }
    rest.remove_prefix(1);
    const bool content = rest.ends_with("/content");
    if (content) rest.remove_suffix(std::string_view("/content").size());
    stored_file* file = find(decoded_segment(rest));
    if (!file) return endpoint_answer::not_found();
    if (content && verb == http::verb::get) {
      if (!file->downloadable) return endpoint_answer::invalid("File " + file->id + " is not downloadable: only files created by tools are.");
      endpoint_answer a;
      a.content_type = file->mime_type;
      a.body = file->bytes;
      return a;
    }
    if (content) return endpoint_answer::not_found();
    if (verb == http::verb::get) return endpoint_answer::json(metadata(*file));
    if (verb == http::verb::delete_) {
      boost::json::object gone{{"id", file->id}, {"type", "file_deleted"}};
      files_.erase(files_.begin() + (file - files_.data()));
      return endpoint_answer::json(gone);
    }
    return endpoint_answer::not_found();
  }

  /// Stores a file as a tool would have made it; its id.
  std::string add(std::string filename, std::string mime_type, std::string bytes, bool downloadable) {
    std::lock_guard lock(mutex_);
    return store(std::move(filename), std::move(mime_type), std::move(bytes), downloadable).id;
  }

  std::uint64_t max_size() const noexcept { return max_size_; }

 private:
  struct stored_file {
    std::string id, filename, mime_type, bytes, created_at;
    bool downloadable = false;
  };


  stored_file* find(std::string_view id) {
    for (auto& f : files_)
      if (f.id == id) return &f;
    return nullptr;
  }

  stored_file& store(std::string filename, std::string mime_type, std::string bytes, bool downloadable) {
    files_.push_back({next_id_("file_mock"), std::move(filename), std::move(mime_type), std::move(bytes),
                      rfc3339(std::chrono::system_clock::now()), downloadable});
    return files_.back();
  }

  endpoint_answer upload(std::string_view content_type, std::string_view body) {
    auto part = parse_multipart_file(content_type, body);
    if (!part) return endpoint_answer::invalid("file: Field required (send multipart/form-data with a part named 'file')");
    if (part->filename.empty()) return endpoint_answer::invalid("file: the part needs a filename");
    if (part->data.size() > max_size_)
      return endpoint_answer::error(413, "request_too_large", "File exceeds the maximum size of " +
                                                                   std::to_string(max_size_) + " bytes.");
    const std::string mime = part->content_type.empty() ? "application/octet-stream" : part->content_type;
    return endpoint_answer::json(metadata(store(part->filename, mime, std::string(part->data), false)));
  }

  endpoint_answer list(std::string_view target) {
    boost::json::array items;
    for (auto it = files_.rbegin(); it != files_.rend(); ++it) items.push_back(metadata(*it));
    return page_of(items, target);
  }

  static boost::json::object metadata(const stored_file& f) {
    return {{"id", f.id},
            {"type", "file"},
            {"filename", f.filename},
            {"mime_type", f.mime_type},
            {"size_bytes", f.bytes.size()},
            {"created_at", f.created_at},
            {"downloadable", f.downloadable}};
  }

  std::mutex mutex_;  // add() may come from any thread
  std::uint64_t max_size_;
  id_source next_id_;
  std::vector<stored_file> files_;  // oldest first
};

}  // namespace anthropic::testing::detail
