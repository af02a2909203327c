// A downstream program: it sees the library only through the installed package.
#include <anthropic/anthropic.hpp>

#include <iostream>
#include <string_view>

int main() {
  anthropic::sse::parser parser;
  std::string_view input = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
  boost::system::error_code ec;
  auto event = parser.next(input, ec);
  if (!event || event->type != "ping" || ec) return 1;
  std::cout << "consumer ok (anthropic-asio " << anthropic::version_string << ")\n";
  return 0;
}
