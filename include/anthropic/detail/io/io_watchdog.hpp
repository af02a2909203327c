// The time limit of a connection's current I/O step, kept by one timer per
// connection that is not re-armed on every step.
#pragma once

#include <anthropic/detail/sansio/deadline.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace anthropic::detail {

/// Closes a socket when the step in progress outlives its limit, so that the
/// step completes (with operation_aborted; `expired()` tells it was the limit).
///
/// A stream reads thousands of times, each with a fresh idle limit. Re-arming a
/// timer for each (cancel, a new wait, the cancelled wait's completion posted)
/// would cost a trip through the scheduler per read. Here a step only records
/// its expiry time; the timer, waiting for an earlier expiry, finds on waking
/// that the expiry moved and sleeps again until then. So the timer wakes at
/// most once per limit's length while steps keep completing in time, and is
/// restarted only when a step's limit ends sooner than the pending wait.
///
/// The timer's state is shared with its pending wait, which may complete after
/// the connection is gone; `detach()` (from the owner's destructor) makes that
/// wait do nothing.
class io_watchdog {
 public:
  io_watchdog(const boost::asio::any_io_executor& ex, boost::asio::ip::tcp::socket& socket)
      : state_(std::make_shared<state>(ex, socket)) {}
  io_watchdog(const io_watchdog&) = delete;
  io_watchdog& operator=(const io_watchdog&) = delete;
  ~io_watchdog() { detach(); }

  /// Limits the step that starts now to `wait` from now.
  void expires_after(clock::duration wait) {
    auto& s = *state_;
    s.expired = false;
    s.expiry = clock::now() + wait;
    // A pending wait that ends at or before the new expiry re-checks then.
    if (s.waiting && s.timer.expiry() <= s.expiry) return;
    if (s.waiting) s.timer.cancel();  // its completion sees `generation` moved on and stops
    start_wait(state_);
  }

  /// No limit for the steps that follow. The pending wait, if any, is
  /// cancelled: a connection at rest must not keep its io_context running.
  void expires_never() noexcept {
    state_->expired = false;
    state_->expiry = clock::time_point::max();
    if (state_->waiting) state_->timer.cancel();
  }

  /// True when the last limit struck (and closed the socket).
  bool expired() const noexcept { return state_->expired; }

  void detach() noexcept {
    if (!state_) return;
    state_->socket = nullptr;
    state_->expiry = clock::time_point::max();
    if (state_->waiting) state_->timer.cancel();
  }

 private:
  struct state {
    state(const boost::asio::any_io_executor& ex, boost::asio::ip::tcp::socket& s) : timer(ex), socket(&s) {}
    boost::asio::steady_timer timer;
    boost::asio::ip::tcp::socket* socket;
    clock::time_point expiry = clock::time_point::max();
    unsigned generation = 0;  // which wait is the current one
    bool waiting = false;
    bool expired = false;
  };

  static void start_wait(const std::shared_ptr<state>& s) {
    s->waiting = true;
    const unsigned generation = ++s->generation;
    s->timer.expires_at(s->expiry);
    s->timer.async_wait([s, generation](boost::system::error_code) {
      if (generation != s->generation) return;  // superseded by a sooner limit
      s->waiting = false;
      if (!s->socket || s->expiry == clock::time_point::max()) return;
      if (clock::now() < s->expiry) {
        start_wait(s);  // the step moved its expiry on while this wait slept
        return;
      }
      s->expired = true;
      s->expiry = clock::time_point::max();
      boost::system::error_code ignored;
      s->socket->close(ignored);
    });
  }

  std::shared_ptr<state> state_;
};

}  // namespace anthropic::detail
