// Everything a client can be configured with, and where the defaults come from.
#pragma once

#include <anthropic/detail/sansio/proxy.hpp>
#include <anthropic/response.hpp>
#include <anthropic/retry_policy.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anthropic {

struct usage;

/// How long each phase of a request may take. Every limit has its own error code
/// (client_errc::resolve_timeout, ...), so a caller can tell what was slow.
/// A zero duration disables that limit.
struct timeout_options {
  std::chrono::milliseconds resolve{std::chrono::seconds(30)};        ///< host name resolution
  std::chrono::milliseconds connect{std::chrono::seconds(30)};        ///< TCP connect
  std::chrono::milliseconds tls_handshake{std::chrono::seconds(30)};  ///< TLS handshake
  /// From the start of sending a request until its response head is complete.
  /// Generous by default: the API sends the head of a non-streamed reply only when
  /// the whole message is generated.
  std::chrono::milliseconds response_head{std::chrono::minutes(10)};
  /// Longest silence between two pieces of a response body (a stream's events included).
  std::chrono::milliseconds idle{std::chrono::minutes(5)};
  /// The whole operation, all attempts and retry delays included; for a stream,
  /// until its response head arrived (client_errc::request_timeout).
  std::chrono::milliseconds request{std::chrono::minutes(10)};
  /// A stream from its response head to its last event
  /// (client_errc::stream_timeout). Off (zero) by default, as in the official
  /// SDKs: a long generation (64K output tokens, extended thinking) is billed
  /// once it started, so cutting it off wastes it; `idle` still catches a stream
  /// that went silent.
  std::chrono::milliseconds stream{0};
};

/// TLS settings. The system trust store is always used; extra CAs are added to it.
/// The system store is parsed once per process, by the first client (about 20 ms
/// of CPU and 0.8 MB under OpenSSL 3.0 on Debian 12), and reused by every later one.
struct tls_options {
  bool verify_peer = true;   ///< verify the certificate chain and the host name (keep on outside tests)
  std::string ca_file;       ///< a PEM file of additional trusted CAs ("" = none)
  std::string ca_pem;        ///< PEM text of additional trusted CAs ("" = none)
  /// While no TLS session exists yet, connections opened at the same time wait
  /// (at most a second) for the first one's session and resume it, instead of
  /// each making a full handshake: a burst of 1,000 streams then costs one
  /// certificate verification, not 1,000. The wait is one handshake plus one
  /// round trip for all but the first connection of a burst.
  bool wait_for_first_session = true;
  /// At most this many TLS handshakes of the client at a time (0: no limit);
  /// the other new connections wait for a slot. Each handshake in flight holds
  /// OpenSSL's handshake state (about 20 kB), so a burst of thousands of new
  /// connections peaks in memory by this number, not by the burst's size
  /// (1,000 streams opened at once: 30 kB per open stream instead of 50). The
  /// default keeps a thread's handshake rate (about 1,000-3,000 a second, CPU
  /// bound) up to a round trip of about 100 ms; on a more distant server a
  /// burst of thousands takes longer (a round trip per handshake, this many
  /// at a time).
  std::size_t max_handshakes_in_flight = 128;
};

/// What a hook learns about the operation it reports on.
struct request_info {
  std::uint64_t sequence;      ///< numbers the client's operations: 1, 2, ... (not the server's request-id)
  std::string_view operation;  ///< "create", "stream" or "count_tokens"
  std::string_view target;     ///< the request target, e.g. "/v1/messages"
};

/// Why and when a request is tried again.
struct retry_info {
  unsigned retry;                    ///< 1 for the first retry
  int http_status;                   ///< 0 when the attempt failed before a response
  boost::system::error_code error;   ///< what the failed attempt ended with
  std::chrono::milliseconds delay;   ///< wait before the next attempt
};

/// Optional callbacks for logging and metrics. Unset members cost one test for
/// emptiness. They are called on the client's executor, must not throw and must
/// not start operations on the same client synchronously (post them instead).
/// Nothing handed to a hook contains the API key or auth token.
struct client_hooks {
  /// An operation (async_create, async_stream or async_count_tokens) starts.
  std::function<void(const request_info&)> on_request_start;
  /// A response head arrived (any status, each attempt): its status, headers,
  /// request id and rate-limit headers.
  std::function<void(const request_info&, const response_metadata&)> on_response;
  /// A failed attempt is going to be retried.
  std::function<void(const request_info&, const retry_info&)> on_retry;
  /// A message finished (create, or a stream at message_stop) with this usage.
  std::function<void(const request_info&, const anthropic::usage&)> on_usage;
  /// An operation ended; for a stream, when its last event or error was delivered.
  std::function<void(const request_info&, boost::system::error_code)> on_request_end;
};

/// Settings of one call, given before its completion token: they override or
/// extend the client's (client_options) for that call only, on the client's
/// pool and TLS sessions.
struct request_options {
  /// Extra headers; one named like a client header replaces it for this call.
  /// Validated as the client's are (client_errc::invalid_header_value, nothing
  /// sent); the framing headers (host, content-length, transfer-encoding,
  /// connection, upgrade, te, trailer, expect) cannot be set.
  std::vector<std::pair<std::string, std::string>> headers{};
  /// Betas added to the client's in `anthropic-beta` (duplicates sent once).
  std::vector<std::string> betas{};
  /// Replaces client_options::timeouts for this call.
  std::optional<timeout_options> timeouts{};
  /// Replaces client_options::retry for this call.
  std::optional<retry_policy> retry{};
  /// Sent as `idempotency-key` when not empty, the same on every retry, for a
  /// server or gateway that deduplicates requests by it.
  std::string idempotency_key{};
  /// Replaces client_options::stream_long_requests for this call.
  std::optional<bool> stream_long_requests{};
};

/// Client configuration. Defaults match the official SDKs.
struct client_options {
  /// Where requests go: "https://api.anthropic.com", a router such as
  /// "https://llm.onerouter.pro", a base with a path prefix ("https://host/prefix"),
  /// or "http://127.0.0.1:8080" for a local server. Without a scheme, https is used.
  std::string base_url = "https://api.anthropic.com";
  std::string api_key;      ///< sent as `x-api-key` when non-empty
  std::string auth_token;   ///< sent as `Authorization: Bearer` when non-empty
  std::string anthropic_version = "2023-06-01";   ///< the `anthropic-version` header ("" = not sent)
  std::vector<std::string> betas;                 ///< joined with commas into `anthropic-beta`
  /// Extra request headers, sent as given after the library's own.
  std::vector<std::pair<std::string, std::string>> headers;
  anthropic::retry_policy retry;
  timeout_options timeouts;
  tls_options tls;
  /// An HTTP proxy, "http://[user:password@]host[:port]" ("" = none): port 80
  /// when absent, user and password percent-encoded. An https:// base URL is
  /// reached through a CONNECT tunnel (TLS end to end, verified against the
  /// API's host, never the proxy's); an http:// one with absolute-form requests.
  /// Anything else (an https:// or SOCKS proxy, a path) fails every operation
  /// with client_errc::invalid_proxy_url. Used as set: NO_PROXY plays a part
  /// only in from_env() and proxy_from_env(), which fill it.
  std::string proxy;
  /// Open connections to the host at most (busy and idle); further requests wait in FIFO order.
  std::size_t max_connections = 64;
  /// An idle pooled connection older than this is closed instead of reused.
  std::chrono::milliseconds idle_connection_expiry{std::chrono::seconds(30)};
  std::size_t max_event_size = 16 * 1024 * 1024;      ///< one stream event, bytes (client_errc::event_too_large)
  std::size_t max_response_size = 64 * 1024 * 1024;   ///< a non-streamed body, bytes (client_errc::response_too_large)
  /// A stream's accumulated message, bytes of text, thinking, tool input and other
  /// content (client_errc::message_too_large); 0 = the same as max_response_size.
  /// The events handed out before the limit struck stay valid.
  std::size_t max_message_size = 0;
  /// async_create with a `max_tokens` whose generation may outlast the 10
  /// minutes a non-streamed reply is given (3600 s x max_tokens / 128,000 >
  /// 600 s, or above a model's non-streaming cap; the official SDKs' rule) is
  /// sent as a stream and accumulated: the caller still gets one `message`.
  /// False: such calls fail with client_errc::streaming_required and nothing
  /// is sent, as the SDKs do.
  bool stream_long_requests = true;
  client_hooks hooks;

  /// Defaults, with `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` and
  /// `ANTHROPIC_BASE_URL` taken from the environment when set and non-empty,
  /// and `proxy` from proxy_from_env(base_url).
  static client_options from_env() {
    client_options opts;
    auto read = [](const char* name, std::string& into) {
      if (const char* value = std::getenv(name); value && *value) into = value;
    };
    read("ANTHROPIC_API_KEY", opts.api_key);
    read("ANTHROPIC_AUTH_TOKEN", opts.auth_token);
    read("ANTHROPIC_BASE_URL", opts.base_url);
    opts.proxy = proxy_from_env(opts.base_url);
    return opts;
  }

  /// The proxy the environment names for `base_url` ("" = none): `https_proxy`
  /// or `HTTPS_PROXY` for an https:// base, `http_proxy` or `HTTP_PROXY` for an
  /// http:// one (the lowercase one wins; HTTP_PROXY is ignored in a CGI
  /// program), none when `no_proxy` or `NO_PROXY` lists the base URL's host.
  /// For a base URL set after from_env(). Details: detail::proxy_from_environment.
  static std::string proxy_from_env(std::string_view base_url) {
    return detail::proxy_from_environment(base_url, [](const char* name) { return std::getenv(name); });
  }
};

}  // namespace anthropic
