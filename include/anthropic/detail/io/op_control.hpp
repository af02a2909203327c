// Per-operation cancellation: what an operation is waiting on right now, so that a
// cancellation request can interrupt exactly that (and nothing shared).
#pragma once

#include <anthropic/detail/io/connection.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace anthropic::detail {

/// Lives as long as one operation. Only touched on the client's executor.
struct op_control {
  bool cancelled = false;
  connection* active_connection = nullptr;     // being opened, written or read
  boost::asio::steady_timer* active_timer = nullptr;  // a retry delay or a wait for a pooled connection

  /// Interrupts the current step; the operation then completes with operation_aborted.
  /// Closing the operation's own connection affects no other operation.
  void cancel() {
    cancelled = true;
    if (active_connection) active_connection->close();
    if (active_timer) active_timer->cancel();
  }
};

/// Points an operation's control at the connection its current step uses, for
/// the step's duration: the pointer is cleared on every way out of the scope
/// (an exception from a hook included), so a late cancellation never reaches a
/// connection that was released.
class watched_connection {
 public:
  watched_connection(op_control& control, connection* conn) noexcept : control_(control) {
    control_.active_connection = conn;
  }
  watched_connection(const watched_connection&) = delete;
  watched_connection& operator=(const watched_connection&) = delete;
  ~watched_connection() { control_.active_connection = nullptr; }

 private:
  op_control& control_;
};

/// Connects a cancellation slot (if connected) to `control`. Called on the
/// initiating thread (the emitter's thread of control). The installed handler is
/// never removed by the library (see detail::complete): the emitter may call it
/// from its own thread at any time, also after the operation completed, and may
/// destroy it whenever it likes. So it touches nothing but its own copies: the
/// cancellation itself is posted to the client's executor, and reaches `control`
/// only while the operation still holds it (a late one then finds nothing to interrupt).
inline void connect_cancellation(boost::asio::cancellation_slot slot, const std::shared_ptr<op_control>& control,
                                 const boost::asio::any_io_executor& ex) {
  if (!slot.is_connected()) return;
  slot.assign([weak = std::weak_ptr<op_control>(control), ex](boost::asio::cancellation_type_t type) {
    if ((type & (boost::asio::cancellation_type::terminal | boost::asio::cancellation_type::partial)) ==
        boost::asio::cancellation_type::none)
      return;
    boost::asio::post(ex, [weak] {
      if (auto control = weak.lock()) control->cancel();
    });
  });
}

/// The same for a type-erased handler's associated slot.
template <class Signature>
void connect_cancellation(boost::asio::any_completion_handler<Signature>& handler,
                          const std::shared_ptr<op_control>& control, const boost::asio::any_io_executor& ex) {
  connect_cancellation(boost::asio::get_associated_cancellation_slot(handler), control, ex);
}

}  // namespace anthropic::detail
