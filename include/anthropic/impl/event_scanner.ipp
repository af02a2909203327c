// event_scanner's members: the one place that instantiates Boost.JSON's SAX
// parser (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/detail/sansio/event_scanner.hpp>

#include <boost/json/basic_parser_impl.hpp>

namespace anthropic::detail {

ANTHROPIC_DECL event_scanner::event_scanner() : parser_(event_parse_options()) {}

ANTHROPIC_DECL event_scanner::event_scanner(event_scanner&& other) noexcept : parser_(event_parse_options()) {
  parser_.handler().scratch = std::move(other.parser_.handler().scratch);
}

ANTHROPIC_DECL event_scanner& event_scanner::operator=(event_scanner&& other) noexcept {
  parser_.handler().scratch = std::move(other.parser_.handler().scratch);
  return *this;
}

ANTHROPIC_DECL boost::system::error_code event_scanner::scan(std::string_view json) {
  parser_.reset();
  parser_.handler().start(json.data(), json.data() + json.size());
  boost::system::error_code ec;
  const std::size_t used = parser_.write_some(false, json.data(), json.size(), ec);
  if (!ec && used != json.size()) ec = boost::json::error::extra_data;
  return ec;
}

}  // namespace anthropic::detail
