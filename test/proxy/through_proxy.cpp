// The client through a real HTTP proxy (tinyproxy, a child process) to
// mock_server over TLS with certificate verification, and through a scripted
// proxy for the answers tinyproxy will not give on demand.
#include "../client/fixture.hpp"
#include "proxies.hpp"

#include <anthropic/client.hpp>
#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

namespace asio = boost::asio;
using anthropic::client_errc;
using anthropic::test::client_fixture;
using anthropic::test::env_guard;
using anthropic::test::scripted_proxy;
using anthropic::test::tinyproxy_process;
using anthropic::test::without_retries;

namespace {

constexpr const char* proxy_password = "pr0xy-hunter2";

struct proxy_fixture : client_fixture {
  using client_fixture::client_fixture;

  /// Every text a failure produced: to be searched for secrets.
  std::vector<std::string> texts;

  /// Creates once on the no-throw path and once on the throwing one, keeping
  /// every text either gives (code message, diagnostics, what()).
  boost::system::error_code create_error(anthropic::client& client, anthropic::diagnostics& diag) {
    boost::system::error_code result;
    run([&]() -> asio::awaitable<void> {
      auto [ec, msg] = co_await client.async_create(sample_request(), diag, asio::as_tuple(asio::use_awaitable));
      result = ec;
      try {
        co_await client.async_create(sample_request());
      } catch (const anthropic::error_with_diagnostics& e) {
        texts.push_back(e.what());
      }
    }());
    for (const auto* text : {&diag.client_message, &diag.server_message, &diag.error_type, &diag.request_id})
      texts.push_back(*text);
    texts.push_back(result.message());
    return result;
  }

  std::string create_text(anthropic::client& client) {
    std::string text;
    run([&]() -> asio::awaitable<void> { text = (co_await client.async_create(sample_request())).text(); }());
    return text;
  }

  ~proxy_fixture() {
    for (const auto& t : texts) {
      BOOST_TEST(t.find(proxy_password) == std::string::npos, "proxy password leaked in: " << t);
      BOOST_TEST(t.find(anthropic::test::test_api_key) == std::string::npos, "key leaked in: " << t);
    }
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(through_tinyproxy, proxy_fixture)

BOOST_AUTO_TEST_CASE(create_and_stream_over_verified_tls) {
  tinyproxy_process proxy;
  auto opts = options();
  opts.proxy = proxy.url();
  BOOST_TEST(opts.tls.verify_peer);
  anthropic::client client(io.get_executor(), opts);
  BOOST_TEST(!create_text(client).empty());
  auto streamed = read_stream(client);
  BOOST_TEST(!streamed.error, streamed.error.message());
  BOOST_TEST(streamed.complete);
  BOOST_TEST(!streamed.delivered_text.empty());
  // Through the proxy: it tunnelled to the server's port, and the server saw
  // the requests (without any proxy header: it is inside TLS, end to end).
  const auto lines = proxy.request_lines();
  BOOST_TEST_REQUIRE(!lines.empty());
  BOOST_TEST(lines.front() == "CONNECT 127.0.0.1:" + std::to_string(server.port()) + " HTTP/1.1");
  const auto requests = server.requests();
  BOOST_TEST(requests.size() == 2u);
  for (const auto& r : requests) BOOST_TEST(r.headers.count("proxy-authorization") == 0u);
}

// A pooled connection is a tunnel: later requests reuse it, no new CONNECT.
BOOST_AUTO_TEST_CASE(pooled_tunnel_is_reused) {
  tinyproxy_process proxy;
  auto opts = options();
  opts.proxy = proxy.url();
  anthropic::client client(io.get_executor(), opts);
  for (int i = 0; i < 5; ++i) BOOST_TEST(!create_text(client).empty());
  BOOST_TEST(read_stream(client).complete);
  BOOST_TEST(proxy.connects() == 1u);
  BOOST_TEST(server.connections_accepted() == 1u);
  BOOST_TEST(server.requests().size() == 6u);
}

BOOST_AUTO_TEST_CASE(basic_auth_is_accepted) {
  tinyproxy_process proxy({.user = "alice", .password = "s3cret"});
  auto opts = options();
  opts.proxy = proxy.url("alice:s3cr%65t");  // percent-decoded to s3cret
  anthropic::client client(io.get_executor(), opts);
  BOOST_TEST(!create_text(client).empty());
  BOOST_TEST(proxy.connects() == 1u);
}

// tinyproxy 1.11 answers wrong credentials with 401 (and missing ones with
// 407): both are proxy_authentication_required, with the proxy's status.
BOOST_AUTO_TEST_CASE(wrong_credentials_fail_and_are_never_shown) {
  tinyproxy_process proxy({.user = "alice", .password = "s3cret"});
  auto opts = options();
  opts.proxy = proxy.url(std::string("alice:") + proxy_password);
  // Everything a hook is handed is searched too.
  opts.hooks.on_request_start = [&](const anthropic::request_info& i) { texts.emplace_back(i.target); };
  opts.hooks.on_retry = [&](const anthropic::request_info&, const anthropic::retry_info& r) {
    texts.push_back(r.error.message());
  };
  opts.hooks.on_request_end = [&](const anthropic::request_info&, boost::system::error_code ec) {
    texts.push_back(ec.message());
  };
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == client_errc::proxy_authentication_required));
  BOOST_TEST(diag.http_status == 401);
  BOOST_TEST(diag.client_message.find("127.0.0.1:" + std::to_string(proxy.port())) != std::string::npos,
             diag.client_message);
  BOOST_TEST(diag.client_message.find("did not accept the credentials") != std::string::npos, diag.client_message);
  BOOST_TEST(proxy.connects() == 2u);  // one per call: not retried
  BOOST_TEST(server.connections_accepted() == 0u);
  BOOST_TEST(proxy.log().find(proxy_password) == std::string::npos);  // nor did the proxy log it

  // No credentials at all: the same code, saying credentials are missing.
  opts.proxy = proxy.url();
  anthropic::client anonymous(io.get_executor(), opts);
  diag.clear();
  BOOST_TEST((create_error(anonymous, diag) == client_errc::proxy_authentication_required));
  BOOST_TEST(diag.http_status == 407);
  BOOST_TEST(diag.client_message.find("asks for credentials") != std::string::npos, diag.client_message);
}

// tinyproxy answers 500 when it cannot reach the origin: proxy_refused, not retried.
BOOST_AUTO_TEST_CASE(origin_unreachable_through_the_proxy) {
  tinyproxy_process proxy;
  unsigned short port = 0;
  {
    scripted_proxy probe(io, "");  // a port nobody listens on once it is gone
    port = probe.port();
  }
  auto opts = options();
  opts.proxy = proxy.url();
  opts.base_url = "https://127.0.0.1:" + std::to_string(port);
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == client_errc::proxy_refused));
  BOOST_TEST(diag.http_status == 500);
  BOOST_TEST(diag.client_message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos, diag.client_message);
  BOOST_TEST(proxy.connects() == 2u);
}

BOOST_AUTO_TEST_CASE(from_env_uses_https_proxy_unless_no_proxy_lists_the_host) {
  tinyproxy_process proxy;
  const std::string key = anthropic::test::test_api_key;
  {
    env_guard env{{"HTTPS_PROXY", proxy.url()},   {"https_proxy", std::nullopt}, {"NO_PROXY", std::nullopt},
                  {"no_proxy", std::nullopt},     {"ANTHROPIC_BASE_URL", server.base_url()},
                  {"ANTHROPIC_API_KEY", key},     {"ANTHROPIC_AUTH_TOKEN", std::nullopt}};
    auto opts = anthropic::client_options::from_env();
    BOOST_TEST(opts.proxy == proxy.url());
    opts.tls.ca_pem = server.ca_pem();
    anthropic::client client(io.get_executor(), opts);
    BOOST_TEST(!create_text(client).empty());
    BOOST_TEST(proxy.connects() == 1u);
  }
  {
    env_guard env{{"HTTPS_PROXY", proxy.url()},      {"https_proxy", std::nullopt},
                  {"NO_PROXY", "example.com, 127.0.0.1"}, {"no_proxy", std::nullopt},
                  {"ANTHROPIC_BASE_URL", server.base_url()}, {"ANTHROPIC_API_KEY", key},
                  {"ANTHROPIC_AUTH_TOKEN", std::nullopt}};
    auto opts = anthropic::client_options::from_env();
    BOOST_TEST(opts.proxy.empty());
    opts.tls.ca_pem = server.ca_pem();
    anthropic::client client(io.get_executor(), opts);
    BOOST_TEST(!create_text(client).empty());
    BOOST_TEST(proxy.connects() == 1u);  // the proxy saw nothing more
  }
  BOOST_TEST(server.connections_accepted() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// A plain http:// base URL through the proxy: absolute-form targets and
// Proxy-Authorization on every request, no CONNECT.
BOOST_AUTO_TEST_CASE(plain_http_through_the_proxy) {
  anthropic::testing::mock_server_options server_opts = client_fixture::with_key();
  server_opts.use_tls = false;
  proxy_fixture f(server_opts);
  tinyproxy_process proxy({.user = "alice", .password = "s3cret"});
  auto opts = f.options();
  opts.proxy = proxy.url("alice:s3cret");
  std::vector<std::string> targets;
  opts.hooks.on_request_start = [&](const anthropic::request_info& i) { targets.emplace_back(i.target); };
  anthropic::client client(f.io.get_executor(), opts);
  BOOST_TEST(!f.create_text(client).empty());
  BOOST_TEST(!f.create_text(client).empty());  // the request is built again: still one absolute form
  BOOST_TEST(f.read_stream(client).complete);
  const std::string absolute = "POST http://127.0.0.1:" + std::to_string(f.server.port()) + "/v1/messages HTTP/1.1";
  const std::vector<std::string> expected{absolute, absolute, absolute};
  BOOST_TEST(proxy.request_lines() == expected, boost::test_tools::per_element());
  BOOST_TEST(proxy.connects() == 0u);
  BOOST_TEST((targets == std::vector<std::string>(3, "/v1/messages")));  // hooks see the origin form
  for (const auto& r : f.server.requests()) BOOST_TEST(r.target == "/v1/messages");
}

BOOST_FIXTURE_TEST_SUITE(scripted_proxies, proxy_fixture)

BOOST_AUTO_TEST_CASE(forbidden_is_final) {
  scripted_proxy proxy(io, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  auto opts = options();
  opts.proxy = proxy.url();
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == client_errc::proxy_refused));
  BOOST_TEST(diag.http_status == 403);
  BOOST_TEST(proxy.connections() == 2u);  // one per call: not retried
  BOOST_TEST_REQUIRE(!proxy.requests().empty());
  const std::string origin = "127.0.0.1:" + std::to_string(server.port());
  BOOST_TEST(proxy.requests().front().starts_with("CONNECT " + origin + " HTTP/1.1\r\nHost: " + origin + "\r\n"));
}

// The standard answer to wrong credentials (tinyproxy sends 401 instead).
BOOST_AUTO_TEST_CASE(proxy_authentication_required_is_final) {
  scripted_proxy proxy(io, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
                           "Content-Length: 0\r\n\r\n");
  auto opts = options();
  opts.proxy = "http://alice:" + std::string(proxy_password) + "@127.0.0.1:" + std::to_string(proxy.port());
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == client_errc::proxy_authentication_required));
  BOOST_TEST(diag.http_status == 407);
  BOOST_TEST(proxy.connections() == 2u);  // one per call: not retried
  BOOST_TEST_REQUIRE(!proxy.requests().empty());
  // base64("alice:pr0xy-hunter2")
  BOOST_TEST(proxy.requests().front().find("\r\nProxy-Authorization: Basic YWxpY2U6cHIweHktaHVudGVyMg==\r\n") !=
             std::string::npos);
}

// 502/503/504: the proxy could not reach the API; nothing was sent there, so
// the request is retried.
BOOST_AUTO_TEST_CASE(unavailable_is_retried) {
  scripted_proxy proxy(io, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy!");
  auto opts = options();
  opts.proxy = proxy.url();
  opts.retry.max_retries = 2;
  unsigned retries = 0;
  opts.hooks.on_retry = [&](const anthropic::request_info&, const anthropic::retry_info&) { ++retries; };
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  boost::system::error_code ec;
  run([&]() -> asio::awaitable<void> {
    auto [e, msg] = co_await client.async_create(sample_request(), diag, asio::as_tuple(asio::use_awaitable));
    ec = e;
  }());
  BOOST_TEST((ec == client_errc::proxy_refused));
  BOOST_TEST(diag.http_status == 503);
  BOOST_TEST(retries == 2u);
  BOOST_TEST(proxy.connections() == 3u);
}

// The server's TLS cannot begin before our ClientHello: bytes after the
// answer's head are a broken proxy, not the tunnel's.
BOOST_AUTO_TEST_CASE(bytes_after_the_answer_are_refused) {
  scripted_proxy proxy(io, "HTTP/1.1 200 Connection established\r\n\r\nHELLO");
  auto opts = without_retries(options());
  opts.proxy = proxy.url();
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == client_errc::invalid_response));
  BOOST_TEST(diag.client_message.find("after its answer to CONNECT") != std::string::npos, diag.client_message);
}

BOOST_AUTO_TEST_CASE(a_garbled_answer_is_invalid_response) {
  scripted_proxy proxy(io, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
  auto opts = without_retries(options());
  opts.proxy = proxy.url();
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == client_errc::invalid_response));
  BOOST_TEST(diag.client_message.find("malformed answer from the proxy") != std::string::npos, diag.client_message);
}

BOOST_AUTO_TEST_CASE(unreachable_proxy_is_connection_refused) {
  unsigned short closed_port = 0;
  {
    scripted_proxy probe(io, "");
    closed_port = probe.port();
  }
  auto opts = without_retries(options());
  opts.proxy = "http://127.0.0.1:" + std::to_string(closed_port);
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == asio::error::connection_refused));
  BOOST_TEST(diag.client_message == "connecting to the proxy 127.0.0.1:" + std::to_string(closed_port));
  BOOST_TEST(server.connections_accepted() == 0u);
}

// A proxy that never answers CONNECT: the wait is bounded by timeouts.connect
// (a phase of connecting) and ends with connect_timeout.
BOOST_AUTO_TEST_CASE(silent_proxy_is_a_connect_timeout) {
  scripted_proxy proxy(io, "");
  auto opts = without_retries(options());
  opts.proxy = proxy.url();
  opts.timeouts.connect = std::chrono::milliseconds(200);
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  const auto start = std::chrono::steady_clock::now();
  boost::system::error_code ec;
  run([&]() -> asio::awaitable<void> {
    auto [e, msg] = co_await client.async_create(sample_request(), diag, asio::as_tuple(asio::use_awaitable));
    ec = e;
  }());
  BOOST_TEST((ec == client_errc::connect_timeout));
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
  BOOST_TEST(proxy.requests().size() == 1u);  // the CONNECT arrived; no answer came
}

// Cancelling an operation while it waits for the proxy's answer ends it at
// once with operation_aborted, and closes that connection: the next request
// opens another.
BOOST_AUTO_TEST_CASE(cancelling_while_the_tunnel_opens) {
  using namespace asio::experimental::awaitable_operators;
  scripted_proxy proxy(io, "");
  auto opts = options();
  opts.proxy = proxy.url();
  std::vector<boost::system::error_code> ends;
  opts.hooks.on_request_end = [&](const anthropic::request_info&, boost::system::error_code ec) { ends.push_back(ec); };
  anthropic::client client(io.get_executor(), opts);
  std::vector<std::size_t> winners;
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      asio::steady_timer timer(io, std::chrono::milliseconds(200));
      auto outcome = co_await (client.async_create(sample_request(), asio::use_awaitable) ||
                               timer.async_wait(asio::use_awaitable));
      winners.push_back(outcome.index());
    }
  }());
  BOOST_TEST((winners == std::vector<std::size_t>{1, 1}));
  BOOST_TEST_REQUIRE(ends.size() == 2u);
  for (const auto& ec : ends) BOOST_TEST((ec == asio::error::operation_aborted), ec.message());
  BOOST_TEST(proxy.connections() == 2u);
  BOOST_TEST(server.connections_accepted() == 0u);
}

BOOST_AUTO_TEST_CASE(invalid_proxy_url_fails_every_operation) {
  auto opts = options();
  opts.proxy = std::string("socks5://alice:") + proxy_password + "@127.0.0.1:1080";
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == client_errc::invalid_proxy_url));
  BOOST_TEST(diag.client_message.find("socks5://") != std::string::npos, diag.client_message);
  BOOST_TEST((read_stream(client).error == client_errc::invalid_proxy_url));
  BOOST_TEST(server.connections_accepted() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
