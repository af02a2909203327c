// The Files API (beta; spec section 6): what an upload sends, what the API
// says of a stored file, and where a download goes.
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/json_support.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace anthropic {

/// The beta every Files endpoint needs (the client adds it to those requests by
/// itself). A message that refers to a file by id needs it too: add it to
/// client_options::betas.
inline constexpr std::string_view files_api_beta = "files-api-2025-04-14";

/// The largest file the API stores.
inline constexpr std::uint64_t max_file_size = 500ull * 1024 * 1024;

/// What client::async_upload_file sends: a file on disk, streamed in pieces
/// (never read into memory whole, and read again from the start if the
/// request is retried), or bytes in memory.
struct file_upload {
  std::string path{};       ///< the file to send; empty: `bytes` are sent
  std::string bytes{};      ///< the content, when `path` is empty
  std::string filename{};   ///< the name the API stores; default: the last part of `path`
  std::string mime_type{};  ///< e.g. "application/pdf"; default: from the name's extension

  /// The file at `path`, named after it.
  static file_upload from_path(std::string path, std::string mime_type = {}) {
    file_upload u;
    u.path = std::move(path);
    u.mime_type = std::move(mime_type);
    return u;
  }
  /// `bytes` under the name `filename`.
  static file_upload from_memory(std::string filename, std::string bytes, std::string mime_type = {}) {
    file_upload u;
    u.filename = std::move(filename);
    u.bytes = std::move(bytes);
    u.mime_type = std::move(mime_type);
    return u;
  }
};

/// A stored file, as the API describes it.
struct file_metadata {
  std::string id{};  ///< "file_..."
  std::string type = "file";
  std::string filename{};
  std::string mime_type{};
  std::uint64_t size_bytes = 0;
  std::string created_at{};
  /// Only files made by tools (code execution) can be downloaded.
  std::optional<bool> downloadable{};
  boost::json::object extra{};

  bool operator==(const file_metadata&) const = default;
};

/// Where client::async_download_file writes: called with each piece of the
/// content in order, on the client's executor; the view is valid during the
/// call only. Returning an error code (for instance a failed write) stops the
/// download with that error.
using download_sink = std::function<boost::system::error_code(std::string_view piece)>;

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const file_metadata& f);
ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, file_metadata& out);

/// A MIME type for a file name's extension (pdf, txt, md, csv, json, png, jpg,
/// jpeg, gif, webp, ...); "application/octet-stream" for others.
ANTHROPIC_DECL std::string_view mime_type_for(std::string_view filename) noexcept;

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/file.ipp>
#endif
