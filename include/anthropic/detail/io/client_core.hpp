// The state a client's operations share: validated configuration, the TLS context,
// the connection pool, and the hooks. Owned through shared_ptr by the client and by
// every running operation, so an operation never outlives what it uses.
#pragma once

#include <anthropic/detail/io/pool.hpp>
#include <anthropic/detail/io/tls.hpp>
#include <anthropic/detail/sansio/http_request.hpp>
#include <anthropic/detail/sansio/proxy.hpp>
#include <anthropic/detail/sansio/url.hpp>
#include <anthropic/error.hpp>
#include <anthropic/options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/fields.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string_view>

namespace anthropic::detail {

class client_core {
 public:
  client_core(boost::asio::any_io_executor ex, client_options opts)
      : executor_(std::move(ex)), options_(std::move(opts)), tls_context_(boost::asio::ssl::context::tls_client) {
    // Configuration errors are kept and reported by every operation, so that a
    // constructor never throws over a typo in an environment variable.
    config_error_ = parse_base_url(options_.base_url, url_);
    if (config_error_) config_diag_.client_message = "cannot use base URL '" + redacted_url(options_.base_url) + "'";
    if (!config_error_ && !options_.proxy.empty()) config_error_ = configure_proxy();
    if (!config_error_) config_error_ = make_common_headers(options_, url_, common_headers_, config_diag_);
    if (!config_error_ && url_.use_tls) config_error_ = configure_tls_context(options_.tls, tls_context_, config_diag_);
    pool_ = std::make_unique<connection_pool>(executor_, tls_context_, url_.use_tls, options_.max_connections,
                                              options_.idle_connection_expiry, proxy_ ? &*proxy_ : nullptr);
  }

  client_core(const client_core&) = delete;
  client_core& operator=(const client_core&) = delete;

  ~client_core() { pool_->close_idle(); }

  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  const client_options& options() const noexcept { return options_; }
  const base_url& url() const noexcept { return url_; }
  const boost::beast::http::fields& common_headers() const noexcept { return common_headers_; }
  connection_pool& pool() noexcept { return *pool_; }

  /// A configuration problem found at construction, reported by every operation.
  boost::system::error_code config_error(diagnostics& diag) const {
    if (config_error_) diag = config_diag_;
    return config_error_;
  }

  /// Identifies one operation in hooks.
  request_info new_request(std::string_view operation, std::string_view target) noexcept {
    return {++request_counter_, operation, target};
  }

  /// Tells hooks.on_request_end, if set, that an operation ended with `ec`.
  void report_request_end(const request_info& info, boost::system::error_code ec) const {
    if (options_.hooks.on_request_end) options_.hooks.on_request_end(info, ec);
  }

  /// A number in [0, 1) for retry jitter.
  double random01() { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }

 private:
  boost::system::error_code configure_proxy() {
    proxy_url proxy;
    if (auto ec = parse_proxy_url(options_.proxy, proxy, config_diag_.client_message)) return ec;
    proxy_ = make_proxy_route(proxy, url_);
    return {};
  }

  boost::asio::any_io_executor executor_;
  client_options options_;
  base_url url_;
  boost::beast::http::fields common_headers_;
  boost::system::error_code config_error_;
  diagnostics config_diag_;
  std::optional<proxy_route> proxy_;  // outlives the pool's connections, which point to it
  boost::asio::ssl::context tls_context_;
  // Both outlive the pool's connections.
  handshake_gate handshakes_{options_.tls.wait_for_first_session, options_.tls.max_handshakes_in_flight};
  tls_session_cache tls_sessions_{tls_context_.native_handle(), handshakes_};
  std::unique_ptr<connection_pool> pool_;
  std::uint64_t request_counter_ = 0;
  std::minstd_rand random_{std::random_device{}()};
};

}  // namespace anthropic::detail
