// TLS set-up: the client's context (system trust store plus extra CAs), per-connection
// SNI and host-name checks, and telling a failed verification apart from other errors.
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace anthropic::detail {

/// Configures `ctx` from the options: TLS 1.2 or newer, the system trust store, the
/// extra CA file and PEM, and peer verification unless disabled. Errors (an
/// unreadable CA file, bad PEM) come back with diag.client_message saying which input failed.
inline boost::system::error_code configure_tls_context(const tls_options& opts, boost::asio::ssl::context& ctx,
                                                       diagnostics& diag) {
  namespace ssl = boost::asio::ssl;
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                  ec);
  if (ec) return ec;
  // The system store may be missing in a minimal container; extra CAs can still work.
  ctx.set_default_verify_paths(ec);
  ec.clear();
  if (!opts.ca_file.empty()) {
    ctx.load_verify_file(opts.ca_file, ec);
    if (ec) {
      diag.client_message = "cannot load the CA file '" + opts.ca_file + "'";
      return ec;
    }
  }
  if (!opts.ca_pem.empty()) {
    ctx.add_certificate_authority(boost::asio::buffer(opts.ca_pem), ec);
    if (ec) {
      diag.client_message = "cannot load the CA certificates given as PEM text";
      return ec;
    }
  }
  ctx.set_verify_mode(opts.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
  return ec;
}

/// Keeps the newest TLS session the server handed out, so that each new connection
/// to the host resumes it: an abbreviated handshake, without the certificate chain
/// to decode and verify again, which is most of a full handshake's client CPU.
/// One per client (a client talks to one host, so a session is never offered to
/// another server); installed on the client's TLS context, found from a connection's
/// SSL object through that context. Sessions come only from handshakes that passed
/// verification. Thread-safe: OpenSSL calls back from whichever thread reads.
///
/// Handshake storms: a burst of connections opened before any session exists
/// (a thousand streams started at once) would all make full handshakes. With
/// `wait_for_first_session`, the first of them goes ahead (the pioneer) and
/// the others wait until its session arrives (the server's first ticket), at
/// most `first_session_wait`, then resume it.
class tls_session_cache {
 public:
  /// How long connections wait for the pioneer's session before making full
  /// handshakes of their own (a server that hands out no tickets).
  static constexpr std::chrono::milliseconds first_session_wait{1000};

  /// What a connection about to shake hands should do.
  enum class turn {
    go,       ///< shake hands now (resuming the cached session, if any)
    pioneer,  ///< shake hands now; call pioneer_ended() if that fails
    wait      ///< wait with async_wait_for_session first
  };

  explicit tls_session_cache(SSL_CTX* ctx, bool wait_for_first_session = true)
      : ctx_(ctx), gating_(wait_for_first_session) {
    // NO_INTERNAL_STORE: OpenSSL's own client cache is never consulted by clients anyway.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, &on_new_session);
    SSL_CTX_set_ex_data(ctx, slot(), this);
  }
  tls_session_cache(const tls_session_cache&) = delete;
  tls_session_cache& operator=(const tls_session_cache&) = delete;
  ~tls_session_cache() {
    SSL_CTX_set_ex_data(ctx_, slot(), nullptr);
    if (session_) SSL_SESSION_free(session_);
  }

  /// Whether a connection about to shake hands should wait for a session.
  static turn take_turn(SSL* ssl) {
    auto* self = of(ssl);
    if (!self) return turn::go;
    std::lock_guard lock(self->mutex_);
    if (self->session_ || !self->gating_) return turn::go;
    if (self->pioneering_) return turn::wait;
    self->pioneering_ = true;
    return turn::pioneer;
  }

  /// The pioneer's handshake failed or was abandoned: those waiting go ahead.
  static void pioneer_ended(SSL* ssl) {
    if (auto* self = of(ssl)) {
      std::lock_guard lock(self->mutex_);
      self->release_waiters();
    }
  }

  /// Waits (on `timer`, which must stay alive until then) until a session is
  /// cached or the pioneer's handshake ended, at most first_session_wait (then
  /// waiting is given up for good: the server hands out no tickets). The
  /// wait is registered under the lock, so a session that arrives meanwhile
  /// is never missed. Completes without an error in every case; cancel_wait
  /// ends it early.
  template <class CompletionToken>
  static auto async_wait_for_session(SSL* ssl, boost::asio::steady_timer& timer, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [ssl, &timer](auto handler) {
          auto* self = of(ssl);
          std::unique_lock lock(self->mutex_);
          timer.expires_after(first_session_wait);
          if (self->session_ || !self->pioneering_ || !self->gating_) timer.expires_at(clock_type::time_point::min());
          timer.async_wait([self, &timer, handler = std::move(handler)](boost::system::error_code ec) mutable {
            {
              std::lock_guard lock(self->mutex_);
              auto& w = self->waiters_;
              w.erase(std::remove(w.begin(), w.end(), &timer), w.end());
              // Expired without a session: the server gives none, stop making connections wait.
              if (!ec && !self->session_ && self->pioneering_) self->gating_ = false;
            }
            std::move(handler)(boost::system::error_code{});
          });
          self->waiters_.push_back(&timer);
        },
        token);
  }

  /// Ends a wait of async_wait_for_session early (the connection is closed).
  static void cancel_wait(SSL* ssl, boost::asio::steady_timer& timer) {
    if (auto* self = of(ssl)) {
      std::lock_guard lock(self->mutex_);
      timer.cancel();
    }
  }

  /// Offers the cached session, if any, to a connection about to shake hands.
  static void offer(SSL* ssl) {
    auto* self = of(ssl);
    if (!self) return;
    std::lock_guard lock(self->mutex_);
    if (self->session_ && SSL_SESSION_is_resumable(self->session_)) SSL_set_session(ssl, self->session_);
  }

 private:
  static int slot() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
  }
  static tls_session_cache* of(SSL* ssl) {
    return static_cast<tls_session_cache*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), slot()));
  }
  // Keeps a copy, not the session itself: OpenSSL marks a connection's current
  // session unresumable when that connection is closed without close_notify (as
  // pooled connections and servers that hang up are), though the ticket is fine.
  // Returning 0 leaves the original to OpenSSL.
  static int on_new_session(SSL* ssl, SSL_SESSION* session) {
    auto* self = of(ssl);
    SSL_SESSION* copy = self ? SSL_SESSION_dup(session) : nullptr;
    if (!copy) return 0;
    std::lock_guard lock(self->mutex_);
    if (self->session_) SSL_SESSION_free(self->session_);
    self->session_ = copy;
    self->release_waiters();
    return 0;
  }

  // Under the lock: the pioneer is done (a session arrived, or it failed).
  void release_waiters() {
    pioneering_ = false;
    for (auto* timer : waiters_) timer->cancel();
    waiters_.clear();
  }

  using clock_type = boost::asio::steady_timer::clock_type;

  SSL_CTX* ctx_;
  std::mutex mutex_;
  SSL_SESSION* session_ = nullptr;
  bool gating_;              // connections may wait for the pioneer's session
  bool pioneering_ = false;  // a pioneer's handshake is under way
  std::vector<boost::asio::steady_timer*> waiters_;
};

/// Prepares one connection's SSL object: the session to resume, SNI for host names
/// (not IP literals, RFC 6066) and, when verifying, OpenSSL's own host-name or IP check, so that a
/// mismatch fails the handshake with a verification error that names the cause.
inline boost::system::error_code prepare_tls_session(SSL* ssl, const std::string& host, bool verify) {
  boost::system::error_code ip_ec;
  auto address = boost::asio::ip::make_address(host, ip_ec);
  (void)address;
  const bool is_ip = !ip_ec;
  tls_session_cache::offer(ssl);
  if (!is_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1)
    return {static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()};
  if (!verify) return {};
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) : SSL_set1_host(ssl, host.c_str());
  if (ok != 1) return {static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()};
  return {};
}

/// True when a handshake error means the peer's certificate or name was not trusted.
inline bool is_verification_failure(const boost::system::error_code& ec) noexcept {
  return ec.category() == boost::asio::error::get_ssl_category() &&
         ERR_GET_LIB(static_cast<unsigned long>(ec.value())) == ERR_LIB_SSL &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

/// The explanation for a failed verification, e.g. "Hostname mismatch" or
/// "self-signed certificate", from OpenSSL's verify result.
inline std::string verification_failure_text(SSL* ssl, const std::string& host) {
  long result = SSL_get_verify_result(ssl);
  std::string text = "TLS certificate verification failed for '" + host + "': ";
  text += result == X509_V_OK ? "certificate not trusted" : X509_verify_cert_error_string(result);
  return text;
}

}  // namespace anthropic::detail
