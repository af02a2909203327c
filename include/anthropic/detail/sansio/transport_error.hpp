// What a failed I/O step means: worth another attempt or not, and how to report
// it. Kept apart from the I/O code so that every rule is in one place.
#pragma once

#include <anthropic/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

namespace anthropic::detail {

/// Failures before any response byte that another attempt may cure: refused or
/// reset connections, a stale keep-alive socket, slow phases. Cancellation, the
/// whole-request deadline, an untrusted certificate, a response that is not
/// HTTP and configuration errors are final. The caller also checks that no
/// response byte arrived: after that the request may have been processed.
inline bool is_retryable_transport_error(const boost::system::error_code& ec) noexcept {
  if (ec == boost::asio::error::operation_aborted) return false;
  if (ec.category() == client_category()) {
    switch (static_cast<client_errc>(ec.value())) {
      case client_errc::resolve_timeout:
      case client_errc::connect_timeout:
      case client_errc::tls_handshake_timeout:
      case client_errc::response_head_timeout: return true;
      default: return false;
    }
  }
  return ec.category() != api_category();
}

/// The peer ended the connection (plain EOF, TLS without close_notify, Beast's
/// message cut short) rather than failing it (a reset) or sending garbage.
inline bool is_connection_end(const boost::system::error_code& ec) noexcept {
  namespace http = boost::beast::http;
  return ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated ||
         ec == http::error::end_of_stream || ec == http::error::partial_message;
}

/// Bytes that Beast's parser refused: not HTTP/1.1 (a garbled status line or
/// header, a bad or doubled Content-Length, bad chunk framing, a head over the limit).
inline bool is_http_syntax_error(const boost::system::error_code& ec) noexcept {
  namespace http = boost::beast::http;
  return ec.category() == make_error_code(http::error::bad_version).category() && !is_connection_end(ec) &&
         ec != http::error::need_buffer;
}

/// A failure while reading a response, as the caller reports it: syntax errors
/// become client_errc::invalid_response, an early end `truncated` (the code of
/// the kind of body: response_truncated, stream_truncated), anything else (a
/// reset, a timeout) stays as it is. `detail` receives the lower layer's words.
inline boost::system::error_code classify_read_failure(const boost::system::error_code& ec, client_errc truncated,
                                                       std::string& detail) {
  if (is_http_syntax_error(ec)) {
    detail = ec.message();
    return make_error_code(client_errc::invalid_response);
  }
  if (is_connection_end(ec)) {
    // Asio words a TLS close without close_notify "stream truncated", which in
    // a non-streamed reply would read like the failure of a stream.
    detail = ec == boost::asio::ssl::error::stream_truncated
                 ? "the connection ended early (closed without a TLS close_notify)"
                 : "the connection ended early (" + ec.message() + ")";
    return make_error_code(truncated);
  }
  return ec;
}

}  // namespace anthropic::detail
