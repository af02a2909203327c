// anthropic::testing::mock_server: an Anthropic-compatible HTTP/1.1 server on
// 127.0.0.1 for tests, examples and demos. It answers POST /v1/messages (plain
// and streamed), POST /v1/messages/count_tokens, the models endpoints (a fixed
// catalogue, paged), Message Batches (processed in the background by the
// same message logic) and the Files API (kept in memory) with deterministic replies derived from the request,
// validates requests the way the API does, records every request, and plays
// scripted replies (errors, delays, stalls, truncation, malformed streams...)
// in FIFO order.
//
//   anthropic::testing::mock_server server(io.get_executor());
//   server.enqueue(reply::error(429, "rate_limit_error", "slow down").header("retry-after", "1"));
//   // point a client at server.base_url(), trusting server.ca_pem()
//
// HTTPS uses a CA and a server certificate generated in memory at start-up
// (EC P-256); plain HTTP is an option. One SSL_CTX is shared by all connections,
// and a connection keeps only what it needs between requests, so one thread can
// hold tens of thousands of open streams.
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/options.hpp>
#include <anthropic/testing/detail/reply_script.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace anthropic::testing {

/// How a mock_server behaves when no reply is scripted.
struct mock_server_options {
  /// HTTPS with an in-memory certificate (trust ca_pem()); false: plain HTTP.
  bool use_tls = true;
  /// The port on 127.0.0.1 to listen on; 0 picks a free one (see port()).
  unsigned short port = 0;
  /// Non-empty: every request must carry `x-api-key: <key>` or
  /// `Authorization: Bearer <key>`, otherwise 401 authentication_error.
  std::string api_key;
  /// Number of text_delta events (and output tokens) of a default text reply.
  std::size_t tokens_per_reply = 12;
  /// Pause between consecutive events of every streamed reply.
  std::chrono::milliseconds event_delay{0};
  /// Subject alternative names of the server certificate; entries that parse as
  /// an IP address become IP SANs, the rest DNS SANs.
  std::vector<std::string> certificate_names{"localhost", "127.0.0.1"};
  /// How long a Message Batch stays "in_progress" before its requests are
  /// answered (by the default message logic) and it ends.
  std::chrono::milliseconds batch_processing_time{100};
  /// The largest file an upload may carry (the API's limit: 500 MB); a larger
  /// one gets 413 request_too_large. Files are kept in memory.
  std::uint64_t max_file_size = 500ull * 1024 * 1024;
};

/// A request as the server received it.
struct recorded_request {
  std::string method;                  ///< "POST", "GET", ...
  std::string target;                  ///< path and query, e.g. "/v1/messages"
  boost::beast::http::fields headers;  ///< every header field as sent
  std::string body;                    ///< the body, unparsed
  std::size_t connection_id = 0;       ///< 1 for the first accepted connection, then 2, ...
  bool tls_resumed = false;            ///< its connection's TLS handshake resumed an earlier session
};

/// A scripted response, built fluently:
/// @code
/// reply::error(429, "rate_limit_error", "slow down").header("retry-after", "1")
/// reply::stream().stall_after_events(3, 10s)
/// reply::stream().error_event_after(4, "overloaded_error", "Overloaded")
/// reply::default_reply().delay_head(200ms).connection_close()
/// @endcode
/// Event counts ("after N events") count the events written before the fault,
/// so 0 means "before the first event". Faults of streams apply to every
/// text/event-stream body (default streams and sse()); the byte and framing
/// options apply to every reply.
class reply {
 public:
  /// What the server would answer anyway (the endpoint's default behaviour,
  /// including validation errors); useful to add delays or framing choices.
  static reply default_reply() { return reply{}; }

  /// The default message for the request, streamed even if the request did not
  /// ask for a stream.
  static reply stream() {
    reply r;
    r.script_.kind = detail::reply_script::source::message_stream;
    return r;
  }

  /// An API error: `status` with the body
  /// `{"type":"error","error":{"type":type,"message":message},"request_id":...}`.
  static reply error(unsigned status, std::string type, std::string message) {
    reply r = fixed(status, "application/json", {});
    r.script_.error_type = std::move(type);
    r.script_.error_message = std::move(message);
    return r;
  }

  /// A JSON body sent verbatim (it need not be valid JSON).
  static reply json(std::string body, unsigned status = 200) {
    return fixed(status, "application/json", std::move(body));
  }

  /// An SSE transcript sent verbatim as a 200 text/event-stream body; the stream
  /// faults split it at its blank lines.
  static reply sse(std::string transcript) {
    reply r = fixed(200, "text/event-stream", std::move(transcript));
    r.script_.body_is_sse = true;
    return r;
  }

  /// Replaces the HTTP status the reply would otherwise have (e.g. a default
  /// message sent with status 500, or a JSON body with 202).
  reply& status(unsigned code) {
    script_.status_override = code;
    return *this;
  }
  /// Sets a response header (replacing a default one of that name, e.g.
  /// content-type or request-id). Retry hints: retry-after, retry-after-ms, x-should-retry.
  reply& header(std::string_view name, std::string_view value) {
    script_.headers.set(name, value);
    return *this;
  }
  /// Waits before sending the response head.
  reply& delay_head(std::chrono::milliseconds d) {
    script_.head_delay = d;
    return *this;
  }
  /// Waits before sending the first byte of the body (after the head).
  reply& delay_body(std::chrono::milliseconds d) {
    script_.body_delay = d;
    return *this;
  }
  /// Sends `bytes` verbatim before the response head, e.g. interim heads:
  /// "HTTP/1.1 100 Continue\r\n\r\n" or "HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n".
  reply& before_head(std::string bytes) {
    script_.before_head = std::move(bytes);
    return *this;
  }
  /// Sends `bytes` verbatim instead of a response (a garbled status line, a
  /// head cut in half, duplicate Content-Length...), then closes the connection
  /// (or, with hold_body_open(), leaves it open: half a head, then silence).
  static reply raw(std::string bytes) {
    reply r;
    r.script_.raw_response = std::move(bytes);
    return r;
  }
  /// Sends the whole chunked body but never its end (the last chunk); the
  /// connection stays open until the client closes it or the server stops. A
  /// stream then has its message_stop and no end of body. (A Content-Length
  /// body is complete without an end marker: for those use stall_after_bytes.)
  reply& hold_body_open() {
    script_.hold_body_open = true;
    return *this;
  }
  /// Closes the socket instead of answering (after delay_head, if any).
  reply& reset_before_head() {
    script_.reset_before_head = true;
    return *this;
  }
  /// After `events` events, pauses for `d` (once), then goes on.
  reply& stall_after_events(std::size_t events, std::chrono::milliseconds d) {
    script_.stall_after = events;
    script_.stall_duration = d;
    return *this;
  }
  /// Drops the connection once `bytes` bytes of the body (not counting chunk
  /// framing) are sent; no effect if the body is shorter.
  reply& close_after_bytes(std::size_t bytes) {
    script_.close_after_body_bytes = bytes;
    return *this;
  }
  /// Like close_after_bytes(), with a TCP reset (RST) instead of a FIN.
  reply& reset_after_bytes(std::size_t bytes) {
    script_.close_after_body_bytes = bytes;
    script_.drop_with_reset = true;
    return *this;
  }
  /// Once `bytes` bytes of the body are sent, pauses for `d` (once), then goes on.
  reply& stall_after_bytes(std::size_t bytes, std::chrono::milliseconds d) {
    script_.stall_after_body_bytes = bytes;
    script_.body_stall = d;
    return *this;
  }
  /// Replaces the body's bytes from offset `bytes` on with 0x01 bytes, keeping
  /// its length and framing: garbage where JSON or SSE should be.
  reply& corrupt_after_bytes(std::size_t bytes) {
    script_.corrupt_after_body_bytes = bytes;
    return *this;
  }
  /// After `events` events, resets the connection (TCP RST).
  reply& reset_after_events(std::size_t events) {
    script_.drop_after_events = events;
    script_.drop_with_reset = true;
    return *this;
  }
  /// After `events` events, sends bytes that break the chunked framing, then
  /// drops the connection.
  reply& bad_chunk_after_events(std::size_t events) {
    script_.bad_chunk_after_events = events;
    return *this;
  }
  /// After `events` events, sends `event: error` with this type and message and
  /// ends the stream (as the API does when it fails after a 200).
  reply& error_event_after(std::size_t events, std::string type, std::string message) {
    script_.error_event_after = events;
    script_.error_event_type = std::move(type);
    script_.error_event_message = std::move(message);
    return *this;
  }
  /// After `events` events, sends bytes that are not SSE (an HTML error page, as
  /// a broken proxy would) and drops the connection.
  reply& malformed_sse(std::size_t events = 2) {
    script_.malformed_sse_after = events;
    return *this;
  }
  /// After `events` events, inserts a content_block_delta whose data is not
  /// valid JSON; the rest of the stream follows.
  reply& malformed_json_event(std::size_t events = 2) {
    script_.malformed_json_after = events;
    return *this;
  }
  /// After `events` events, inserts a valid `ping` event of about `bytes` bytes.
  reply& huge_event(std::size_t bytes, std::size_t events = 3) {
    script_.huge_event_after = events;
    script_.huge_event_bytes = bytes;
    return *this;
  }
  /// Writes the whole response (head included) one byte per write.
  reply& one_byte_writes() {
    script_.one_byte_writes = true;
    return *this;
  }
  /// Sends `Connection: close` and closes the connection after the response.
  reply& connection_close() {
    script_.close_connection = true;
    return *this;
  }
  /// Chunked transfer encoding (true) or a Content-Length (false). Default:
  /// chunked for streams, Content-Length otherwise.
  reply& chunked(bool on = true) {
    script_.body_framing = on ? detail::reply_script::framing::chunked : detail::reply_script::framing::content_length;
    return *this;
  }
  /// Neither Content-Length nor chunked: the body ends when the server closes
  /// the connection (HTTP/1.0 style); implies connection_close().
  reply& close_delimited() {
    script_.body_framing = detail::reply_script::framing::close_delimited;
    script_.close_connection = true;
    return *this;
  }

  /// The script (for the server; not part of the stable API).
  const detail::reply_script& script() const noexcept { return script_; }

 private:
  static reply fixed(unsigned status, std::string content_type, std::string body) {
    reply r;
    r.script_.kind = detail::reply_script::source::fixed;
    r.script_.status = status;
    r.script_.content_type = std::move(content_type);
    r.script_.body = std::move(body);
    return r;
  }

  detail::reply_script script_;
};

/// What the server does to a connection instead of serving it.
enum class connection_fault {
  reset,    ///< a TCP reset right after accepting it
  stall,    ///< accepts it and then never answers (nor completes a TLS handshake)
  not_tls,  ///< answers the TLS handshake with plain-text HTTP, then closes
};

namespace detail {
class mock_server_state;
}  // namespace detail

/// A scripted Anthropic-compatible server on 127.0.0.1 (ephemeral port).
///
/// Thread safety: enqueue(), fail_next_connections(), requests(), connections_accepted(), port(),
/// base_url() and ca_pem() may be called from any thread while the server runs.
/// All I/O runs on one strand of the given executor (or on the server's own
/// thread).
class mock_server {
 public:
  /// Starts serving on `ex` (e.g. the io_context of the client under test).
  /// Throws std::system_error if it cannot bind, std::runtime_error if the
  /// certificate cannot be generated.
  ANTHROPIC_DECL explicit mock_server(boost::asio::any_io_executor ex, mock_server_options opts = {});

  /// Starts serving on a thread of its own.
  ANTHROPIC_DECL explicit mock_server(mock_server_options opts = {});

  mock_server(const mock_server&) = delete;
  mock_server& operator=(const mock_server&) = delete;

  /// Stops and closes every connection (see stop()).
  ANTHROPIC_DECL ~mock_server();

  /// Stops accepting and closes every open connection (streams in progress end
  /// abruptly). With its own thread, returns once that thread has finished;
  /// on a caller's executor, the close runs on that executor (immediately when
  /// called from it). Idempotent.
  ANTHROPIC_DECL void stop();

  /// The port the server listens on (127.0.0.1).
  ANTHROPIC_DECL unsigned short port() const noexcept;

  /// "https://127.0.0.1:PORT", or "http://127.0.0.1:PORT" without TLS.
  ANTHROPIC_DECL std::string base_url() const;

  /// The PEM of the CA that signed the server certificate: what a client must
  /// trust. Empty without TLS.
  ANTHROPIC_DECL const std::string& ca_pem() const noexcept;

  /// Points a client's options at this server: its base URL, its CA trusted (with
  /// TLS), and its API key (a placeholder when it checks none) instead of any
  /// credentials from the environment. The other options are left as they are.
  ANTHROPIC_DECL void configure_client(client_options& opts) const;

  /// The next request (on any endpoint, in arrival order) gets `r`; requests
  /// find the default behaviour once the queue is empty.
  void enqueue(reply r) { enqueue(std::move(r), 1); }
  /// The next `times` requests get `r`.
  ANTHROPIC_DECL void enqueue(reply r, std::size_t times);

  /// The next `count` accepted connections suffer `fault` instead of being
  /// served (before the TLS handshake; no request is read or recorded).
  ANTHROPIC_DECL void fail_next_connections(connection_fault fault, std::size_t count = 1);

  /// A snapshot of every request received so far, in arrival order.
  ANTHROPIC_DECL std::vector<recorded_request> requests() const;

  /// Ends a Message Batch at once, its requests not yet processed counted as
  /// expired (as when the API's 24-hour window runs out). False when no batch
  /// has this id.
  ANTHROPIC_DECL bool expire_batch(std::string_view batch_id);

  /// Stores a file as if a tool (code execution) had made it, downloadable by
  /// default (uploaded files are not, as with the API); returns its id.
  ANTHROPIC_DECL std::string add_file(std::string filename, std::string mime_type, std::string bytes,
                                      bool downloadable = true);

  /// How many TCP connections were accepted so far.
  ANTHROPIC_DECL std::size_t connections_accepted() const noexcept;

 private:
  std::unique_ptr<boost::asio::io_context> own_context_;  // only for the own-thread constructor
  std::shared_ptr<detail::mock_server_state> state_;
  std::thread thread_;
};

}  // namespace anthropic::testing

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/testing/impl/mock_server.ipp>
#endif
