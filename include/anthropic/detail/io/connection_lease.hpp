// One connection taken from a client's pool, owned until it is given back.
#pragma once

#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/connection.hpp>

#include <memory>
#include <utility>

namespace anthropic::detail {

/// Gives its connection back to the pool exactly once: as reusable or not when
/// the owner says so (release()), and closed on every other path (an error, a
/// cancellation, an exception thrown by a hook, a coroutine frame destroyed
/// mid-way). Without this, each forgotten path would keep a pool slot busy for
/// good, and after max_connections of them every request would wait until its
/// timeout. Holds the client's core, so the pool outlives the lease whatever is
/// destroyed first. Must be released and destroyed on the client's executor.
class connection_lease {
 public:
  connection_lease() = default;
  connection_lease(std::shared_ptr<client_core> core, std::unique_ptr<connection> conn) noexcept
      : core_(std::move(core)), conn_(std::move(conn)) {}

  connection_lease(connection_lease&&) noexcept = default;
  connection_lease& operator=(connection_lease&& other) noexcept {
    if (this != &other) {
      release(false);
      core_ = std::move(other.core_);
      conn_ = std::move(other.conn_);
    }
    return *this;
  }
  ~connection_lease() { release(false); }

  /// Returns the connection to the pool: kept for another request when
  /// `reusable`, otherwise closed (its slot goes to the next waiter). No effect
  /// when nothing is held.
  void release(bool reusable) noexcept {
    if (conn_) core_->pool().release(std::move(conn_), reusable);
  }

  /// Returns the connection, reusable when its exchange ended cleanly
  /// (connection::finish_exchange()).
  void finish() noexcept {
    if (conn_) release(conn_->finish_exchange());
  }

  connection* get() const noexcept { return conn_.get(); }
  connection* operator->() const noexcept { return conn_.get(); }
  connection& operator*() const noexcept { return *conn_; }
  explicit operator bool() const noexcept { return conn_ != nullptr; }

 private:
  std::shared_ptr<client_core> core_;
  std::unique_ptr<connection> conn_;
};

}  // namespace anthropic::detail
