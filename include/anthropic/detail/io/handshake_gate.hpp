// Which of a client's new TLS connections may shake hands now: the rule
// against handshake storms.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

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

  handshake_gate(bool wait_for_first_session, std::size_t max_in_flight)
      : gating_(wait_for_first_session), max_in_flight_(max_in_flight) {}
  handshake_gate(const handshake_gate&) = delete;
  handshake_gate& operator=(const handshake_gate&) = delete;

  turn take_turn() {
    std::lock_guard lock(mutex_);
    if (!slot_free()) return turn::wait;
    if (!have_session_ && gating_) {
      if (pioneering_) return turn::wait;
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
    wake(pioneer && !succeeded ? waiters_.size() : 1);
  }

  /// A session is cached: resuming needs no pioneer any more.
  void session_arrived() {
    std::lock_guard lock(mutex_);
    have_session_ = true;
    pioneering_ = false;
    wake(waiters_.size());
  }

  /// Waits on `timer` (alive until then) for a turn: completes with
  /// operation_aborted when woken (take_turn again), or without an error when
  /// the wait expired: after first_session_wait for a pioneer's session (and
  /// then no connection waits for one again: the server gives none), after
  /// `limit` for a slot.
  template <class CompletionToken>
  auto async_wait_turn(boost::asio::steady_timer& timer, std::chrono::steady_clock::duration limit,
                       CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [this, &timer, limit](auto handler) {
          std::lock_guard lock(mutex_);
          const bool for_session = slot_free();  // else for a slot
          timer.expires_after(for_session ? std::min<std::chrono::steady_clock::duration>(first_session_wait, limit)
                                          : limit);
          timer.async_wait([this, &timer, for_session, handler = std::move(handler)](boost::system::error_code ec) mutable {
            {
              std::lock_guard lock(mutex_);
              waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), &timer), waiters_.end());
              if (!ec && for_session && !have_session_) gating_ = false;
            }
            std::move(handler)(ec);
          });
          // Free by now (a turn ended between take_turn and this): no wait.
          if ((slot_free() && !(gating_ && !have_session_ && pioneering_)))
            timer.cancel();
          else
            waiters_.push_back(&timer);
        },
        token);
  }

  /// Ends a wait early (its connection is being closed).
  void cancel_wait(boost::asio::steady_timer& timer) {
    std::lock_guard lock(mutex_);
    timer.cancel();
  }

 private:
  bool slot_free() const { return max_in_flight_ == 0 || in_flight_ < max_in_flight_; }

  // Under the lock: the first `n` waiters take turns again.
  void wake(std::size_t n) {
    n = std::min(n, waiters_.size());
    for (std::size_t i = 0; i < n; ++i) waiters_[i]->cancel();
    waiters_.erase(waiters_.begin(), waiters_.begin() + static_cast<std::ptrdiff_t>(n));
  }

  std::mutex mutex_;
  bool gating_;               // connections may wait for a pioneer's session
  bool pioneering_ = false;   // a pioneer's handshake is under way
  bool have_session_ = false;
  std::size_t max_in_flight_;
  std::size_t in_flight_ = 0;
  std::vector<boost::asio::steady_timer*> waiters_;
};

}  // namespace anthropic::detail
