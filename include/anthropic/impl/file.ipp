// The JSON conversions of file_metadata and the MIME types of file names (see
// <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/file.hpp>

#include <cctype>

namespace anthropic {

ANTHROPIC_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const file_metadata& f) {
  auto& o = jv.emplace_object();
  o["id"] = f.id;
  o["type"] = f.type;
  o["filename"] = f.filename;
  o["mime_type"] = f.mime_type;
  detail::write_defaultable(o, "size_bytes", f.size_bytes, f.extra);
  o["created_at"] = f.created_at;
  detail::write_optional(o, "downloadable", f.downloadable);
  detail::write_extra(o, f.extra);
}

ANTHROPIC_DECL boost::system::error_code from_json(const boost::json::value& jv, file_metadata& out) {
  out = file_metadata{};
  detail::object_reader r(jv, out.extra);
  r.required("id", out.id);
  r.optional("type", out.type);
  r.optional("filename", out.filename);
  r.optional("mime_type", out.mime_type);
  r.optional("size_bytes", out.size_bytes);
  r.optional("created_at", out.created_at);
  r.optional("downloadable", out.downloadable);
  return r.finish();
}

ANTHROPIC_DECL std::string_view mime_type_for(std::string_view filename) noexcept {
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string_view ext = filename.substr(dot + 1);
  auto is = [&](std::string_view candidate) {
    if (ext.size() != candidate.size()) return false;
    for (std::size_t i = 0; i < ext.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(ext[i])) != candidate[i]) return false;
    return true;
  };
  if (is("pdf")) return "application/pdf";
  if (is("txt")) return "text/plain";
  if (is("md")) return "text/markdown";
  if (is("csv")) return "text/csv";
  if (is("json")) return "application/json";
  if (is("html") || is("htm")) return "text/html";
  if (is("png")) return "image/png";
  if (is("jpg") || is("jpeg")) return "image/jpeg";
  if (is("gif")) return "image/gif";
  if (is("webp")) return "image/webp";
  return "application/octet-stream";
}

}  // namespace anthropic
