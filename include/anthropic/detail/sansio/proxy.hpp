// HTTP proxy support without I/O: the proxy URL, the environment variables
// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) that choose one, the CONNECT request
// that opens a tunnel, and what the proxy's answer to it means.
//
// The proxy URL is parsed by hand, sharing url.hpp's authority splitting,
// rather than by Boost.URL: in Boost 1.81 Boost.URL is a compiled library
// (libboost_url), and this library is header-only or compiled from one source
// file; making every user link another Boost library for the few forms a proxy
// URL takes (scheme, user info, host, port) would cost more than it saves.
#pragma once

#include <anthropic/detail/ascii.hpp>
#include <anthropic/detail/sansio/url.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/base64.hpp>
#include <anthropic/version.hpp>

#include <boost/system/error_code.hpp>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

namespace anthropic::detail {

/// A parsed `client_options::proxy`.
struct proxy_url {
  std::string host;      ///< host name or IP literal, without IPv6 brackets
  std::string port;      ///< explicit port, else "80" (the http:// default, as Go and Python use; curl uses 1080)
  std::string username;  ///< percent-decoded
  std::string password;  ///< percent-decoded
  bool has_credentials = false;  ///< the URL had user info ("user:password@", "user@")

  /// "host:port", brackets around an IPv6 literal: how messages name the
  /// proxy (never with credentials).
  std::string name() const { return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port; }
};

/// Decodes %XX escapes of `in` into `out`; false on a malformed escape.
inline bool percent_decode(std::string_view in, std::string& out) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (in.size() - i < 3) return false;
    const int high = hex(in[i + 1]), low = hex(in[i + 2]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return true;
}

/// Parses a proxy URL: "http://[user[:password]@]host[:port][/]", or the same
/// without "http://" (as curl and Go accept in HTTPS_PROXY). User and password
/// are percent-decoded. Any other scheme (https://, socks5://), a path, query
/// or fragment, a bad port or control characters fail with
/// client_errc::invalid_proxy_url; `problem` then says what is wrong in words
/// that never quote the user info (the URL itself is not repeated: with a
/// missing '@', a password would look like a host or port).
inline boost::system::error_code parse_proxy_url(std::string_view text, proxy_url& out, std::string& problem) {
  out = proxy_url{};
  auto invalid = [&](std::string why) {
    problem = "the proxy URL " + std::move(why);
    return make_error_code(client_errc::invalid_proxy_url);
  };
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
    return invalid("contains a space or a control character");
  if (auto end = text.find("://"); end != std::string_view::npos) {
    std::string scheme(text.substr(0, end));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), ascii_lower);
    if (scheme != "http") {
      // Only a known scheme is named: whatever precedes "://" in a mistyped
      // URL could be part of a password.
      constexpr std::string_view known[] = {"https", "socks4", "socks4a", "socks5", "socks5h"};
      const bool named = std::find(std::begin(known), std::end(known), scheme) != std::end(known);
      return invalid("must start with http:// (" + (named ? scheme + "://" : std::string("this scheme")) +
                     " is not supported)");
    }
    text.remove_prefix(end + 3);
  }
  if (text.find_first_of("?#\\") != std::string_view::npos) return invalid("has a query, a fragment or a backslash");
  std::string_view authority = text.substr(0, text.find('/'));
  if (std::string_view path = text.substr(authority.size()); !path.empty() && path != "/")
    return invalid("has a path (only '/' may follow the host and port)");
  // The last '@' ends the user info: a password may hold a raw '@' (curl agrees).
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view user_info = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const auto colon = user_info.find(':');
    if (!percent_decode(user_info.substr(0, colon), out.username) ||
        (colon != std::string_view::npos && !percent_decode(user_info.substr(colon + 1), out.password)))
      return invalid("has a malformed %-escape in its user name or password");
    // RFC 7617: a user-id with a colon cannot be told apart from the password.
    if (out.username.find(':') != std::string::npos) return invalid("has a ':' in its (decoded) user name");
    out.has_credentials = true;
  }
  std::string_view host, port;
  if (!split_authority(authority, host, port)) return invalid("has no host, or a port that is not 1 to 65535");
  out.host.assign(host);
  out.port = port.empty() ? "80" : std::string(port);
  return {};
}

/// The `Proxy-Authorization` value for Basic credentials (RFC 7617).
inline std::string basic_proxy_authorization(std::string_view username, std::string_view password) {
  std::string pair;
  pair.reserve(username.size() + 1 + password.size());
  pair.append(username).append(1, ':').append(password);
  std::string value = "Basic ";
  base64_append(pair, value);
  return value;
}

namespace proxy_detail {

// An IP literal is matched whole, never as a domain suffix ("0.0.1" must not
// match 127.0.0.1). A DNS name is never all digits and dots, nor has a colon.
inline bool is_ip_literal(std::string_view host) noexcept {
  return host.find(':') != std::string_view::npos ||
         std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// One NO_PROXY entry against a host (without brackets) and port.
inline bool entry_matches(std::string_view entry, std::string_view host, std::string_view port) noexcept {
  if (entry == "*") return true;
  std::string_view entry_host = entry, entry_port;
  if (!entry.empty() && entry.front() == '[') {  // "[v6]" or "[v6]:port"
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return false;
    entry_host = entry.substr(1, close - 1);
    if (entry.size() > close + 1) {
      if (entry[close + 1] != ':') return false;
      entry_port = entry.substr(close + 2);
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {  // "host:port"; more colons: a bare IPv6 literal
    const auto colon = entry.find(':');
    entry_host = entry.substr(0, colon);
    entry_port = entry.substr(colon + 1);
  }
  if (!entry_port.empty() && entry_port != port) return false;
  if (is_ip_literal(host)) return iequals(entry_host, host);
  // "example.com" and ".example.com" both mean the domain and its subdomains
  // (curl's reading); a trailing dot (a fully qualified name) changes nothing.
  if (!entry_host.empty() && entry_host.front() == '.') entry_host.remove_prefix(1);
  if (!entry_host.empty() && entry_host.back() == '.') entry_host.remove_suffix(1);
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (entry_host.empty()) return false;
  if (iequals(entry_host, host)) return true;
  return host.size() > entry_host.size() && host[host.size() - entry_host.size() - 1] == '.' &&
         iequals(host.substr(host.size() - entry_host.size()), entry_host);
}

}  // namespace proxy_detail

/// True when `host` (without brackets) at `port` is listed in a NO_PROXY
/// value: entries separated by commas and/or white space, each "*" (every
/// host), a host name ("example.com" or ".example.com": that domain and its
/// subdomains), or an IP literal ("10.0.0.1", "::1", "[::1]"), optionally
/// followed by ":port" to apply to that port only. Case-insensitive. IP
/// ranges (CIDR) are not understood; IP literals are compared as written.
inline bool no_proxy_matches(std::string_view list, std::string_view host, std::string_view port) noexcept {
  constexpr std::string_view separators = ", \t\r\n";
  while (!list.empty()) {
    const auto start = list.find_first_not_of(separators);
    if (start == std::string_view::npos) break;
    list.remove_prefix(start);
    const std::string_view entry = list.substr(0, list.find_first_of(separators));
    list.remove_prefix(entry.size());
    if (proxy_detail::entry_matches(entry, host, port)) return true;
  }
  return false;
}

/// The proxy the environment names for a client of `base_url` ("" = none),
/// read through `getenv` (a callable like std::getenv, so that tests need not
/// touch the process's environment):
/// - an https:// base uses `https_proxy`, else `HTTPS_PROXY`; an http:// base
///   `http_proxy`, else `HTTP_PROXY` -- except that `HTTP_PROXY` is ignored when
///   `REQUEST_METHOD` is set: in a CGI program a client's `Proxy:` request
///   header arrives as HTTP_PROXY ("httpoxy"), as Go's net/http also guards;
/// - the lowercase variable wins when both are set (curl's and Python's rule);
///   empty values count as unset;
/// - no proxy when the base URL's host and port match `no_proxy`, else
///   `NO_PROXY` (see no_proxy_matches()).
/// `ALL_PROXY` is not read. An unusable base URL gives "" (the client reports
/// the base URL). The value is returned as found; the client validates it.
template <class Getenv>
std::string proxy_from_environment(std::string_view base_url_text, Getenv&& getenv) {
  base_url url;
  if (parse_base_url(base_url_text, url)) return {};
  auto read = [&](const char* name) -> std::string_view {
    const char* value = getenv(name);
    return value ? std::string_view(value) : std::string_view{};
  };
  std::string_view proxy = read(url.use_tls ? "https_proxy" : "http_proxy");
  if (proxy.empty() && (url.use_tls || read("REQUEST_METHOD").empty()))
    proxy = read(url.use_tls ? "HTTPS_PROXY" : "HTTP_PROXY");
  if (proxy.empty()) return {};
  std::string_view no_proxy = read("no_proxy");
  if (no_proxy.empty()) no_proxy = read("NO_PROXY");
  if (no_proxy_matches(no_proxy, url.host, url.port)) return {};
  return std::string(proxy);
}

/// What a client's connections need to reach its base URL through a proxy;
/// built once per client.
struct proxy_route {
  std::string host;           ///< the proxy's host, without brackets
  std::string port;           ///< the proxy's port
  std::string name;           ///< "host:port" of the proxy, for messages
  std::string origin;         ///< "host:port" of the API (the CONNECT target)
  std::string authorization;  ///< the Proxy-Authorization value, "" without credentials
  /// For an https:// base: the whole CONNECT request that opens a tunnel to
  /// `origin` (RFC 9110 section 9.3.6), sent as is on every new connection.
  std::string connect_request;
  /// For an http:// base: "http://host:port", which turns an origin-form
  /// request target into the absolute form a proxy expects (RFC 9112 section 3.2.2).
  std::string absolute_prefix;
};

inline proxy_route make_proxy_route(const proxy_url& proxy, const base_url& origin) {
  proxy_route route;
  route.host = proxy.host;
  route.port = proxy.port;
  route.name = proxy.name();
  route.origin = (origin.host.find(':') != std::string::npos ? "[" + origin.host + "]" : origin.host) + ":" + origin.port;
  if (proxy.has_credentials) route.authorization = basic_proxy_authorization(proxy.username, proxy.password);
  if (origin.use_tls) {
    route.connect_request = "CONNECT " + route.origin + " HTTP/1.1\r\nHost: " + route.origin + "\r\n";
    if (!route.authorization.empty()) route.connect_request += "Proxy-Authorization: " + route.authorization + "\r\n";
    route.connect_request += std::string("User-Agent: anthropic-asio/") + version_string + "\r\n\r\n";
  } else {
    route.absolute_prefix = "http://" + origin.host_header();
  }
  return route;
}

/// Failures the proxy reports for the origin (502 Bad Gateway, 503 Service
/// Unavailable, 504 Gateway Timeout) rather than for the request: nothing
/// reached the API, so another attempt is safe. 407 and 403 (a policy) and
/// every other status are final.
inline bool is_transient_proxy_refusal(int status) noexcept { return status == 502 || status == 503 || status == 504; }

/// What the proxy's answer to CONNECT means: none for 2xx; 407 (and 401,
/// which some proxies send for wrong credentials, tinyproxy 1.11 among them:
/// an answer to CONNECT cannot be the API's) is
/// client_errc::proxy_authentication_required, any other status
/// client_errc::proxy_refused. On failure `diag` gets the proxy's status and a
/// message naming the proxy and the origin (never credentials).
inline boost::system::error_code check_connect_answer(int status, const proxy_route& route, diagnostics& diag) {
  if (status >= 200 && status < 300) return {};
  diag.http_status = status;
  if (status == 407 || status == 401) {
    diag.client_message = "the proxy " + route.name +
                          (route.authorization.empty() ? " asks for credentials (user:password@ in the proxy URL)"
                                                       : " did not accept the credentials of the proxy URL");
    return make_error_code(client_errc::proxy_authentication_required);
  }
  diag.client_message = "the proxy " + route.name + " refused to open a tunnel to " + route.origin + " (HTTP " +
                        std::to_string(status) + ")";
  return make_error_code(client_errc::proxy_refused);
}

}  // namespace anthropic::detail
