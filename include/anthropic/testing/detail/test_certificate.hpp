// A throw-away certificate authority and server certificate, generated in memory
// with OpenSSL 3 when a mock_server starts: no files, no fixed keys in the tree.
// EC P-256 keys take well under a millisecond to generate, so every server gets
// its own.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace anthropic::testing::detail {

struct openssl_deleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter>;

[[noreturn]] inline void throw_openssl_failure(const char* what) {
  throw std::runtime_error(std::string("mock_server certificate generation failed: ") + what);
}

inline pkey_ptr generate_p256_key() {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw_openssl_failure("EVP_PKEY_Q_keygen");
  return key;
}

// Adds one v3 extension written in OpenSSL's config syntax ("critical,CA:TRUE").
inline void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, openssl_deleter> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) throw_openssl_failure("X509_add_ext");
}

// An unsigned certificate for `key`, issued by `issuer` (self-issued when null).
inline x509_ptr make_certificate(EVP_PKEY* key, const char* common_name, long serial, X509* issuer) {
  x509_ptr cert(X509_new());
  if (!cert) throw_openssl_failure("X509_new");
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  // Backdated by an hour so that a client clock slightly behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60L * 60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 60 * 60);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("anthropic-asio mock_server"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  return cert;
}

inline void sign(X509* cert, EVP_PKEY* issuer_key) {
  if (X509_sign(cert, issuer_key, EVP_sha256()) == 0) throw_openssl_failure("X509_sign");
}

inline std::string to_pem(X509* cert) {
  std::unique_ptr<BIO, openssl_deleter> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) throw_openssl_failure("PEM_write_bio_X509");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// "DNS:localhost,IP:127.0.0.1": names that parse as an address become IP entries,
// because clients check an IP host against IP SANs only.
inline std::string subject_alt_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(n, ec);
    if (!out.empty()) out += ',';
    out += (ec ? "DNS:" : "IP:") + n;
  }
  return out;
}

/// The server's TLS identity: a CA that clients trust (its PEM) and a leaf
/// certificate for the given names, signed by that CA. A separate CA (instead of
/// one self-signed leaf) keeps strict verifiers happy, which reject a CA
/// certificate used as a server certificate.
struct test_certificate {
  std::string ca_pem;
  pkey_ptr leaf_key;
  x509_ptr leaf;
  x509_ptr ca;

  explicit test_certificate(const std::vector<std::string>& names) {
    if (names.empty()) throw std::invalid_argument("mock_server: certificate_names must not be empty");
    pkey_ptr ca_key = generate_p256_key();
    ca = make_certificate(ca_key.get(), "anthropic-asio mock CA", 1, nullptr);
    add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    sign(ca.get(), ca_key.get());

    leaf_key = generate_p256_key();
    leaf = make_certificate(leaf_key.get(), names.front().c_str(), 2, ca.get());
    add_extension(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_extension(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    add_extension(leaf.get(), ca.get(), NID_subject_alt_name, subject_alt_names(names));
    sign(leaf.get(), ca_key.get());
    ca_pem = to_pem(ca.get());
  }

  /// Installs key and chain into a server context.
  void install(boost::asio::ssl::context& ctx) const {
    SSL_CTX* native = ctx.native_handle();
    if (SSL_CTX_use_certificate(native, leaf.get()) != 1 ||
        SSL_CTX_use_PrivateKey(native, leaf_key.get()) != 1 ||
        SSL_CTX_add1_chain_cert(native, ca.get()) != 1)
      throw_openssl_failure("installing the certificate");
  }
};

}  // namespace anthropic::testing::detail
