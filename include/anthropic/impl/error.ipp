// error_with_diagnostics's non-inline members (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/safe_text.hpp>

#include <string>
#include <utility>

namespace anthropic {

ANTHROPIC_DECL error_with_diagnostics::error_with_diagnostics(boost::system::error_code ec, diagnostics diag)
    : boost::system::system_error(ec), what_(describe(ec, diag)), diag_(std::move(diag)) {}

ANTHROPIC_DECL std::string error_with_diagnostics::describe(const boost::system::error_code& ec,
                                                            const diagnostics& diag) {
  std::string text = diag.error_type.empty() ? ec.message() : diag.error_type;
  const char* separator = ": ";
  for (const std::string* part : {&diag.server_message, &diag.client_message}) {
    if (part->empty()) continue;
    text += separator;
    text += *part;
    separator = "; ";
  }
  std::string extra;
  if (diag.http_status != 0) extra += "HTTP " + std::to_string(diag.http_status);
  if (!diag.request_id.empty()) {
    if (!extra.empty()) extra += ", ";
    extra += "request-id " + diag.request_id;
  }
  if (!extra.empty()) text += " (" + extra + ")";
  // what() is printed to terminals and logs, and much of it is the server's words.
  return printable(text);
}

}  // namespace anthropic
