// Asio, Asio.SSL and Beast compiled once for all tests (BOOST_*_SEPARATE_COMPILATION
// is defined for every test translation unit), which keeps CI builds short.
// The library itself stays header-only for users.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
