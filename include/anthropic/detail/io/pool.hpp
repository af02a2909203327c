// The keep-alive connection pool of a client: at most N connections to its host,
// idle ones reused most-recently-used first and closed once they are older than
// the idle expiry (checked whenever the pool is used), and requests over the cap waiting in FIFO order.
#pragma once

#include <anthropic/detail/io/connection.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/detail/sansio/deadline.hpp>
#include <anthropic/detail/sansio/proxy.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <utility>

namespace anthropic::detail {

/// Not thread-safe: used only on the client's executor.
class connection_pool {
 public:
  /// `proxy` (null: none) must outlive the pool's connections.
  connection_pool(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls_context, bool use_tls,
                  std::size_t max_connections, std::chrono::milliseconds idle_expiry,
                  const proxy_route* proxy = nullptr)
      : executor_(std::move(ex)),
        tls_context_(tls_context),
        use_tls_(use_tls),
        proxy_(proxy),
        max_connections_(std::max<std::size_t>(max_connections, 1)),
        idle_expiry_(idle_expiry) {}

  ~connection_pool() {
    for (auto& w : waiters_) w->timer.cancel();
  }

  /// A connection for one request: the most recently used idle one (unless
  /// `fresh_only`), else a new unopened one when under the cap, else the first one
  /// released after the waiters ahead of this one were served. Fails with
  /// request_timeout at `deadline`, or operation_aborted when `control` is cancelled.
  boost::asio::awaitable<std::pair<boost::system::error_code, std::unique_ptr<connection>>> async_acquire(
      clock::time_point deadline, op_control& control, bool fresh_only) {
    drop_expired();
    if (waiters_.empty()) {
      if (!fresh_only && !idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        co_return std::pair{boost::system::error_code{}, std::move(c)};
      }
      if (fresh_only && in_use_ >= max_connections_ && !idle_.empty()) {
        idle_.pop_front();  // make room by closing the oldest idle connection
        --in_use_;
      }
      if (in_use_ < max_connections_) {
        ++in_use_;
        co_return std::pair{boost::system::error_code{}, make_connection()};
      }
    }
    auto w = std::make_shared<waiter>(executor_, fresh_only);
    waiters_.push_back(w);
    w->timer.expires_at(deadline);
    control.active_timer = &w->timer;
    auto [ec] = co_await w->timer.async_wait(use_tuple);
    (void)ec;
    control.active_timer = nullptr;
    if (w->granted) co_return std::pair{boost::system::error_code{}, std::move(w->granted)};
    waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), w), waiters_.end());
    co_return std::pair{control.cancelled ? make_error_code(boost::asio::error::operation_aborted)
                                          : make_error_code(client_errc::request_timeout),
                        std::unique_ptr<connection>{}};
  }

  /// Gives a connection back. A reusable one goes to the first waiter or the idle
  /// list; any other is closed, and its slot goes to the first waiter.
  void release(std::unique_ptr<connection> c, bool reusable) {
    if (!c) return;
    if (!reusable || !c->is_open()) {
      c->close();
      c.reset();
      if (!grant_to_waiter(nullptr)) --in_use_;
      return;
    }
    if (grant_to_waiter(&c)) return;
    drop_expired();
    c->idle_since = clock::now();
    idle_.push_back(std::move(c));
  }

  /// Connections open or being opened, busy or idle (expired idle ones are closed first).
  std::size_t connections() {
    drop_expired();
    return in_use_;
  }
  /// Idle connections (expired ones are closed first).
  std::size_t idle_connections() {
    drop_expired();
    return idle_.size();
  }

  /// Closes every idle connection (busy ones finish their requests).
  void close_idle() {
    in_use_ -= idle_.size();
    idle_.clear();
  }

 private:
  struct waiter {
    waiter(const boost::asio::any_io_executor& ex, bool fresh) : timer(ex), fresh_only(fresh) {}
    boost::asio::steady_timer timer;
    bool fresh_only;
    std::unique_ptr<connection> granted;
  };

  std::unique_ptr<connection> make_connection() {
    return std::make_unique<connection>(executor_, tls_context_, use_tls_, proxy_);
  }

  // Expiry is checked whenever the pool is used, not by a timer: a pending timer
  // would keep io_context::run() from returning while the client sits idle.
  // Hands `*c` (or, when null or unwanted, a new connection in its slot) to the
  // first waiter. False when nobody waits.
  bool grant_to_waiter(std::unique_ptr<connection>* c) {
    if (waiters_.empty()) return false;
    auto w = std::move(waiters_.front());
    waiters_.pop_front();
    if (c && !w->fresh_only) {
      w->granted = std::move(*c);
    } else {
      if (c) (*c)->close();
      w->granted = make_connection();
    }
    w->timer.cancel();
    return true;
  }

  void drop_expired() {
    const auto now = clock::now();
    while (!idle_.empty() && now - idle_.front()->idle_since >= idle_expiry_) {
      idle_.pop_front();
      --in_use_;
    }
  }

  boost::asio::any_io_executor executor_;
  boost::asio::ssl::context& tls_context_;
  bool use_tls_;
  const proxy_route* proxy_;
  std::size_t max_connections_;
  std::chrono::milliseconds idle_expiry_;
  std::size_t in_use_ = 0;
  std::deque<std::unique_ptr<connection>> idle_;
  std::deque<std::shared_ptr<waiter>> waiters_;
};

}  // namespace anthropic::detail
