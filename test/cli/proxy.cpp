// anthropic-cli through a real proxy (tinyproxy): --proxy, HTTPS_PROXY and
// NO_PROXY from the environment, and how proxy failures are reported.
#include "../proxy/proxies.hpp"
#include "cli_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace anthropic::test::cli;
using anthropic::test::tinyproxy_process;

BOOST_FIXTURE_TEST_SUITE(cli_proxy, cli_fixture)

BOOST_AUTO_TEST_CASE(proxy_flag_and_environment_route_through_the_proxy) {
  if (!cli_available()) return;
  tinyproxy_process proxy;
  auto r = run(connect({"--proxy", proxy.url(), "hi"}));
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(proxy.connects() == 1u);

  r = run(connect({"hi"}), "", {"HTTPS_PROXY=" + proxy.url()});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(proxy.connects() == 2u);

  // NO_PROXY is matched against the final base URL (--base-url here).
  r = run(connect({"hi"}), "", {"HTTPS_PROXY=" + proxy.url(), "NO_PROXY=localhost,127.0.0.1"});
  BOOST_TEST(r.status == 0, r.err);
  // --proxy '' turns the environment's proxy off.
  r = run(connect({"--proxy", "", "hi"}), "", {"HTTPS_PROXY=" + proxy.url()});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(proxy.connects() == 2u);
  BOOST_TEST(server.requests().size() == 4u);
}

BOOST_AUTO_TEST_CASE(proxy_failures_are_reported_without_the_password) {
  if (!cli_available()) return;
  tinyproxy_process proxy({.user = "alice", .password = "s3cret"});
  const std::string password = "cli-pr0xy-SECRET";
  auto r = run(connect({"--proxy", proxy.url("alice:" + password), "--json", "hi"}));
  BOOST_TEST(r.status == 3, r.err);
  auto err = json_object_of(r.out);
  BOOST_TEST(err.at("error").at("type").as_string() == "connection_error");
  BOOST_TEST(err.at("status").as_int64() == 401);  // tinyproxy's answer to wrong credentials
  BOOST_TEST(r.out.find(password) == std::string::npos, r.out);
  BOOST_TEST(r.err.find(password) == std::string::npos, r.err);

  r = run(connect({"--proxy", "socks5://alice:" + password + "@127.0.0.1:1080", "hi"}));
  BOOST_TEST(r.status == 2, r.err);
  BOOST_TEST(contains(r.err, "http://"), r.err);
  BOOST_TEST(r.err.find(password) == std::string::npos, r.err);
  BOOST_TEST(server.requests().empty());
}

BOOST_AUTO_TEST_SUITE_END()
