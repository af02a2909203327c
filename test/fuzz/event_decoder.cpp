// Fuzzes event decoding and accumulation. The input is a sequence of event
// payloads, one per line; each is decoded and, when it decodes, folded into a
// message_accumulator, whatever the order.
//
// Beyond "no crash, no UB, no leak", the SAX decoder is checked against a full
// boost::json::parse of the same payload: both must agree on whether it is JSON,
// and every string the decoder hands out must equal the DOM's.
#include <anthropic/message_accumulator.hpp>
#include <anthropic/types/stream_event.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace {

[[noreturn]] void mismatch(const char* what) {
  __builtin_printf("decoder and boost::json::parse disagree: %s\n", what);
  std::abort();
}

const boost::json::value* find(const boost::json::value& v, std::string_view key) {
  const auto* obj = v.if_object();
  return obj ? obj->if_contains(key) : nullptr;
}

void expect_string(const boost::json::value* v, std::optional<std::string_view> decoded, const char* what) {
  if (!decoded) return;
  if (!v || !v->is_string() || std::string_view(v->get_string()) != *decoded) mismatch(what);
}

void cross_check(std::string_view data, const boost::system::error_code& ec, const anthropic::stream_event& ev) {
  boost::system::error_code dom_ec;
  const boost::json::value dom = boost::json::parse(data, dom_ec, {}, anthropic::detail::event_parse_options());
  if (dom_ec) {
    if (ec != anthropic::client_errc::invalid_json) mismatch("the DOM parse failed but decode did not say invalid_json");
    return;
  }
  if (ec == anthropic::client_errc::invalid_json) mismatch("decode said invalid_json for valid JSON");
  if (ec) return;
  expect_string(find(dom, "type"), ev.type_name(), "type");
  if (ev.type() == anthropic::event_type::content_block_delta) {
    const auto* index = find(dom, "index");
    if (!index || !index->is_number() || index->to_number<std::uint64_t>() != ev.index()) mismatch("index");
    const auto* delta = find(dom, "delta");
    expect_string(find(*delta, "type"), ev.delta_type_name(), "delta.type");
    expect_string(find(*delta, "text"), ev.text_delta(), "text");
    expect_string(find(*delta, "thinking"), ev.thinking_delta(), "thinking");
    expect_string(find(*delta, "partial_json"), ev.partial_json(), "partial_json");
    expect_string(find(*delta, "signature"), ev.signature_delta(), "signature");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(bytes), size);
  anthropic::event_decoder decoder;
  anthropic::stream_event ev;
  anthropic::message_accumulator acc;
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view data = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);

    const auto ec = decoder.decode(data, ev);
    cross_check(data, ec, ev);
    if (ec) continue;
    (void)acc.apply(ev);
  }
  // The partial message stays consistent whatever happened: it serializes.
  (void)boost::json::serialize(boost::json::value_from(acc.message()));
  if (acc.complete()) (void)acc.take_message();
  return 0;
}
