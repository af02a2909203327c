// Structured outputs: ask for a reply whose text is JSON valid against a schema
// (`output_config.format`), then read that JSON into a type of yours.
//
//   struct city { std::string name; std::uint64_t population; };
//   BOOST_DESCRIBE_STRUCT(city, (), (name, population))
//
//   req.output_config = anthropic::json_schema_output(schema);
//   anthropic::message reply = co_await client.async_create(req);
//   city c = anthropic::output_as<city>(reply);     // throws structured_output_error
//   auto r = anthropic::parse_output<city>(reply);  // no-throw: r.error, r.value, r.raw_text, r.problem
//
// The conversion is Boost.JSON's value_to<T>: structs and enums described with
// Boost.Describe, standard containers, std::optional, or a tag_invoke of yours.
// Boost 1.81's value_to of a described struct wants every member present (null
// for an empty std::optional) and no other member; a schema that lists every
// property in `required`, gives optional ones a nullable type
// (`"type": ["string", "null"]`) and sets `"additionalProperties": false`
// makes the model write exactly that.
//
// Nothing here does I/O: it reads a `message` however it arrived (async_create,
// a stream's accumulated message, a batch result).
#pragma once

#include <anthropic/config.hpp>
#include <anthropic/error.hpp>
#include <anthropic/types/json_support.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace anthropic {

/// `output_config` asking for JSON valid against `schema` (a JSON Schema object),
/// optionally with an `effort` (see `effort_levels`).
inline anthropic::output_config json_schema_output(boost::json::object schema,
                                                   std::optional<std::string> effort = std::nullopt) {
  return {.format = json_output_format{.schema = std::move(schema)}, .effort = std::move(effort)};
}

/// What parse_output() made of a reply.
template <class T>
struct structured_result {
  /// Empty on success; otherwise client_errc::output_truncated, output_refused,
  /// output_not_json or output_mismatch.
  boost::system::error_code error{};
  std::optional<T> value{};  ///< set exactly when `error` is empty
  std::string raw_text{};    ///< the reply's text (message::text()), verbatim, also on failure
  /// On failure, why, for people: the stop reason, the JSON parser's or the
  /// conversion's complaint, a printable excerpt of the text. Empty on success.
  std::string problem{};

  explicit operator bool() const noexcept { return !error; }
};

/// The exception output_as() throws: an error_with_diagnostics (code(), and
/// client_message() holding the problem) that also keeps the reply's text.
class structured_output_error : public error_with_diagnostics {
 public:
  ANTHROPIC_DECL structured_output_error(boost::system::error_code ec, std::string problem, std::string raw_text);

  /// The reply's text, verbatim (pass it through printable() before showing it).
  const std::string& raw_text() const noexcept { return raw_text_; }

 private:
  std::string raw_text_;
};

namespace detail {

/// The steps before the conversion, the same for every T: the stop reason says
/// the reply is complete, and its text parses as JSON into `jv` (in the
/// storage `jv` has). Fills `raw_text`, and `problem` on failure.
ANTHROPIC_DECL boost::system::error_code read_output_json(const message& reply, boost::json::value& jv,
                                                          std::string& raw_text, std::string& problem);

/// The problem text of a conversion that failed with `complaint`.
ANTHROPIC_DECL std::string mismatch_problem(std::string_view complaint, std::string_view raw_text);

[[noreturn]] ANTHROPIC_DECL void throw_output_error(boost::system::error_code ec, std::string problem,
                                                    std::string raw_text);

}  // namespace detail

/// Reads a reply's structured output as a `T`, without throwing for a reply
/// that does not give one (only std::bad_alloc escapes). Checked in this
/// order, the first failure wins:
///  - stop_reason "refusal": output_refused (the text, if any, is the refusal);
///  - stop_reason "max_tokens" or "model_context_window_exceeded":
///    output_truncated, even if the text happens to parse (raise max_tokens,
///    or parse raw_text yourself);
///  - the text of the reply's text blocks, concatenated, is empty or not JSON:
///    output_not_json;
///  - boost::json::value_to<T> fails (a missing or extra member, a wrong
///    type, an exception from your own conversion): output_mismatch.
template <class T>
structured_result<T> parse_output(const message& reply) {
  structured_result<T> out;
  // The parsed tree lives only until value_to<T> has copied what T keeps.
  detail::json_scratch scratch;
  boost::json::value jv(scratch.storage());
  out.error = detail::read_output_json(reply, jv, out.raw_text, out.problem);
  if (out.error) return out;
  // value_to rather than try_value_to: the latter turns an exception of a
  // user's conversion into a bare error::exception, losing its what().
  try {
    out.value.emplace(boost::json::value_to<T>(jv));
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const boost::system::system_error& e) {
    // The code's message without the source location Boost puts in what().
    out.error = client_errc::output_mismatch;
    out.problem = detail::mismatch_problem(e.code().message(), out.raw_text);
  } catch (const std::exception& e) {
    out.error = client_errc::output_mismatch;
    out.problem = detail::mismatch_problem(e.what(), out.raw_text);
  }
  return out;
}

/// Reads a reply's structured output as a `T`, throwing structured_output_error
/// (with the code and problem parse_output() would give) when it cannot.
template <class T>
T output_as(const message& reply) {
  structured_result<T> result = parse_output<T>(reply);
  if (result.error) detail::throw_output_error(result.error, std::move(result.problem), std::move(result.raw_text));
  return std::move(*result.value);
}

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/structured_output.ipp>
#endif
