// Completion-token plumbing shared by every asynchronous operation of the library:
// the with_diagnostics token adapter (turns `void(error_code, T)` into
// `void(std::exception_ptr, T)` whose exception is an anthropic::error_with_diagnostics carrying
// the diagnostics), and the helpers that hand type-erased handlers their result.
#pragma once

#include <anthropic/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace anthropic {

/// A completion token adapter: an operation whose handler would receive
/// `(error_code ec, T value)` completes `Token` with `(std::exception_ptr, T)`
/// instead, the exception being an anthropic::error_with_diagnostics built from `ec` and the
/// operation's diagnostics (HTTP status, error type, server message, request id).
/// With `use_awaitable` this makes `co_await` throw on failure; it is the
/// library's default token. Modelled on Boost.MySQL's with_diagnostics.
template <class CompletionToken>
struct with_diagnostics_t {
  CompletionToken token{};

  constexpr with_diagnostics_t() = default;
  template <class T, class = std::enable_if_t<!std::is_same_v<std::decay_t<T>, with_diagnostics_t>>>
  constexpr explicit with_diagnostics_t(T&& t) : token(std::forward<T>(t)) {}
};

/// Wraps a completion token so that failures arrive as a thrown/passed error_with_diagnostics.
template <class CompletionToken>
constexpr with_diagnostics_t<std::decay_t<CompletionToken>> with_diagnostics(CompletionToken&& token) {
  return with_diagnostics_t<std::decay_t<CompletionToken>>(std::forward<CompletionToken>(token));
}

/// The token used when an operation is called without one: `co_await` on it
/// returns the result or throws anthropic::error_with_diagnostics.
using default_token_t = with_diagnostics_t<boost::asio::use_awaitable_t<>>;

namespace detail {

/// The handler with_diagnostics installs in front of the user's: it owns the
/// diagnostics the operation fills (unless the caller passed their own) and turns
/// an error code into an exception_ptr.
template <class Handler>
struct rethrowing_handler {
  Handler handler;
  std::unique_ptr<diagnostics> owned;  // null when the caller supplied diagnostics
  diagnostics* diag;

  template <class T>
  void operator()(boost::system::error_code ec, T&& value) {
    std::exception_ptr error;
    if (ec) error = std::make_exception_ptr(error_with_diagnostics(ec, *diag));
    owned.reset();
    std::move(handler)(std::move(error), std::forward<T>(value));
  }
};

/// Wraps an operation's initiation: its first argument after the handler is the
/// `diagnostics*` the operation fills; a null one is replaced by storage owned by
/// the rethrowing handler (heap, so it stays put while the handler moves).
template <class Initiation>
struct with_diagnostics_initiation {
  Initiation initiation;

  auto get_executor() const noexcept { return initiation.get_executor(); }

  template <class Handler, class... Args>
  void operator()(Handler&& handler, diagnostics* caller_diag, Args&&... args) {
    std::unique_ptr<diagnostics> owned;
    if (!caller_diag) owned = std::make_unique<diagnostics>();
    diagnostics* diag = caller_diag ? caller_diag : owned.get();
    std::move(initiation)(
        rethrowing_handler<std::decay_t<Handler>>{std::forward<Handler>(handler), std::move(owned), diag}, diag,
        std::forward<Args>(args)...);
  }
};

/// The token an operation of basic_client<Executor> uses when none is given: the
/// executor's default when it has one (`as_default_on`), else default_token_t.
template <class Executor, class = void>
struct default_token_for {
  using type = default_token_t;
};
template <class Executor>
struct default_token_for<Executor, std::void_t<typename Executor::default_completion_token_type>> {
  using type = typename Executor::default_completion_token_type;
};

/// Cancellation types the library's operations honour: terminal and partial both
/// close the connection the operation uses (the operation then completes with
/// boost::asio::error::operation_aborted); total cancellation is not supported,
/// since an HTTP request that left the client cannot be undone.
inline constexpr boost::asio::cancellation_type_t supported_cancellation =
    boost::asio::cancellation_type::terminal | boost::asio::cancellation_type::partial;

/// Hands a type-erased handler its result the way Asio operations do: through the
/// handler's associated executor (never inline from the initiating call, which the
/// caller guarantees by completing from inside the client's own asynchronous work).
///
/// The handler's cancellation slot is deliberately left alone (not cleared). The
/// slot belongs to its emitter, which may emit on it at any time from its own
/// thread of control, and a cancellation_slot is not thread-safe; clearing it
/// anywhere else races with that emit, and nothing here tells which thread the
/// emitter uses. Clearing it on the handler's executor is not enough: in a
/// parallel group the per-operation handler has no associated executor, so it
/// runs on the client's strand, while the group's other operation (a timer on
/// the caller's strand) completes there and emits on this very slot
/// (ThreadSanitizer: concurrency/races_cancelled_from_other_strands). Asio's own
/// operations (timers, sockets, async_compose) leave their cancellation handler
/// installed as well: the one connect_cancellation installs stays safe to call
/// after the operation completed, from any thread (it then does nothing), until
/// the emitter replaces or destroys it.
template <class Signature, class... Args>
void complete(boost::asio::any_completion_handler<Signature> handler, const boost::asio::any_io_executor& fallback,
              Args&&... args) {
  auto ex = boost::asio::get_associated_executor(handler, fallback);
  boost::asio::dispatch(ex, boost::asio::append(std::move(handler), std::forward<Args>(args)...));
}

/// What an operation on an empty object (a default-constructed or moved-from
/// stream or reader) does: completes with boost::asio::error::not_connected
/// and `empty`, through the handler's own executor (there is no client's),
/// never inline.
template <class Handler, class Empty>
void complete_not_connected(Handler&& handler, diagnostics* diag, Empty empty) {
  if (diag) diag->clear();
  auto ex = boost::asio::get_associated_executor(handler, boost::asio::system_executor());
  boost::asio::post(ex, boost::asio::append(std::forward<Handler>(handler),
                                            make_error_code(boost::asio::error::not_connected), std::move(empty)));
}

}  // namespace detail
}  // namespace anthropic

namespace boost::asio {

template <class Token, class T>
struct async_result<anthropic::with_diagnostics_t<Token>, void(boost::system::error_code, T)> {
  template <class Initiation, class RawToken, class... Args>
  static auto initiate(Initiation&& initiation, RawToken&& token, Args&&... args) {
    return boost::asio::async_initiate<Token, void(std::exception_ptr, T)>(
        anthropic::detail::with_diagnostics_initiation<std::decay_t<Initiation>>{
            std::forward<Initiation>(initiation)},
        token.token, std::forward<Args>(args)...);
  }
};

// The wrapped handler keeps the user's executor, allocator and cancellation slot.
template <template <class, class> class Associator, class Handler, class DefaultCandidate>
struct associator<Associator, anthropic::detail::rethrowing_handler<Handler>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
  static typename Associator<Handler, DefaultCandidate>::type get(
      const anthropic::detail::rethrowing_handler<Handler>& h) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.handler);
  }
  static auto get(const anthropic::detail::rethrowing_handler<Handler>& h, const DefaultCandidate& c) noexcept
      -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
    return Associator<Handler, DefaultCandidate>::get(h.handler, c);
  }
};

}  // namespace boost::asio
