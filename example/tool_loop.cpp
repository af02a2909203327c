// tool_loop: a conversation in which the model uses a tool.
//
// The request offers a `get_weather` tool. While the model stops with
// stop_reason "tool_use", the program runs each requested call locally, appends
// the model's turn and a user turn of tool_result blocks to the conversation,
// and asks again -- until the model ends its turn with an answer.
// Offline (no ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN): mock_server in-process,
// whose default replies call a tool until they see its result.
#include "offline.hpp"

#include <anthropic/client.hpp>
#include <anthropic/types.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>
#include <string>
#include <vector>

// The "tool": local code the model may ask for. Its result goes back as text;
// a failure is reported to the model with is_error set, not thrown.
anthropic::tool_result_block run_tool(const anthropic::tool_use_block& call) {
  if (call.name != "get_weather")
    return anthropic::tool_result(call.id, "unknown tool '" + call.name + "'", /*is_error=*/true);
  const auto* input = call.input.if_object();
  const auto* location = input ? input->if_contains("location") : nullptr;
  if (!location || !location->is_string())
    return anthropic::tool_result(call.id, "get_weather needs a string 'location'", true);
  return anthropic::tool_result(call.id, "18 degrees C and light rain in " + std::string(location->get_string()));
}

boost::asio::awaitable<void> converse(anthropic::client& client) {
  anthropic::message_request req{
      .model = "claude-sonnet-4-5",
      .max_tokens = 1024,
      .messages = {anthropic::user("What is the weather like in Paris right now?")},
      .tools = {anthropic::custom_tool("get_weather", "The current weather at a location.",
                                       boost::json::parse(R"({"type": "object",
                                                              "properties": {"location": {"type": "string"}},
                                                              "required": ["location"]})"))},
  };
  // A bound on the rounds: a model that keeps calling tools must not loop forever.
  for (int round = 1; round <= 8; ++round) {
    anthropic::message reply = co_await client.async_create(req);
    if (auto text = reply.text(); !text.empty()) std::cout << "assistant: " << text << "\n";
    if (!reply.stopped_for(anthropic::stop_reasons::tool_use)) {
      std::cout << "(stop_reason " << reply.stop_reason.value_or("none") << " after " << round << " requests)\n";
      co_return;
    }
    std::vector<anthropic::content_block> results;
    for (const anthropic::tool_use_block* call : anthropic::tool_calls(reply)) {
      std::cout << "tool call: " << call->name << " " << boost::json::serialize(call->input) << "\n";
      results.push_back(run_tool(*call));
    }
    // The model's turn (tool_use blocks included) and our results, in that order.
    anthropic::append_tool_results(req.messages, reply, std::move(results));
  }
  std::cout << "giving up: the model is still calling tools\n";
}

int main() {
  boost::asio::io_context io;
  auto options = anthropic::client_options::from_env();
  auto mock = example::mock_unless_credentials(io, options);
  anthropic::client client(io.get_executor(), options);
  return example::run_to_end(io, converse(client), mock.get());
}
