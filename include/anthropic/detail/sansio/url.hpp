// Parsing the client's base URL into what a connection needs: scheme, host,
// port and an optional path prefix that every request target starts with.
#pragma once

#include <anthropic/error.hpp>

#include <boost/system/error_code.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace anthropic::detail {

/// A base URL split into the parts a connection and a request target need.
struct base_url {
  bool use_tls = true;      ///< https (the default when no scheme is given)
  std::string host;         ///< host name or IP literal, without IPv6 brackets
  std::string port;         ///< explicit port, or 443 / 80 from the scheme
  std::string path_prefix;  ///< "" or "/prefix" (no trailing slash), prepended to "/v1/..."

  /// The request target for an API path such as "/v1/messages".
  std::string target(std::string_view api_path) const {
    std::string t;
    t.reserve(path_prefix.size() + api_path.size());
    t += path_prefix;
    t += api_path;
    return t;
  }

  /// The Host header value: the port is omitted when it is the scheme's default.
  std::string host_header() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (use_tls ? "443" : "80")) h += ":" + port;
    return h;
  }
};

/// Splits an authority without user info ("host", "host:port", "[v6]",
/// "[v6]:port") into the host (without brackets) and the port ("" when
/// absent). False when a bracket is unmatched, the host is empty, or a port
/// is given but is not a number from 1 to 65535. Shared by the base URL and
/// the proxy URL parsers.
inline bool split_authority(std::string_view authority, std::string_view& host, std::string_view& port) noexcept {
  host = authority;
  port = {};
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      has_port = true;
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return false;
  if (!has_port) return true;
  if (port.empty() || port.size() > 5) return false;
  unsigned long value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  return value != 0 && value <= 65535;
}

/// Parses "https://host[:port][/prefix]", "http://..." or "host[:port][/prefix]"
/// (https assumed). Query strings, fragments, user info, control characters and
/// spaces are refused with client_errc::invalid_base_url, as is any other scheme.
inline boost::system::error_code parse_base_url(std::string_view text, base_url& out) {
  const auto invalid = make_error_code(client_errc::invalid_base_url);
  out = base_url{};
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
    return invalid;
  if (auto scheme_end = text.find("://"); scheme_end != std::string_view::npos) {
    std::string scheme(text.substr(0, scheme_end));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme == "https")
      out.use_tls = true;
    else if (scheme == "http")
      out.use_tls = false;
    else
      return invalid;
    text.remove_prefix(scheme_end + 3);
  }
  if (text.find_first_of("?#@\\") != std::string_view::npos) return invalid;

  const auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : text.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  std::string_view host, port;
  if (!split_authority(authority, host, port)) return invalid;
  out.host.assign(host);
  out.port = port.empty() ? (out.use_tls ? "443" : "80") : std::string(port);
  out.path_prefix.assign(path);
  return {};
}

/// Appends `text` to a request target as one path segment or query value:
/// every byte but RFC 3986's unreserved ones (A-Z a-z 0-9 - . _ ~) as %XX, so
/// that an id can neither leave its segment ("/", "?", "#", "..") nor the
/// request line (CR, LF, space).
inline void append_percent_encoded(std::string& target, std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved && !(text == "." || text == ".."))
      target += ch;
    else
      target.append(1, '%').append(1, hex[c >> 4]).append(1, hex[c & 0xF]);
  }
}

/// A URL as it may appear in an error message: user info (`user:token@`) and
/// any query (which may carry a key) replaced by "***", bytes outside printable
/// ASCII written as \xNN (so a CR LF cannot start a second line), at most 200
/// characters. For URLs from the configuration and from a server (a redirect).
inline std::string redacted_url(std::string_view url) {
  std::string_view scheme;
  if (auto end = url.find("://"); end != std::string_view::npos) {
    scheme = url.substr(0, end + 3);
    url.remove_prefix(end + 3);
  }
  std::string_view authority = url.substr(0, url.find_first_of("/?#"));
  std::string_view rest = url.substr(authority.size());
  std::string shown(scheme);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    shown += "***@";
    authority.remove_prefix(at + 1);
  }
  shown += authority;
  if (auto query = rest.find_first_of("?#"); query != std::string_view::npos)
    shown.append(rest.substr(0, query)).append(rest[query] == '?' ? "?***" : "");
  else
    shown += rest;

  constexpr std::size_t limit = 200;
  std::string out;
  for (char ch : shown) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c > 0x20 && c < 0x7f) {
      out += ch;
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out.append("\\x").append(1, hex[c >> 4]).append(1, hex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace anthropic::detail
