// The implementation of anthropic::testing::mock_server for separate
// compilation: include it in exactly one translation unit, with
// ANTHROPIC_SEPARATE_COMPILATION defined (see <anthropic/config.hpp>). Kept
// apart from <anthropic/src.hpp> so that a program that never starts a mock
// server does not link one (anthropic::asio_compiled builds the two as
// separate objects of one archive).
#pragma once

#ifndef ANTHROPIC_SEPARATE_COMPILATION
#error "<anthropic/testing/src.hpp> is for separate compilation: define ANTHROPIC_SEPARATE_COMPILATION in every translation unit, or include only the ordinary headers (header-only)"
#endif

#include <anthropic/testing/impl/mock_server.ipp>
