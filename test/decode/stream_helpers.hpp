// Helpers shared by the decode tests: reading the docs' verbatim streams and
// building event payloads.
#pragma once

#include <anthropic/sse/parser.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The data payloads of a verbatim stream in the spec directory, split by the
/// library's own SSE framer.
inline std::vector<std::string> spec_stream_payloads(std::string_view name) {
  const std::string body = read_file(std::string(ANTHROPIC_SPEC_DIR) + "/streams/" + std::string(name));
  anthropic::sse::parser framer;
  std::vector<std::string> payloads;
  std::string_view input = body;
  boost::system::error_code ec;
  while (auto ev = framer.next(input, ec)) payloads.emplace_back(ev->data);
  BOOST_REQUIRE(!ec);
  BOOST_REQUIRE(!framer.finish());
  return payloads;
}

/// `s` as a JSON string literal, quotes included (escapes what JSON requires).
inline std::string json_string(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

inline std::string text_delta_event(std::size_t index, std::string_view text) {
  return R"({"type":"content_block_delta","index":)" + std::to_string(index) +
         R"(,"delta":{"type":"text_delta","text":)" + json_string(text) + "}}";
}

inline std::string input_json_delta_event(std::size_t index, std::string_view fragment) {
  return R"({"type":"content_block_delta","index":)" + std::to_string(index) +
         R"(,"delta":{"type":"input_json_delta","partial_json":)" + json_string(fragment) + "}}";
}

}  // namespace anthropic::test
