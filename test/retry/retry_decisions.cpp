// Retry decisions: which failures retry, how long to wait, and the server's say.
#include <anthropic/detail/sansio/retry.hpp>

#include <boost/test/unit_test.hpp>

using namespace std::chrono_literals;
using anthropic::retry_policy;
using anthropic::detail::decide_retry;
namespace http = boost::beast::http;

namespace {
http::fields headers(std::initializer_list<std::pair<const char*, const char*>> list) {
  http::fields f;
  for (auto& [k, v] : list) f.insert(k, v);
  return f;
}
const auto fixed_now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + 12h;
}  // namespace

BOOST_AUTO_TEST_SUITE(retry_decisions)

BOOST_AUTO_TEST_CASE(retryable_statuses_and_connection_failures_retry) {
  retry_policy policy;
  for (int status : {0, 408, 409, 429, 500, 502, 503, 504, 529})
    BOOST_TEST(decide_retry(policy, 0, status, nullptr, 0.0).retry, "status " << status);
  for (int status : {400, 401, 402, 403, 404, 413, 422})
    BOOST_TEST(!decide_retry(policy, 0, status, nullptr, 0.0).retry, "status " << status);
}

BOOST_AUTO_TEST_CASE(gives_up_after_max_retries) {
  retry_policy policy;  // 2 retries by default
  BOOST_TEST(decide_retry(policy, 1, 529, nullptr, 0.0).retry);
  BOOST_TEST(!decide_retry(policy, 2, 529, nullptr, 0.0).retry);
  policy.max_retries = 0;
  BOOST_TEST(!decide_retry(policy, 0, 0, nullptr, 0.0).retry);
}

BOOST_AUTO_TEST_CASE(backoff_doubles_caps_at_eight_seconds_and_jitters_down_to_75_percent) {
  retry_policy policy;
  policy.max_retries = 10;
  BOOST_TEST(decide_retry(policy, 0, 500, nullptr, 0.0).delay.count() == 500);
  BOOST_TEST(decide_retry(policy, 1, 500, nullptr, 0.0).delay.count() == 1000);
  BOOST_TEST(decide_retry(policy, 3, 500, nullptr, 0.0).delay.count() == 4000);
  BOOST_TEST(decide_retry(policy, 4, 500, nullptr, 0.0).delay.count() == 8000);
  BOOST_TEST(decide_retry(policy, 9, 500, nullptr, 0.0).delay.count() == 8000);
  BOOST_TEST(decide_retry(policy, 0, 500, nullptr, 0.999999).delay.count() == 375);
  BOOST_TEST(decide_retry(policy, 4, 500, nullptr, 0.5).delay.count() == 7000);
}

BOOST_AUTO_TEST_CASE(x_should_retry_overrides_the_status_table_for_every_status) {
  retry_policy policy;
  auto no = headers({{"x-should-retry", "false"}});
  auto yes = headers({{"x-should-retry", "true"}});
  BOOST_TEST(!decide_retry(policy, 0, 529, &no, 0.0).retry);
  BOOST_TEST(!decide_retry(policy, 0, 429, &no, 0.0).retry);
  for (int status : {400, 401, 402, 403, 404, 413})
    BOOST_TEST(decide_retry(policy, 0, status, &yes, 0.0).retry, "HTTP " << status);
  BOOST_TEST(!decide_retry(policy, 0, 400, nullptr, 0.0).retry);
  BOOST_TEST(!decide_retry(policy, policy.max_retries, 400, &yes, 0.0).retry);  // the budget still holds
}

BOOST_AUTO_TEST_CASE(out_of_range_server_delays_are_clamped_not_undefined) {
  // Run under UBSan (build.sh test): converting 1e19 ms to long long unclamped
  // is undefined behaviour. Either way such a delay is not honoured.
  retry_policy policy;
  for (const char* huge : {"1e19", "-1e19", "1.7e308"}) {
    auto ms = headers({{"retry-after-ms", huge}});
    BOOST_TEST(decide_retry(policy, 1, 429, &ms, 0.0, fixed_now).delay.count() == 1000, "retry-after-ms: " << huge);
    auto s = headers({{"retry-after", huge}});
    BOOST_TEST(decide_retry(policy, 1, 429, &s, 0.0, fixed_now).delay.count() == 1000, "retry-after: " << huge);
  }
  auto ms = headers({{"retry-after-ms", "1e19"}});
  BOOST_TEST(anthropic::detail::server_requested_delay(ms, fixed_now)->count() == 86'400'000);
}

BOOST_AUTO_TEST_CASE(server_delay_retry_after_ms_wins_over_retry_after) {
  retry_policy policy;
  auto both = headers({{"retry-after-ms", "1500"}, {"retry-after", "7"}});
  BOOST_TEST(decide_retry(policy, 0, 429, &both, 0.9, fixed_now).delay.count() == 1500);
  auto seconds = headers({{"retry-after", "3"}});
  BOOST_TEST(decide_retry(policy, 0, 429, &seconds, 0.9, fixed_now).delay.count() == 3000);
  auto fractional = headers({{"retry-after", "0.25"}});
  BOOST_TEST(decide_retry(policy, 0, 429, &fractional, 0.9, fixed_now).delay.count() == 250);
}

BOOST_AUTO_TEST_CASE(retry_after_as_http_date) {
  retry_policy policy;
  auto date = headers({{"retry-after", "Wed, 25 Nov 2026 12:00:05 GMT"}});
  BOOST_TEST(decide_retry(policy, 0, 503, &date, 0.0, fixed_now).delay.count() == 5000);
  BOOST_TEST(anthropic::detail::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").has_value());
  BOOST_TEST(!anthropic::detail::parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC").has_value());
  BOOST_TEST(!anthropic::detail::parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT").has_value());
  BOOST_TEST(!anthropic::detail::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").has_value());
}

BOOST_AUTO_TEST_CASE(unusable_server_delays_fall_back_to_backoff) {
  retry_policy policy;
  for (const char* bad : {"soon", "-5", "120", "", "1e400", "nan"}) {
    auto h = headers({{"retry-after", bad}});
    BOOST_TEST(decide_retry(policy, 1, 429, &h, 0.0, fixed_now).delay.count() == 1000, "retry-after: " << bad);
  }
  auto past = headers({{"retry-after", "Wed, 25 Nov 2026 11:00:00 GMT"}});
  BOOST_TEST(decide_retry(policy, 0, 429, &past, 0.0, fixed_now).delay.count() == 500);
}

BOOST_AUTO_TEST_SUITE_END()
