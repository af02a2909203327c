// A downstream program: it sees the library only through the installed package,
// and uses it for real: a client creates and streams a message from a
// mock_server over TLS on 127.0.0.1.
#include <anthropic/anthropic.hpp>
#include <anthropic/testing/mock_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string>

namespace {

boost::asio::awaitable<std::string> converse(anthropic::client& client) {
  anthropic::message_request req{.model = "claude-sonnet-4-5", .max_tokens = 64,
                                 .messages = {anthropic::user("Say hello.")}};
  anthropic::message created = co_await client.async_create(req);
  auto stream = co_await client.async_stream(req);
  std::string streamed;
  while (auto event = co_await stream.async_next())
    if (auto text = event->text_delta()) streamed += *text;
  if (created.text().empty() || streamed != created.text() || stream.message().text() != streamed)
    co_return "the streamed text differs from the created message";
  co_return "";
}

}  // namespace

int main() {
  boost::asio::io_context io;
  anthropic::testing::mock_server server(io.get_executor());
  anthropic::client_options options;
  server.configure_client(options);
  anthropic::client client(io.get_executor(), options);
  std::string problem = "did not finish";
  boost::asio::co_spawn(io, converse(client), [&](std::exception_ptr error, std::string result) {
    problem = result;
    if (error) try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        problem = e.what();
      }
    server.stop();
  });
  io.run();
  if (!problem.empty()) {
    std::cerr << "consumer failed: " << problem << "\n";
    return 1;
  }
  std::cout << "consumer ok (anthropic-asio " << anthropic::version_string << ", " << CONSUMER_MODE << ")\n";
  return 0;
}
