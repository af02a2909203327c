// Refused certificates, API error mapping, bodies that are not JSON, limits,
// configuration errors, and the API key kept out of every error text.
#include "fixture.hpp"

#include <anthropic/detail/io/tls.hpp>
#include <anthropic/detail/sansio/url.hpp>
#include <support/allocation_counter.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <chrono>
#include <cstddef>
#include <exception>
#include <list>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace asio = boost::asio;
using anthropic::test::client_fixture;
using anthropic::test::test_api_key;
using anthropic::test::without_retries;
using anthropic::testing::reply;

namespace {

struct error_fixture : client_fixture {
  using client_fixture::client_fixture;
  std::vector<std::string> texts;  // every error text seen, to check for the key

  boost::system::error_code create_error(anthropic::client& client, anthropic::diagnostics& diag) {
    boost::system::error_code result;
    run([&]() -> asio::awaitable<void> {
      auto [ec, msg] = co_await client.async_create(sample_request(), diag, asio::as_tuple(asio::use_awaitable));
      result = ec;
      if (ec) {
        // The throwing path gives the same details.
        try {
          co_await client.async_create(sample_request());
        } catch (const anthropic::error_with_diagnostics& e) {
          texts.push_back(e.what());
        }
      }
    }());
    texts.push_back(result.message());
    texts.push_back(diag.server_message);
    texts.push_back(diag.client_message);
    return result;
  }

  ~error_fixture() {
    for (const auto& t : texts) BOOST_TEST(t.find(test_api_key) == std::string::npos, "key leaked in: " << t);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tls, error_fixture)

BOOST_AUTO_TEST_CASE(untrusted_certificate_is_refused) {
  auto opts = without_retries(options());
  opts.tls.ca_pem.clear();  // system store only: the test CA is unknown
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == anthropic::client_errc::tls_verification_failed));
  BOOST_TEST(diag.client_message.find("verification failed") != std::string::npos, diag.client_message);
  BOOST_TEST(server.requests().empty());
}

BOOST_AUTO_TEST_CASE(untrusted_certificate_is_not_retried) {
  auto opts = options();
  opts.tls.ca_pem.clear();
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == anthropic::client_errc::tls_verification_failed));
  BOOST_TEST(server.connections_accepted() == 2u);  // one per call, no retries
}

BOOST_AUTO_TEST_CASE(verification_can_be_disabled) {
  auto opts = without_retries(options());
  opts.tls.ca_pem.clear();
  opts.tls.verify_peer = false;
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> { co_await client.async_create(sample_request()); }());
}

BOOST_AUTO_TEST_CASE(ca_file_is_loaded) {
  const std::string path = "client_test_ca.pem";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    BOOST_REQUIRE(f);
    std::fwrite(server.ca_pem().data(), 1, server.ca_pem().size(), f);
    std::fclose(f);
  }
  auto opts = without_retries(options());
  opts.tls.ca_pem.clear();
  opts.tls.ca_file = path;
  anthropic::client client(io.get_executor(), opts);
  run([&]() -> asio::awaitable<void> { co_await client.async_create(sample_request()); }());
  std::remove(path.c_str());

  opts.tls.ca_file = "/nonexistent/ca.pem";
  anthropic::client broken(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST(create_error(broken, diag));
  BOOST_TEST(diag.client_message.find("/nonexistent/ca.pem") != std::string::npos);
}

// The system trust store is parsed once per process, by the first client that
// needs it. Later clients reuse it: one without CAs of its own shares the store,
// one with extra CAs gets a store of its own holding the same certificates by
// reference, plus its extras. Making another client then costs neither the
// bundle's parse nor its heap (Debian 12: 144 certificates, 20 ms, 0.8 MB).
BOOST_AUTO_TEST_CASE(clients_reuse_the_parsed_system_trust_store) {
  namespace ssl = boost::asio::ssl;
  using anthropic::test::heap_bytes_in_use;
  auto with_extra_ca = without_retries(options());  // the fixture's CA as an extra
  auto system_only = with_extra_ca;
  system_only.tls.ca_pem.clear();

  // What a client's store holds: the system's CAs, and its extras besides.
  auto trusted = [](const anthropic::tls_options& tls) {
    ssl::context ctx(ssl::context::tls_client);
    anthropic::diagnostics diag;
    BOOST_TEST(!anthropic::detail::configure_tls_context(tls, ctx, diag));
    return sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx.native_handle())));
  };
  const int system_cas = trusted(system_only.tls);
  BOOST_TEST(trusted(with_extra_ca.tls) == system_cas + 1);
  // A client with the extra reaches the server, one without is refused
  // (untrusted_certificate_is_refused).
  anthropic::client client(io.get_executor(), with_extra_ca);
  run([&]() -> asio::awaitable<void> { co_await client.async_create(sample_request()); }());

  if (!anthropic::test::allocation_counting_enabled()) return;  // sanitizers keep their own allocator
  if (system_cas < 50) {
    BOOST_TEST_MESSAGE("a system store of " << system_cas << " CAs: too small to tell a parse from a reuse");
    return;
  }
  std::list<anthropic::client> clients;
  constexpr std::size_t count = 8;
  auto heap_per_client = [&](const anthropic::client_options& opts) {
    const std::size_t before = heap_bytes_in_use();
    for (std::size_t i = 0; i < count; ++i) clients.emplace_back(io.get_executor(), opts);
    return (heap_bytes_in_use() - before) / count;
  };
  const std::size_t sharing = heap_per_client(system_only);
  const std::size_t owning = heap_per_client(with_extra_ca);
  BOOST_TEST_MESSAGE("heap per client: " << sharing << " B sharing the system store, " << owning
                                         << " B with a store of its own; " << system_cas << " system CAs");
  BOOST_TEST(sharing < 100'000u);
  BOOST_TEST(owning < 100'000u);
}

BOOST_AUTO_TEST_CASE(new_connections_resume_the_tls_session) {
  // Each reply closes its connection, so every request needs a new handshake.
  server.enqueue(reply::default_reply().connection_close(), 4);
  anthropic::client first(io.get_executor(), without_retries(options()));
  anthropic::client second(io.get_executor(), without_retries(options()));
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) co_await first.async_create(sample_request());
    co_await second.async_create(sample_request());
  }());
  const auto requests = server.requests();
  BOOST_REQUIRE_EQUAL(requests.size(), 4u);
  BOOST_TEST(server.connections_accepted() == 4u);
  BOOST_TEST(!requests[0].tls_resumed);  // nothing to resume yet: a full handshake
  BOOST_TEST(requests[1].tls_resumed);
  BOOST_TEST(requests[2].tls_resumed);
  BOOST_TEST(!requests[3].tls_resumed);  // sessions are never shared between clients
}

namespace {
// Starts `n` creates at once on a fresh client and counts the full handshakes
// the server made for them.
std::size_t full_handshakes_for_a_burst(client_fixture& f, bool wait_for_first_session, int n,
                                        std::size_t max_in_flight = 0) {
  auto opts = without_retries(f.options());
  opts.max_connections = static_cast<std::size_t>(n);
  opts.tls.wait_for_first_session = wait_for_first_session;
  opts.tls.max_handshakes_in_flight = max_in_flight;
  anthropic::client client(f.io.get_executor(), opts);
  const auto before = f.server.requests().size();
  int completed = 0;
  for (int i = 0; i < n; ++i)
    asio::co_spawn(f.io, client.async_create(f.sample_request(), asio::as_tuple(asio::use_awaitable)),
                   [&](std::exception_ptr, std::tuple<boost::system::error_code, anthropic::message> r) {
                     BOOST_TEST(!std::get<0>(r), std::get<0>(r).message());
                     ++completed;
                   });
  BOOST_REQUIRE(f.run_until([&] { return completed == n; }));
  const auto requests = f.server.requests();
  BOOST_REQUIRE_EQUAL(requests.size() - before, static_cast<std::size_t>(n));
  std::size_t full = 0;
  for (std::size_t i = before; i < requests.size(); ++i) full += requests[i].tls_resumed ? 0 : 1;
  return full;
}
}  // namespace

// Twenty requests started together on a new client: one full handshake, the
// others wait for its session and resume it; without waiting, they all start
// before any session exists.
BOOST_AUTO_TEST_CASE(a_burst_of_new_connections_makes_one_full_handshake) {
  BOOST_TEST(full_handshakes_for_a_burst(*this, true, 20) == 1u);
  BOOST_TEST(full_handshakes_for_a_burst(*this, false, 20) > 1u);
}

// One (or three) handshakes at a time: every connection of the burst gets its
// turn (a lost wake-up would leave one waiting past the test's limit), and
// each resumes the first one's session although the connection before it
// resumed it already (OpenSSL marks a resumed TLS 1.3 session single-use: a
// shared session object made every other connection a full handshake).
BOOST_AUTO_TEST_CASE(handshakes_beyond_the_limit_wait_their_turn) {
  BOOST_TEST(full_handshakes_for_a_burst(*this, true, 12, 1) == 1u);
  BOOST_TEST(full_handshakes_for_a_burst(*this, true, 12, 3) == 1u);
  // Not waiting for the first session: the second starts before it exists.
  BOOST_TEST(full_handshakes_for_a_burst(*this, false, 12, 1) < 12u);
}

// A connection waiting for its handshake turn can be cancelled: it ends at
// once with operation_aborted, not when the handshake ahead of it ends, and
// gives its slot back. The handshake ahead of it never finishes (the server
// stalls it) until its own timeout; then the pool is at rest and the next
// call gets its turn.
BOOST_AUTO_TEST_CASE(a_connection_waiting_for_its_turn_can_be_cancelled) {
  auto opts = without_retries(options());
  opts.max_connections = 2;
  opts.tls.max_handshakes_in_flight = 1;
  opts.timeouts.tls_handshake = std::chrono::seconds(3);
  anthropic::client client(io.get_executor(), opts);
  server.fail_next_connections(anthropic::testing::connection_fault::stall, 1);

  std::optional<boost::system::error_code> stalled, waiting;
  auto record = [](std::optional<boost::system::error_code>& into) {
    return [&into](std::exception_ptr, std::tuple<boost::system::error_code, anthropic::message> r) {
      into = std::get<0>(r);
    };
  };
  asio::co_spawn(io, client.async_create(sample_request(), asio::as_tuple(asio::use_awaitable)), record(stalled));
  BOOST_REQUIRE(run_until([&] { return server.connections_accepted() == 1u; }));
  asio::cancellation_signal cancel;
  asio::co_spawn(io,
                 client.async_create(sample_request(),
                                     asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable))),
                 record(waiting));
  BOOST_REQUIRE(run_until([&] { return server.connections_accepted() == 2u; }));
  const auto cancelled_at = std::chrono::steady_clock::now();
  cancel.emit(asio::cancellation_type::terminal);
  BOOST_REQUIRE(run_until([&] { return waiting.has_value(); }));
  BOOST_TEST((*waiting == asio::error::operation_aborted), waiting->message());
  BOOST_TEST(!stalled.has_value(), "the stalled handshake ended with the cancelled wait");
  const bool ended_promptly = std::chrono::steady_clock::now() - cancelled_at < std::chrono::seconds(2);
  BOOST_TEST(ended_promptly, "the cancelled wait ended only after 2 s");

  BOOST_REQUIRE(run_until([&] { return stalled.has_value(); }));
  BOOST_TEST((*stalled == anthropic::client_errc::tls_handshake_timeout), stalled->message());
  BOOST_TEST(run_until([&] { return client.connection_slots_in_use() == client.idle_connections(); }));
  // The next call's handshake gets its turn (a turn leaked by the cancelled
  // wait would leave it waiting out its handshake timeout, then failing).
  std::optional<boost::system::error_code> next;
  asio::co_spawn(io, client.async_create(sample_request(), asio::as_tuple(asio::use_awaitable)), record(next));
  BOOST_REQUIRE(run_until([&] { return next.has_value(); }));
  BOOST_TEST(!*next, next->message());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(wrong_host_name_is_refused) {
  anthropic::testing::mock_server_options server_opts = client_fixture::with_key();
  server_opts.certificate_names = {"api.example.com"};
  error_fixture f(server_opts);
  anthropic::client client(f.io.get_executor(), without_retries(f.options()));
  anthropic::diagnostics diag;
  BOOST_TEST((f.create_error(client, diag) == anthropic::client_errc::tls_verification_failed));
  BOOST_TEST(diag.client_message.find("mismatch") != std::string::npos, diag.client_message);
}

BOOST_FIXTURE_TEST_SUITE(api_errors, error_fixture)

BOOST_AUTO_TEST_CASE(every_documented_status_is_mapped) {
  using anthropic::api_errc;
  struct row {
    unsigned status;
    const char* type;
    api_errc expected;
  };
  const row rows[] = {
      {400, "invalid_request_error", api_errc::invalid_request_error},
      {401, "authentication_error", api_errc::authentication_error},
      {402, "billing_error", api_errc::billing_error},
      {403, "permission_error", api_errc::permission_error},
      {404, "not_found_error", api_errc::not_found_error},
      {409, "conflict_error", api_errc::conflict_error},
      {413, "request_too_large", api_errc::request_too_large},
      {429, "rate_limit_error", api_errc::rate_limit_error},
      {500, "api_error", api_errc::api_error},
      {504, "timeout_error", api_errc::timeout_error},
      {529, "overloaded_error", api_errc::overloaded_error},
      {418, "teapot_error", api_errc::invalid_request_error},  // unknown type, other 4xx
      {503, "brand_new_error", api_errc::unknown_error},        // unknown type, unknown 5xx
  };
  anthropic::client client(io.get_executor(), without_retries(options()));
  for (const auto& r : rows) {
    // Twice: once for the diagnostics path, once for the exception path.
    server.enqueue(reply::error(r.status, r.type, std::string("message for ") + r.type), 2);
    anthropic::diagnostics diag;
    auto ec = create_error(client, diag);
    BOOST_TEST((ec == r.expected), r.status << " " << r.type << " gave " << ec.message());
    BOOST_TEST(diag.http_status == static_cast<int>(r.status));
    BOOST_TEST(diag.error_type == r.type);
    BOOST_TEST(diag.server_message == std::string("message for ") + r.type);
    BOOST_TEST(diag.request_id.starts_with("req_"));
    // what() of the thrown error_with_diagnostics (second request) names type, status and request id.
    const std::string& what = texts.at(texts.size() - 4);
    BOOST_TEST(what.find(r.type) != std::string::npos, what);
    BOOST_TEST(what.find("HTTP " + std::to_string(r.status)) != std::string::npos, what);
    BOOST_TEST(what.find("request-id req_") != std::string::npos, what);
  }
}

BOOST_AUTO_TEST_CASE(html_error_body_keeps_status_and_snippet) {
  anthropic::client client(io.get_executor(), without_retries(options()));
  const std::string html = "<html><head><title>502 Bad Gateway</title></head><body>upstream down</body></html>";
  server.enqueue(reply::json(html, 502).header("content-type", "text/html"), 2);
  anthropic::diagnostics diag;
  auto ec = create_error(client, diag);
  BOOST_TEST((ec == anthropic::api_errc::unknown_error));
  BOOST_TEST(diag.http_status == 502);
  BOOST_TEST(diag.server_message.find("502 Bad Gateway") != std::string::npos, diag.server_message);
}

BOOST_AUTO_TEST_CASE(wrong_key_gives_authentication_error_without_the_key) {
  auto opts = without_retries(options());
  opts.api_key = std::string(test_api_key) + "-wrong";
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == anthropic::api_errc::authentication_error));
  for (const auto& t : texts) BOOST_TEST(t.find(opts.api_key) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(invalid_json_body_on_success) {
  anthropic::client client(io.get_executor(), without_retries(options()));
  server.enqueue(reply::json("{not json", 200), 2);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == anthropic::client_errc::invalid_json));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(limits, error_fixture)

BOOST_AUTO_TEST_CASE(oversize_event_is_refused) {
  auto opts = without_retries(options());
  opts.max_event_size = 4096;
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(reply::stream().huge_event(64 * 1024));
  BOOST_TEST((read_stream(client).error == anthropic::client_errc::event_too_large));
}

BOOST_AUTO_TEST_CASE(oversize_response_is_refused) {
  auto opts = without_retries(options());
  opts.max_response_size = 64;
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(reply::default_reply(), 2);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == anthropic::client_errc::response_too_large));
  BOOST_TEST(diag.client_message.find("max_response_size") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(oversize_chunked_response_is_refused) {
  auto opts = without_retries(options());
  opts.max_response_size = 64;
  anthropic::client client(io.get_executor(), opts);
  server.enqueue(reply::default_reply().chunked(true), 2);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == anthropic::client_errc::response_too_large));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(configuration, error_fixture)

BOOST_AUTO_TEST_CASE(header_values_with_cr_or_lf_are_refused_before_sending) {
  for (const std::string& bad : std::vector<std::string>{"a\r\nX-Injected: 1", "line\nbreak", std::string("nul\0byte", 8)}) {
    auto opts = options();
    opts.headers = {{"x-custom", bad}};
    anthropic::client client(io.get_executor(), opts);
    anthropic::diagnostics diag;
    BOOST_TEST((create_error(client, diag) == anthropic::client_errc::invalid_header_value));
    BOOST_TEST(diag.client_message.find("x-custom") != std::string::npos);
  }
  auto opts = options();
  opts.api_key = std::string(test_api_key) + "\r\n";
  anthropic::client client(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(client, diag) == anthropic::client_errc::invalid_header_value));
  BOOST_TEST(server.requests().empty());
  BOOST_TEST(server.connections_accepted() == 0u);
}

BOOST_AUTO_TEST_CASE(bad_base_url_and_missing_credentials) {
  auto opts = options();
  opts.base_url = "ftp://example.com";
  anthropic::client bad_url(io.get_executor(), opts);
  anthropic::diagnostics diag;
  BOOST_TEST((create_error(bad_url, diag) == anthropic::client_errc::invalid_base_url));

  opts = options();
  opts.api_key.clear();
  anthropic::client no_key(io.get_executor(), opts);
  BOOST_TEST((create_error(no_key, diag) == anthropic::client_errc::missing_credentials));
}

BOOST_AUTO_TEST_CASE(base_url_forms) {
  anthropic::detail::base_url u;
  BOOST_TEST(!anthropic::detail::parse_base_url("https://llm.onerouter.pro", u));
  BOOST_TEST(u.use_tls);
  BOOST_TEST(u.host == "llm.onerouter.pro");
  BOOST_TEST(u.port == "443");
  BOOST_TEST(u.target("/v1/messages") == "/v1/messages");
  BOOST_TEST(!anthropic::detail::parse_base_url("openrouter.ai/api/", u));
  BOOST_TEST(u.use_tls);
  BOOST_TEST(u.target("/v1/messages") == "/api/v1/messages");
  BOOST_TEST(!anthropic::detail::parse_base_url("http://127.0.0.1:4000", u));
  BOOST_TEST(!u.use_tls);
  BOOST_TEST(u.port == "4000");
  BOOST_TEST(u.host_header() == "127.0.0.1:4000");
  BOOST_TEST(!anthropic::detail::parse_base_url("https://[::1]:8443/p", u));
  BOOST_TEST(u.host == "::1");
  BOOST_TEST(u.host_header() == "[::1]:8443");
  for (const char* bad : {"", "https://", "gopher://x", "https://host:0", "https://host:99999", "https://host:x",
                          "https://user@host", "https://host/a?b", "https://ho st", "https://[::1"})
    BOOST_TEST(anthropic::detail::parse_base_url(bad, u), bad);
}

BOOST_AUTO_TEST_CASE(from_env_reads_the_three_variables) {
  ::setenv("ANTHROPIC_API_KEY", "k1", 1);
  ::setenv("ANTHROPIC_AUTH_TOKEN", "t1", 1);
  ::setenv("ANTHROPIC_BASE_URL", "https://llm.onerouter.pro", 1);
  auto opts = anthropic::client_options::from_env();
  BOOST_TEST(opts.api_key == "k1");
  BOOST_TEST(opts.auth_token == "t1");
  BOOST_TEST(opts.base_url == "https://llm.onerouter.pro");
  ::unsetenv("ANTHROPIC_API_KEY");
  ::unsetenv("ANTHROPIC_AUTH_TOKEN");
  ::unsetenv("ANTHROPIC_BASE_URL");
  opts = anthropic::client_options::from_env();
  BOOST_TEST(opts.api_key.empty());
  BOOST_TEST(opts.base_url == "https://api.anthropic.com");
  BOOST_TEST(opts.anthropic_version == "2023-06-01");
}

BOOST_AUTO_TEST_SUITE_END()
