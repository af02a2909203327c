// Response heads read into response_metadata, without sockets: the rate-limit
// headers' numbers and RFC 3339 times, absent and malformed ones.
#include <anthropic/detail/sansio/rate_limits.hpp>
#include <anthropic/detail/sansio/response_head.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>

namespace {

using namespace std::chrono;
using anthropic::detail::parse_rfc3339;

system_clock::time_point at(year_month_day date, hours h, minutes m, seconds s) {
  return time_point_cast<system_clock::duration>(sys_days{date} + h + m + s);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(response_head)

BOOST_AUTO_TEST_CASE(rfc3339_times_in_utc_with_fractions_and_offsets) {
  const auto base = at(2026y / December / 4, 15h, 32min, 42s);
  BOOST_TEST((parse_rfc3339("2026-12-04T15:32:42Z") == base));
  BOOST_TEST((parse_rfc3339("2026-12-04t15:32:42z") == base));
  BOOST_TEST((parse_rfc3339("2026-12-04T15:32:42.5Z") == base + 500ms));
  BOOST_TEST((parse_rfc3339("2026-12-04T15:32:42.123456789123Z") == base + 123456789ns));
  BOOST_TEST((parse_rfc3339("2026-12-04T16:32:42+01:00") == base));
  BOOST_TEST((parse_rfc3339("2026-12-04T10:02:42-05:30") == base));
}

BOOST_AUTO_TEST_CASE(malformed_times_are_absent) {
  for (const char* text : {"", "2026-12-04", "2026-12-04T15:32:42", "2026-13-04T15:32:42Z", "2026-02-30T15:32:42Z",
                           "2026-12-04T24:00:00Z", "2026-12-04T15:32:42.Z", "2026-12-04T15:32:42+1:00",
                           "2026-12-04T15:32:42Zjunk", "Fri, 04 Dec 2026 15:32:42 GMT", "1733326362"})
    BOOST_TEST(!parse_rfc3339(text), text);
}

BOOST_AUTO_TEST_CASE(rate_limit_headers_are_typed_and_absent_ones_reported_as_absent) {
  boost::beast::http::response_header<> head;
  head.result(429);
  head.set("request-id", "req_1");
  head.set("Anthropic-RateLimit-Tokens-Limit", "80000");
  head.set("anthropic-ratelimit-tokens-remaining", " 12000 ");
  head.set("anthropic-ratelimit-tokens-reset", "2026-12-04T15:33:00Z");
  head.set("anthropic-ratelimit-requests-remaining", "-1");
  head.set("anthropic-ratelimit-input-tokens-limit", "99999999999999999999999");
  head.set("retry-after", "12");
  anthropic::response_metadata out;
  anthropic::detail::read_response_metadata(head, out);
  BOOST_TEST(out.http_status == 429);
  BOOST_TEST(out.request_id == "req_1");
  BOOST_TEST(out.headers.size() == 7u);
  BOOST_TEST(out.header("ANTHROPIC-RATELIMIT-TOKENS-LIMIT").value_or("") == "80000");
  const auto limits = anthropic::detail::parse_rate_limits(out, system_clock::now());
  BOOST_TEST(limits.tokens.limit.value_or(0) == 80000u);
  BOOST_TEST(limits.tokens.remaining.value_or(0) == 12000u);
  BOOST_TEST((limits.tokens.reset == at(2026y / December / 4, 15h, 33min, 0s)));
  BOOST_TEST(!limits.requests.remaining);  // negative: not a count
  BOOST_TEST(!limits.input_tokens.limit);  // beyond 64 bits
  BOOST_TEST(!limits.output_tokens.present());
  BOOST_TEST(limits.retry_after.value_or(0ms) == 12000ms);

  // Reading another head replaces everything.
  boost::beast::http::response_header<> plain;
  plain.result(200);
  anthropic::detail::read_response_metadata(plain, out);
  BOOST_TEST(out.headers.empty());
  BOOST_TEST(!out.rate_limits().tokens.present());
  BOOST_TEST(!out.rate_limits().retry_after);
  BOOST_TEST(out.request_id.empty());
}

BOOST_AUTO_TEST_SUITE_END()
