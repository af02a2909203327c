// Which of a client's new TLS connections may shake hands now: the rule
// against handshake storms.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <utility>

namespace anthropic::detail {

/// A burst of connections opened together (a thousand streams started at
/// once) would otherwise all shake hands at the same time:
/// - before any TLS session exists, every one of them makes a full handshake
///   (certificate chain decoded and verified a thousand times). With
///   `wait_for_first_session`, the first goes ahead (the pioneer) and the
///   others wait until its session arrives (the server's first ticket), at
///   most first_session_wait, and then resume it;
/// - every handshake in flight holds OpenSSL's handshake state and buffers
///   (tens of kB), so memory peaks with the number in flight, not with the
///   connections open. `max_in_flight` (0: no limit) bounds them; the others
///   wait for a slot, at most as long as their handshake may take.
/// One per client. Thread-safe: connections of a client may run on several
/// threads; waits are registered and woken under the lock, so no wake-up is lost.
class handshake_gate {
 public:
  /// How long connections wait for the pioneer's session before making full
  /// handshakes of their own (a server that hands out no tickets).
  static constexpr std::chrono::milliseconds first_session_wait{1000};

  /// What a connection about to shake hands is to do.
  enum class turn {
    go,       ///< shake hands now; call handshake_ended(false, ...) after
    pioneer,  ///< the same, as the first of a burst: handshake_ended(true, ...)
    wait      ///< async_wait_turn, then take_turn again
  };

  /// A connection's place in the queue for a turn: its timer and its link in
  /// the queue. Owned by the connection, alive until its wait completes.
  /// Thousands of connections may wait at once, so joining, leaving and being
  /// woken are constant-time (a vector scanned per wait made a burst of
  /// 10,000 quadratic: a third of its CPU).
  class waiter {
   public:
    explicit waiter(const boost::asio::any_io_executor& ex) : timer_(ex) {}

   private:
    friend class handshake_gate;
    boost::asio::steady_timer timer_;
    boost::intrusive::list_member_hook<> hook_;
  };

  handshake_gate(bool wait_for_first_session, std::size_t max_in_flight)
      : gating_(wait_for_first_session), max_in_flight_(max_in_flight) {}
  handshake_gate(const handshake_gate&) = delete;
  handshake_gate& operator=(const handshake_gate&) = delete;

  turn take_turn() {
    std::lock_guard lock(mutex_);
    if (must_wait()) return turn::wait;
    if (!have_session_ && gating_) {
      pioneering_ = true;
      ++in_flight_;
      return turn::pioneer;
    }
    ++in_flight_;
    return turn::go;
  }

  /// A wait expired: the connection shakes hands anyway (counted in flight).
  void force_turn() {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }

  /// A handshake that took its turn ended. A pioneer that failed lets the
  /// connections waiting for its session go; any end frees a slot.
  void handshake_ended(bool pioneer, bool succeeded) {
    std::lock_guard lock(mutex_);
    --in_flight_;
    if (pioneer && !succeeded) pioneering_ = false;
    wake(pioneer && !succeeded ? all : 1);
  }

  /// A session is cached: resuming needs no pioneer any more. Only the first
  /// one wakes the connections waiting: later ones (every connection gets
  /// tickets) change nothing for a connection waiting for a slot, and waking
  /// thousands of them per ticket only to queue them again is quadratic.
  void session_arrived() {
    std::lock_guard lock(mutex_);
    const bool first = !have_session_;
    have_session_ = true;
    pioneering_ = false;
    if (first) wake(all);
  }

  /// Waits in `w` for a turn: completes with operation_aborted when woken
  /// (take_turn again), or without an error when the wait expired: after
  /// first_session_wait for a pioneer's session (and then no connection waits
  /// for one again: the server gives none), after `limit` for a slot.
  template <class CompletionToken>
  auto async_wait_turn(waiter& w, std::chrono::steady_clock::duration limit, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [this, &w, limit](auto handler) {
          std::lock_guard lock(mutex_);
          const bool for_session = slot_free();  // else for a slot
          w.timer_.expires_after(for_session ? std::min<std::chrono::steady_clock::duration>(first_session_wait, limit)
                                             : limit);
          w.timer_.async_wait([this, &w, for_session, handler = std::move(handler)](boost::system::error_code ec) mutable {
            {
              std::lock_guard lock(mutex_);
              if (w.hook_.is_linked()) waiters_.erase(waiters_.iterator_to(w));
              if (!ec && for_session && !have_session_) gating_ = false;
            }
            std::move(handler)(ec);
          });
          // Free by now (a turn ended between take_turn and this): no wait.
          if (!must_wait())
            w.timer_.cancel();
          else
            waiters_.push_back(w);
        },
        token);
  }

  /// Ends a wait early (its connection is being closed).
  void cancel_wait(waiter& w) {
    std::lock_guard lock(mutex_);
    w.timer_.cancel();
  }

 private:
  static constexpr std::size_t all = static_cast<std::size_t>(-1);

  bool slot_free() const { return max_in_flight_ == 0 || in_flight_ < max_in_flight_; }
  // Under the lock: no slot, or a pioneer's session to wait for.
  bool must_wait() const { return !slot_free() || (gating_ && !have_session_ && pioneering_); }

  // Under the lock: the first `n` waiters (first come, first served) take turns again.
  void wake(std::size_t n) {
    for (; n != 0 && !waiters_.empty(); --n) {
      waiters_.front().timer_.cancel();
      waiters_.pop_front();
    }
  }

  std::mutex mutex_;
  bool gating_;               // connections may wait for a pioneer's session
  bool pioneering_ = false;   // a pioneer's handshake is under way
  bool have_session_ = false;
  std::size_t max_in_flight_;
  std::size_t in_flight_ = 0;
  // Not constant_time_size: size() is only asked for to wake everyone.
  boost::intrusive::list<waiter, boost::intrusive::member_hook<waiter, boost::intrusive::list_member_hook<>, &waiter::hook_>,
                         boost::intrusive::constant_time_size<false>>
      waiters_;
};

}  // namespace anthropic::detail
