// anthropic::basic_pager: every item of a list endpoint (models, message
// batches), one at a time, fetching pages as they are needed:
//
//   auto models = client.list_all_models();
//   while (auto model = co_await models.async_next())
//     std::cout << model->id << '\n';
#pragma once

#include <anthropic/completion.hpp>
#include <anthropic/detail/launch.hpp>
#include <anthropic/error.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <optional>
#include <utility>

namespace anthropic {

/// Walks a list endpoint item by item. The cursor moves forward from
/// list_params::after_id (or from the newest item), or backward when
/// list_params::before_id is set; `limit` sets the page size. A page is
/// fetched only when the items of the previous one are used up, so a pager
/// that is dropped early costs no more requests than it used.
///
/// Made by the client (client.list_all_models(), list_all_batches()); shares
/// the client's connections and settings, and keeps them alive. Cheap to move.
template <class Item, class Executor = boost::asio::any_io_executor>
class basic_pager {
 public:
  using executor_type = Executor;
  using item_type = Item;
  using default_completion_token_type = typename detail::default_token_for<Executor>::type;

  /// (For the client.) Walks the list `state` describes.
  basic_pager(const executor_type& ex, std::shared_ptr<detail::pager_state<Item>> state)
      : executor_(ex), state_(std::move(state)) {}

  executor_type get_executor() const noexcept { return executor_; }

  /// The next item, or an empty optional once the list has ended.
  ///
  /// Handler signature: `void(boost::system::error_code, std::optional<Item>)`.
  /// Errors: those of the list call that fetches the next page (as for
  /// client.async_create), client_errc::invalid_argument for list_params the
  /// API would refuse, client_errc::operation_in_progress when called while
  /// another async_next of this pager runs. A failed call can be repeated: it
  /// fetches the same page again. Cancellation as for the client's operations.
  template <class CompletionToken = default_completion_token_type>
  auto async_next(CompletionToken&& token = {}) {
    return detail::initiate_operation<detail::next_item_operation<Item>>(state_->core, executor_, token, nullptr,
                                                                         state_);
  }
  /// async_next that also fills `diag`, which must outlive the operation.
  template <class CompletionToken = default_completion_token_type>
  auto async_next(diagnostics& diag, CompletionToken&& token = {}) {
    return detail::initiate_operation<detail::next_item_operation<Item>>(state_->core, executor_, token, &diag,
                                                                         state_);
  }

 private:
  Executor executor_;
  std::shared_ptr<detail::pager_state<Item>> state_;
};

}  // namespace anthropic
