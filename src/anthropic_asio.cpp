// The one translation unit of anthropic::asio_compiled: the library's
// implementation, compiled once (see <anthropic/config.hpp>).
#include <anthropic/src.hpp>
