// TLS set-up: the client's context (system trust store plus extra CAs), per-connection
// SNI and host-name checks, and telling a failed verification apart from other errors.
#pragma once

#include <anthropic/detail/io/handshake_gate.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <mutex>
#include <string>

namespace anthropic::detail {

/// The system's trusted CAs (SSL_CERT_FILE and SSL_CERT_DIR honoured, as by
/// SSL_CTX_set_default_verify_paths), parsed by the first client that needs them
/// and reused by every later one: clients without extra CAs use this store
/// itself, the others copy its certificates by reference (add_system_trust).
/// Parsing the CA bundle costs about 20 ms of CPU and 0.8 MB of heap under
/// OpenSSL 3.0 (Debian 12: 144 certificates), which a process that makes a
/// client per tenant, or per task, would otherwise pay every time. OpenSSL's
/// store is safe to share between contexts and threads: no client adds to it,
/// and its directory lookup caches what it reads under the store's lock. Kept
/// for the life of the process. Null only when OpenSSL cannot allocate one.
inline X509_STORE* shared_system_trust_store() {
  static X509_STORE* const store = [] {
    X509_STORE* made = X509_STORE_new();
    // A minimal container may have no system store: the empty one trusts nothing.
    if (made) X509_STORE_set_default_paths(made);
    ERR_clear_error();
    return made;
  }();
  return store;
}

/// Gives a client's own store (one with extra CAs) the system's trusted CAs
/// without parsing them again: the shared store's certificates, by reference,
/// and the hashed directory for any found there only on demand, as
/// SSL_CTX_set_default_verify_paths would add it. Revocation lists are not
/// copied: this client never asks for revocation checks.
inline void add_system_trust(X509_STORE* own) {
  if (X509_STORE* shared = shared_system_trust_store()) {
    if (STACK_OF(X509)* certs = X509_STORE_get1_all_certs(shared)) {
      for (int i = 0; i < sk_X509_num(certs); ++i) X509_STORE_add_cert(own, sk_X509_value(certs, i));
      sk_X509_pop_free(certs, X509_free);
    }
  }
  if (X509_LOOKUP* dir = X509_STORE_add_lookup(own, X509_LOOKUP_hash_dir()))
    X509_LOOKUP_add_dir(dir, nullptr, X509_FILETYPE_DEFAULT);  // SSL_CERT_DIR, else OpenSSL's default
  ERR_clear_error();
}

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
  // Without extra CAs the store is the system's alone: the shared one. With them,
  // the client's own store holds the system's CAs and its extras together.
  if (opts.ca_file.empty() && opts.ca_pem.empty()) {
    X509_STORE* shared = shared_system_trust_store();
    if (shared && X509_STORE_up_ref(shared) == 1) SSL_CTX_set_cert_store(ctx.native_handle(), shared);
  } else {
    add_system_trust(SSL_CTX_get_cert_store(ctx.native_handle()));
  }
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
/// Also the way a connection finds its client's handshake_gate, told here when
/// the first session arrives.
class tls_session_cache {
 public:
  tls_session_cache(SSL_CTX* ctx, handshake_gate& gate) : ctx_(ctx), gate_(gate) {
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

  /// The gate of the client `ssl` belongs to (null for an SSL object of another context).
  static handshake_gate* gate_of(SSL* ssl) {
    auto* self = of(ssl);
    return self ? &self->gate_ : nullptr;
  }

  /// Offers the cached session, if any, to a connection about to shake hands.
  ///
  /// Each connection gets its own copy: OpenSSL treats a TLS 1.3 session as
  /// single use and marks the object a connection resumed as not resumable,
  /// so sharing the cached object would leave every other connection started
  /// before the next ticket arrives to a full handshake. One ticket thus
  /// serves a whole burst of connections. RFC 8446 (C.4) advises against
  /// reusing a ticket for the privacy of clients that could otherwise not be
  /// linked; this client's connections all carry the same API key, so there
  /// is nothing to unlink, and a server that refuses a reused ticket only
  /// costs a full handshake.
  static void offer(SSL* ssl) {
    auto* self = of(ssl);
    if (!self) return;
    std::lock_guard lock(self->mutex_);
    if (!self->session_ || !SSL_SESSION_is_resumable(self->session_)) return;
    if (SSL_SESSION* copy = SSL_SESSION_dup(self->session_)) {
      SSL_set_session(ssl, copy);  // takes its own reference
      SSL_SESSION_free(copy);
    }
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
    {
      std::lock_guard lock(self->mutex_);
      if (self->session_) SSL_SESSION_free(self->session_);
      self->session_ = copy;
    }
    self->gate_.session_arrived();
    return 0;
  }

  SSL_CTX* ctx_;
  handshake_gate& gate_;
  std::mutex mutex_;
  SSL_SESSION* session_ = nullptr;
};

/// Prepares one connection's SSL object: SNI for host names (not IP literals,
/// RFC 6066) and, when verifying, OpenSSL's own host-name or IP check, so that a
/// mismatch fails the handshake with a verification error that names the cause.
/// The session to resume is offered later, once the connection's turn comes.
inline boost::system::error_code prepare_tls_session(SSL* ssl, const std::string& host, bool verify) {
  boost::system::error_code ip_ec;
  auto address = boost::asio::ip::make_address(host, ip_ec);
  (void)address;
  const bool is_ip = !ip_ec;
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
