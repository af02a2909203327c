// Which of the awaitable completion tokens a call was given, for operations
// that can hand out a result already at hand without a trip through the
// scheduler when the caller is a coroutine.
#pragma once

#include <anthropic/completion.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace anthropic::detail {

/// How `co_await op(token)` delivers `void(error_code, T)`: as a tuple
/// (`as_tuple(use_awaitable)`), as T or a thrown boost::system::system_error
/// (`use_awaitable`), as T or a thrown error_with_diagnostics (the library's
/// default token); `none` for every other token.
enum class awaitable_form { none, tuple, throws_system_error, throws_with_diagnostics };

template <class Token>
inline constexpr awaitable_form awaitable_form_of = awaitable_form::none;
template <>
inline constexpr awaitable_form awaitable_form_of<boost::asio::as_tuple_t<boost::asio::use_awaitable_t<>>> =
    awaitable_form::tuple;
template <>
inline constexpr awaitable_form awaitable_form_of<boost::asio::use_awaitable_t<>> =
    awaitable_form::throws_system_error;
template <>
inline constexpr awaitable_form awaitable_form_of<with_diagnostics_t<boost::asio::use_awaitable_t<>>> =
    awaitable_form::throws_with_diagnostics;

/// The token of each form, to start the operation the usual way when the
/// result is not at hand.
template <awaitable_form Form>
constexpr auto awaitable_token() {
  if constexpr (Form == awaitable_form::tuple)
    return boost::asio::as_tuple(boost::asio::use_awaitable);
  else if constexpr (Form == awaitable_form::throws_system_error)
    return boost::asio::use_awaitable;
  else
    return with_diagnostics_t<boost::asio::use_awaitable_t<>>{};
}

}  // namespace anthropic::detail
