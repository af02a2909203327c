// The second object of anthropic::asio_compiled: anthropic::testing::mock_server,
// linked only into programs that use it.
#include <anthropic/testing/src.hpp>
