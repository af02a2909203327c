// Error codes: categories, messages, the status/type mapping and the exception text.
#include <anthropic/error.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>

using anthropic::api_errc;
using anthropic::client_errc;

BOOST_AUTO_TEST_SUITE(error_codes)

BOOST_AUTO_TEST_CASE(client_codes_have_own_category_and_distinct_messages) {
  boost::system::error_code truncated = client_errc::stream_truncated;
  boost::system::error_code too_large = client_errc::event_too_large;
  BOOST_TEST(truncated.category().name() == std::string("anthropic.client"));
  BOOST_TEST(truncated != too_large);
  BOOST_TEST(truncated.message() != too_large.message());
  BOOST_TEST((truncated == client_errc::stream_truncated));
  BOOST_TEST(!(truncated == api_errc::api_error));
}

BOOST_AUTO_TEST_CASE(every_spec_status_maps_to_its_type) {
  struct row { int status; api_errc code; };
  const row rows[] = {{400, api_errc::invalid_request_error}, {401, api_errc::authentication_error},
                      {402, api_errc::billing_error},         {403, api_errc::permission_error},
                      {404, api_errc::not_found_error},       {409, api_errc::conflict_error},
                      {413, api_errc::request_too_large},     {429, api_errc::rate_limit_error},
                      {500, api_errc::api_error},             {504, api_errc::timeout_error},
                      {529, api_errc::overloaded_error}};
  for (const auto& r : rows) BOOST_TEST((anthropic::api_errc_from(r.status, "") == r.code), r.status);
}

BOOST_AUTO_TEST_CASE(body_type_wins_over_status_and_unknowns_fall_back) {
  BOOST_TEST((anthropic::api_errc_from(400, "overloaded_error") == api_errc::overloaded_error));
  BOOST_TEST((anthropic::api_errc_from(0, "overloaded_error") == api_errc::overloaded_error));
  BOOST_TEST((anthropic::api_errc_from(418, "teapot_error") == api_errc::invalid_request_error));
  BOOST_TEST((anthropic::api_errc_from(502, "") == api_errc::unknown_error));
  BOOST_TEST((anthropic::api_errc_from(0, "brand_new_error") == api_errc::unknown_error));
}

BOOST_AUTO_TEST_CASE(exception_text_carries_type_message_status_and_request_id) {
  anthropic::diagnostics diag{429, "rate_limit_error", "slow down", "", "req_123"};
  anthropic::error_with_diagnostics e(api_errc::rate_limit_error, diag);
  std::string what = e.what();
  BOOST_TEST(what.find("rate_limit_error: slow down") != std::string::npos, what);
  BOOST_TEST(what.find("HTTP 429") != std::string::npos, what);
  BOOST_TEST(what.find("req_123") != std::string::npos, what);
  BOOST_TEST((e.code() == api_errc::rate_limit_error));
  BOOST_TEST(e.http_status() == 429);
  BOOST_TEST(e.server_message() == "slow down");
  BOOST_TEST(e.client_message().empty());
}

// The server's words and the client's explanation both reach what(), apart.
BOOST_AUTO_TEST_CASE(exception_text_keeps_server_and_client_messages_apart) {
  anthropic::diagnostics client_only{0, "", "", "max_response_size is 10 bytes", ""};
  anthropic::error_with_diagnostics e1(anthropic::client_errc::response_too_large, client_only);
  BOOST_TEST(std::string(e1.what()) ==
             "the response body exceeded the maximum response size: max_response_size is 10 bytes");
  BOOST_TEST(e1.server_message().empty());

  anthropic::diagnostics both{200, "", "<html>oops</html>", "the body is not a message", "req_1"};
  anthropic::error_with_diagnostics e2(anthropic::client_errc::invalid_json, both);
  BOOST_TEST(std::string(e2.what()) ==
             "the server sent invalid JSON: <html>oops</html>; the body is not a message (HTTP 200, request-id req_1)");
}

// The server's words reach what() (which users print) only in printable form: one
// line, valid UTF-8, terminal controls shown rather than obeyed.
BOOST_AUTO_TEST_CASE(exception_text_is_safe_to_print) {
  anthropic::diagnostics diag{400, "invalid_request_error\x1b]0;pwned\x07",
                              "line one\nline two\r\x1b[2J\xff", "", "req_\x1b[1m"};
  anthropic::error_with_diagnostics e(api_errc::invalid_request_error, diag);
  const std::string what = e.what();
  BOOST_TEST(what.starts_with("invalid_request_error\\x1b]0;pwned\\x07: line one\\nline two\\r\\x1b[2J\uFFFD "
                              "(HTTP 400, request-id req_\\x1b[1m)"),
             what);
  BOOST_TEST(std::none_of(what.begin(), what.end(), [](char c) { return c >= 0 && c < 0x20; }));
  // The details keep what the server sent, for programs.
  BOOST_TEST(e.server_message() == "line one\nline two\r\x1b[2J\xff");
}

BOOST_AUTO_TEST_SUITE_END()
