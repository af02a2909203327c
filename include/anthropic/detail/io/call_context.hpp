// The frame every operation of the request core shares: the client, the
// operation's cancellation state, its target and hook identity, the settings
// in force for it (the client's, or the caller's request_options), its
// deadline and the request being sent.
#pragma once

#include <anthropic/detail/io/client_core.hpp>
#include <anthropic/detail/io/op_control.hpp>
#include <anthropic/detail/sansio/deadline.hpp>
#include <anthropic/detail/sansio/http_request.hpp>
#include <anthropic/options.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace anthropic::detail {

/// Neither copied nor moved: `info.target` views the `target` member, and the
/// settings refer into `overrides` or the client's options. (Built from an
/// api_call's parts, not from the api_call: stream_state, which the public
/// stream header's implementation includes, needs this header, and
/// detail/launch.hpp includes that public header.)
struct call_context {
  call_context(std::shared_ptr<client_core> core_in, std::shared_ptr<op_control> control_in,
               std::string_view operation, std::string_view api_path,
               std::shared_ptr<const request_options> call_options)
      : core(std::move(core_in)),
        control(std::move(control_in)),
        overrides(std::move(call_options)),
        timeouts(overrides && overrides->timeouts ? *overrides->timeouts : core->options().timeouts),
        retry(overrides && overrides->retry ? *overrides->retry : core->options().retry),
        stream_long_requests(overrides && overrides->stream_long_requests ? *overrides->stream_long_requests
                                                                          : core->options().stream_long_requests),
        target(core->url().target(api_path)),
        info(core->new_request(operation, target)),
        deadline(request_deadline(timeouts.request)) {
    if (core->options().hooks.on_request_start) core->options().hooks.on_request_start(info);
  }
  call_context(const call_context&) = delete;
  call_context& operator=(const call_context&) = delete;

  std::shared_ptr<client_core> core;
  std::shared_ptr<op_control> control;
  std::shared_ptr<const request_options> overrides;  ///< null: the client's settings only
  const timeout_options& timeouts;
  const retry_policy& retry;
  bool stream_long_requests;
  std::string target;
  request_info info;
  clock::time_point deadline;
  http_request request;
};

inline void end_call(const call_context& call, boost::system::error_code ec) {
  call.core->report_request_end(call.info, ec);
}

}  // namespace anthropic::detail
