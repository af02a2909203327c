// Error responses become codes and diagnostics a user can act on.
#include <anthropic/detail/sansio/error_response.hpp>

#include <boost/test/unit_test.hpp>

#include <string_view>

using anthropic::api_errc;
using anthropic::detail::parse_error_response;

BOOST_AUTO_TEST_SUITE(error_responses)

BOOST_AUTO_TEST_CASE(api_error_shape_gives_type_message_and_request_id) {
  anthropic::diagnostics diag;
  auto ec = parse_error_response(404, R"({"type":"error","error":{"type":"not_found_error",
      "message":"The requested resource could not be found."},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})", "", diag);
  BOOST_TEST((ec == api_errc::not_found_error));
  BOOST_TEST(diag.http_status == 404);
  BOOST_TEST(diag.error_type == "not_found_error");
  BOOST_TEST(diag.server_message == "The requested resource could not be found.");
  BOOST_TEST(diag.request_id == "req_011CSHoEeqs5C35K2UUqR7Fy");
}

BOOST_AUTO_TEST_CASE(request_id_header_wins_over_body) {
  anthropic::diagnostics diag;
  parse_error_response(529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},
      "request_id":"req_body"})", "req_header", diag);
  BOOST_TEST(diag.request_id == "req_header");
}

BOOST_AUTO_TEST_CASE(unknown_type_is_kept_verbatim) {
  anthropic::diagnostics diag;
  auto ec = parse_error_response(
      503, R"({"type":"error","error":{"type":"capacity_error","message":"later"}})", "", diag);
  BOOST_TEST((ec == api_errc::unknown_error));
  BOOST_TEST(diag.error_type == "capacity_error");
  BOOST_TEST(diag.server_message == "later");
}

BOOST_AUTO_TEST_CASE(openai_like_router_shape_is_understood) {
  anthropic::diagnostics diag;
  auto ec = parse_error_response(402, R"({"error":{"message":"Insufficient credits","type":"billing_error",
      "param":null,"code":402}})", "", diag);
  BOOST_TEST((ec == api_errc::billing_error));
  BOOST_TEST(diag.server_message == "Insufficient credits");
}

BOOST_AUTO_TEST_CASE(html_body_keeps_status_and_a_short_one_line_snippet) {
  std::string html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\n" +
                     std::string(5000, 'x') + "</body></html>";
  anthropic::diagnostics diag;
  auto ec = parse_error_response(502, html, "", diag);
  BOOST_TEST((ec == api_errc::unknown_error));
  BOOST_TEST(diag.http_status == 502);
  BOOST_TEST(diag.error_type.empty());
  BOOST_TEST(diag.server_message.rfind("<html> <head><title>502 Bad Gateway</title></head> <body> xxx", 0) == 0,
             diag.server_message);
  BOOST_TEST(diag.server_message.size() <= anthropic::detail::error_snippet_limit);
  BOOST_TEST(diag.server_message.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(snippet_never_splits_a_utf8_sequence) {
  std::string body(199, 'a');
  body += "\xE2\x82\xAC tail";  // a 3-byte euro sign straddling the limit
  auto snippet = anthropic::detail::body_snippet(body);
  BOOST_TEST(snippet == std::string(199, 'a'));
}

// A Latin-1 or compressed error page: the snippet is valid UTF-8, whatever the bytes.
BOOST_AUTO_TEST_CASE(snippet_of_bytes_that_are_not_utf8_is_valid_utf8) {
  anthropic::diagnostics diag;
  using namespace std::string_view_literals;
  parse_error_response(502, "Erreur: d\xE9lai d\xE9pass\xE9 \x1f\x8b\x08\x00\xc2\x9b" "2J"sv, "", diag);
  BOOST_TEST(diag.server_message == "Erreur: d\uFFFDlai d\uFFFDpass\uFFFD \uFFFD \\u{9b}2J");
}

BOOST_AUTO_TEST_CASE(empty_and_non_object_bodies) {
  anthropic::diagnostics diag;
  BOOST_TEST((parse_error_response(500, "", "", diag) == api_errc::api_error));
  BOOST_TEST(diag.server_message.empty());
  BOOST_TEST((parse_error_response(429, "[1,2]", "", diag) == api_errc::rate_limit_error));
  BOOST_TEST(diag.server_message == "[1,2]");
  BOOST_TEST((parse_error_response(401, R"({"error":"nope"})", "", diag) == api_errc::authentication_error));
}

BOOST_AUTO_TEST_SUITE_END()
