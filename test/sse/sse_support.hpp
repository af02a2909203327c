// Helpers shared by the SSE framer tests: owned copies of events and a driver
// that feeds a stream in given pieces.
#pragma once

#include <anthropic/sse/parser.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic::test {

// An event that owns its bytes, so results of different feeds can be compared.
struct owned_event {
  std::string type;
  std::string data;
  std::string id;
  std::optional<std::uint64_t> retry;

  friend bool operator==(const owned_event&, const owned_event&) = default;
  friend std::ostream& operator<<(std::ostream& os, const owned_event& e) {
    os << "{type=" << e.type << " data=" << e.data << " id=" << e.id << " retry=";
    if (e.retry) os << *e.retry; else os << "-";
    return os << "}";
  }
};

inline owned_event own(const sse::event& e) {
  return {std::string(e.type), std::string(e.data), std::string(e.id), e.retry};
}

// Everything a whole stream produced: its events, the first error of next(),
// and what finish() said.
struct stream_result {
  std::vector<owned_event> events;
  boost::system::error_code error;
  boost::system::error_code finish;
};

// Feeds `stream` cut at the given offsets (ascending), each piece copied into
// its own short-lived buffer, as a socket reader would.
inline stream_result parse_pieces(std::string_view stream, const std::vector<std::size_t>& cuts,
                                  sse::parser_options opts = {}) {
  sse::parser parser(opts);
  stream_result result;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= cuts.size() && !result.error; ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : stream.size();
    std::string piece(stream.substr(begin, end - begin));  // dies after this piece
    std::string_view input(piece);
    while (auto ev = parser.next(input, result.error)) result.events.push_back(own(*ev));
    begin = end;
  }
  result.finish = parser.finish();
  return result;
}

inline stream_result parse_whole(std::string_view stream, sse::parser_options opts = {}) {
  return parse_pieces(stream, {}, opts);
}

inline std::string read_spec_stream(const std::string& name) {
  std::ifstream file(std::string(ANTHROPIC_SPEC_DIR) + "/streams/" + name, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace anthropic::test
