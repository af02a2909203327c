// The sans-io parts of proxy support, without sockets: the proxy URL, NO_PROXY,
// the environment rules, the CONNECT request, and what an answer to it means.
#include <anthropic/detail/sansio/proxy.hpp>
#include <anthropic/detail/sansio/request_attempts.hpp>
#include <anthropic/options.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <string>
#include <tuple>

namespace {

using namespace anthropic;
using anthropic::detail::proxy_url;

proxy_url parsed(std::string_view text) {
  proxy_url out;
  std::string problem;
  const auto ec = detail::parse_proxy_url(text, out, problem);
  BOOST_TEST_REQUIRE(!ec, text << ": " << problem);
  return out;
}

// A fake environment for proxy_from_environment.
struct fake_env {
  std::map<std::string, std::string> vars;
  std::string proxy_for(std::string_view base) const {
    return detail::proxy_from_environment(base, [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(proxy_url_parsing)

BOOST_AUTO_TEST_CASE(host_port_and_defaults) {
  auto p = parsed("http://proxy.corp:3128");
  BOOST_TEST(p.host == "proxy.corp");
  BOOST_TEST(p.port == "3128");
  BOOST_TEST(!p.has_credentials);
  BOOST_TEST(p.name() == "proxy.corp:3128");
  BOOST_TEST(parsed("http://proxy.corp").port == "80");
  BOOST_TEST(parsed("http://proxy.corp/").port == "80");
  BOOST_TEST(parsed("HTTP://proxy.corp:8080/").port == "8080");
  // Without a scheme, http is meant (as curl and Go read HTTPS_PROXY).
  BOOST_TEST(parsed("10.0.0.1:3128").host == "10.0.0.1");
  auto v6 = parsed("http://[::1]:3128");
  BOOST_TEST(v6.host == "::1");
  BOOST_TEST(v6.name() == "[::1]:3128");
}

BOOST_AUTO_TEST_CASE(credentials_are_percent_decoded) {
  auto p = parsed("http://al%69ce:p%40ss%3Aw0rd@proxy:3128");
  BOOST_TEST(p.has_credentials);
  BOOST_TEST(p.username == "alice");
  BOOST_TEST(p.password == "p@ss:w0rd");
  BOOST_TEST(p.host == "proxy");
  // The last '@' ends the user info; a password may hold a raw '@' and ':'.
  auto raw = parsed("http://bob:a@b:c@proxy:8080");
  BOOST_TEST(raw.username == "bob");
  BOOST_TEST(raw.password == "a@b:c");
  auto user_only = parsed("http://bob@proxy");
  BOOST_TEST(user_only.has_credentials);
  BOOST_TEST(user_only.password.empty());
}

BOOST_AUTO_TEST_CASE(everything_else_is_refused_without_quoting_the_password) {
  for (const char* bad : {"https://proxy:3128", "socks5://proxy:1080", "socks5h://u:hunter2@proxy",
                          "http://proxy:3128/path", "http://proxy:3128?x=1", "http://proxy#f", "http://:3128",
                          "http://proxy:0", "http://proxy:65536", "http://proxy:12ab", "http://proxy:",
                          "http://[::1", "http://u:hunter2%zz@proxy", "http://u%3Ax:hunter2@proxy",
                          "http://u:hunter2@", "http://prox y", "http://u:hunter2@proxy:99999",
                          "http://u:hunter2@proxy/p", "hunter2://proxy"}) {
    proxy_url out;
    std::string problem;
    BOOST_TEST((detail::parse_proxy_url(bad, out, problem) == client_errc::invalid_proxy_url), bad);
    BOOST_TEST(!problem.empty());
    BOOST_TEST(problem.find("hunter2") == std::string::npos, problem);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(no_proxy)

BOOST_AUTO_TEST_CASE(domains_hosts_and_wildcard) {
  using detail::no_proxy_matches;
  BOOST_TEST(no_proxy_matches("*", "api.anthropic.com", "443"));
  BOOST_TEST(no_proxy_matches("example.com", "example.com", "443"));
  BOOST_TEST(no_proxy_matches("example.com", "api.example.com", "443"));
  BOOST_TEST(no_proxy_matches(".example.com", "example.com", "443"));
  BOOST_TEST(no_proxy_matches(".example.com", "a.b.example.com", "443"));
  BOOST_TEST(no_proxy_matches("EXAMPLE.com", "Api.Example.COM", "443"));
  BOOST_TEST(no_proxy_matches("example.com.", "api.example.com", "443"));
  BOOST_TEST(!no_proxy_matches("example.com", "notexample.com", "443"));
  BOOST_TEST(!no_proxy_matches("example.com", "example.com.evil.net", "443"));
  BOOST_TEST(!no_proxy_matches("", "example.com", "443"));
  BOOST_TEST(!no_proxy_matches(" , ,", "example.com", "443"));
  BOOST_TEST(!no_proxy_matches(".", "example.com", "443"));
  BOOST_TEST(!no_proxy_matches("*.example.com", "api.example.com", "443"));  // no globs but a lone '*'
}

BOOST_AUTO_TEST_CASE(lists_ports_and_ip_literals) {
  using detail::no_proxy_matches;
  BOOST_TEST(no_proxy_matches("localhost, internal.corp\t127.0.0.1", "127.0.0.1", "8443"));
  BOOST_TEST(no_proxy_matches("a.com,b.com  c.com", "x.c.com", "443"));
  BOOST_TEST(no_proxy_matches("example.com:443", "api.example.com", "443"));
  BOOST_TEST(!no_proxy_matches("example.com:8443", "api.example.com", "443"));
  BOOST_TEST(no_proxy_matches("127.0.0.1:8443", "127.0.0.1", "8443"));
  BOOST_TEST(!no_proxy_matches("127.0.0.1:8443", "127.0.0.1", "443"));
  // An IP literal matches whole, never as a suffix.
  BOOST_TEST(!no_proxy_matches("0.0.1", "127.0.0.1", "443"));
  BOOST_TEST(!no_proxy_matches("127.0.0.1", "127.0.0.10", "443"));
  BOOST_TEST(no_proxy_matches("::1", "::1", "443"));
  BOOST_TEST(no_proxy_matches("[::1]", "::1", "443"));
  BOOST_TEST(no_proxy_matches("[::1]:443", "::1", "443"));
  BOOST_TEST(!no_proxy_matches("[::1]:80", "::1", "443"));
  BOOST_TEST(no_proxy_matches("FE80::1", "fe80::1", "443"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(proxy_environment)

BOOST_AUTO_TEST_CASE(scheme_picks_the_variable) {
  fake_env env{{{"HTTPS_PROXY", "http://secure:1"}, {"HTTP_PROXY", "http://plain:2"}}};
  BOOST_TEST(env.proxy_for("https://api.anthropic.com") == "http://secure:1");
  BOOST_TEST(env.proxy_for("api.anthropic.com") == "http://secure:1");  // https assumed
  BOOST_TEST(env.proxy_for("http://127.0.0.1:8080") == "http://plain:2");
  BOOST_TEST(fake_env{}.proxy_for("https://api.anthropic.com").empty());
  BOOST_TEST(env.proxy_for("ftp://x").empty());  // an unusable base URL: the client reports it
}

BOOST_AUTO_TEST_CASE(lowercase_wins_and_empty_is_unset) {
  fake_env env{{{"HTTPS_PROXY", "http://upper:1"}, {"https_proxy", "http://lower:2"}}};
  BOOST_TEST(env.proxy_for("https://api.anthropic.com") == "http://lower:2");
  env.vars["https_proxy"] = "";
  BOOST_TEST(env.proxy_for("https://api.anthropic.com") == "http://upper:1");
  fake_env http{{{"HTTP_PROXY", "http://upper:1"}, {"http_proxy", "http://lower:2"}}};
  BOOST_TEST(http.proxy_for("http://h") == "http://lower:2");
}

BOOST_AUTO_TEST_CASE(uppercase_http_proxy_is_ignored_in_cgi) {
  fake_env env{{{"HTTP_PROXY", "http://from-a-request-header:1"}, {"REQUEST_METHOD", "GET"}}};
  BOOST_TEST(env.proxy_for("http://h").empty());
  env.vars["http_proxy"] = "http://configured:2";
  BOOST_TEST(env.proxy_for("http://h") == "http://configured:2");
  env.vars["HTTPS_PROXY"] = "http://secure:3";  // HTTPS_PROXY cannot come from a header (no Https-Proxy: prefix)
  BOOST_TEST(env.proxy_for("https://h") == "http://secure:3");
}

BOOST_AUTO_TEST_CASE(no_proxy_bypasses) {
  fake_env env{{{"HTTPS_PROXY", "http://p:1"}, {"NO_PROXY", "anthropic.com"}}};
  BOOST_TEST(env.proxy_for("https://api.anthropic.com").empty());
  BOOST_TEST(env.proxy_for("https://llm.onerouter.pro") == "http://p:1");
  env.vars["no_proxy"] = "onerouter.pro";  // the lowercase one wins
  BOOST_TEST(env.proxy_for("https://api.anthropic.com") == "http://p:1");
  BOOST_TEST(env.proxy_for("https://llm.onerouter.pro").empty());
  env.vars["no_proxy"] = "127.0.0.1:8443";  // the base URL's port counts
  BOOST_TEST(env.proxy_for("https://127.0.0.1:8443/prefix").empty());
  BOOST_TEST(env.proxy_for("https://127.0.0.1:9443") == "http://p:1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(proxy_tunnel)

BOOST_AUTO_TEST_CASE(connect_request_text) {
  detail::base_url origin;
  BOOST_TEST_REQUIRE(!detail::parse_base_url("https://api.anthropic.com", origin));
  auto route = detail::make_proxy_route(parsed("http://alice:s3cret@proxy:3128"), origin);
  BOOST_TEST(route.name == "proxy:3128");
  BOOST_TEST(route.origin == "api.anthropic.com:443");
  // base64("alice:s3cret")
  BOOST_TEST(route.authorization == "Basic YWxpY2U6czNjcmV0");
  BOOST_TEST(route.connect_request.starts_with("CONNECT api.anthropic.com:443 HTTP/1.1\r\n"
                                               "Host: api.anthropic.com:443\r\n"
                                               "Proxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n"));
  BOOST_TEST(route.connect_request.ends_with("\r\n\r\n"));
  BOOST_TEST(route.absolute_prefix.empty());

  BOOST_TEST_REQUIRE(!detail::parse_base_url("https://[::1]:8443/p", origin));
  auto anonymous = detail::make_proxy_route(parsed("http://proxy"), origin);
  BOOST_TEST(anonymous.connect_request.starts_with("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n"));
  BOOST_TEST(anonymous.connect_request.find("Proxy-Authorization") == std::string::npos);
  BOOST_TEST(anonymous.authorization.empty());
}

BOOST_AUTO_TEST_CASE(plain_http_uses_the_absolute_form) {
  detail::base_url origin;
  BOOST_TEST_REQUIRE(!detail::parse_base_url("http://127.0.0.1:8080/prefix", origin));
  auto route = detail::make_proxy_route(parsed("http://u:p@proxy:3128"), origin);
  BOOST_TEST(route.connect_request.empty());
  BOOST_TEST(route.absolute_prefix == "http://127.0.0.1:8080");
  BOOST_TEST(route.authorization == "Basic dTpw");
  BOOST_TEST_REQUIRE(!detail::parse_base_url("http://localhost", origin));
  BOOST_TEST(detail::make_proxy_route(parsed("proxy:3128"), origin).absolute_prefix == "http://localhost");
}

BOOST_AUTO_TEST_CASE(answers_to_connect) {
  detail::base_url origin;
  BOOST_TEST_REQUIRE(!detail::parse_base_url("https://api.anthropic.com", origin));
  auto route = detail::make_proxy_route(parsed("http://alice:s3cret@proxy:3128"), origin);
  diagnostics diag;
  BOOST_TEST(!detail::check_connect_answer(200, route, diag));
  BOOST_TEST(diag.http_status == 0);
  BOOST_TEST((detail::check_connect_answer(407, route, diag) == client_errc::proxy_authentication_required));
  BOOST_TEST(diag.http_status == 407);
  BOOST_TEST(diag.client_message.find("proxy:3128") != std::string::npos);
  BOOST_TEST(diag.client_message.find("s3cret") == std::string::npos);
  diag.clear();
  BOOST_TEST((detail::check_connect_answer(401, route, diag) == client_errc::proxy_authentication_required));
  BOOST_TEST(diag.http_status == 401);
  diag.clear();
  BOOST_TEST((detail::check_connect_answer(403, route, diag) == client_errc::proxy_refused));
  BOOST_TEST(diag.http_status == 403);
  BOOST_TEST(diag.client_message.find("api.anthropic.com:443") != std::string::npos);
  for (int status : {502, 503, 504}) BOOST_TEST(detail::is_transient_proxy_refusal(status));
  for (int status : {400, 403, 405, 407, 500}) BOOST_TEST(!detail::is_transient_proxy_refusal(status));
}

// A 502/503/504 from the proxy is retried (nothing reached the API); 403 and
// 407 are final.
BOOST_AUTO_TEST_CASE(which_refusals_are_retried) {
  retry_policy policy;
  auto context = [] { return detail::retry_context{0.5, std::chrono::system_clock::now(), std::chrono::steady_clock::now()}; };
  for (auto [code, status, retried] : {std::tuple{client_errc::proxy_refused, 502, true},
                                       std::tuple{client_errc::proxy_refused, 503, true},
                                       std::tuple{client_errc::proxy_refused, 504, true},
                                       std::tuple{client_errc::proxy_refused, 403, false},
                                       std::tuple{client_errc::proxy_refused, 500, false},
                                       std::tuple{client_errc::proxy_authentication_required, 407, false},
                                       std::tuple{client_errc::invalid_proxy_url, 0, false}}) {
    detail::request_attempts attempts(policy, false);
    diagnostics diag;
    diag.http_status = status;
    const detail::attempt_outcome outcome{make_error_code(code), false, false, 0, nullptr};
    const auto decision = attempts.on_head(outcome, diag, context);
    BOOST_TEST((decision.action == detail::attempt_action::retry) == retried, status);
    BOOST_TEST((decision.error == code));
    BOOST_TEST(diag.http_status == status);
  }
}

BOOST_AUTO_TEST_SUITE_END()
