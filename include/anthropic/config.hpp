// How the library is compiled: header-only (the default) or separately.
//
// Header-only: every translation unit that includes a client header compiles
// the whole request core (Beast's parser and serializer, the TLS and TCP
// streams, the resolver, the coroutines). Nothing to build, nothing to link.
//
// Separately compiled: define ANTHROPIC_SEPARATE_COMPILATION in every
// translation unit and include <anthropic/src.hpp> in exactly one of them (the
// CMake target anthropic::asio_compiled does both). The public headers then
// hold declarations and the thin templates that adapt completion tokens; the
// implementation (impl/*.ipp) compiles once, in that one translation unit.
#pragma once

#ifdef ANTHROPIC_SEPARATE_COMPILATION
// Defined once, in the translation unit that includes <anthropic/src.hpp>.
#define ANTHROPIC_DECL
#else
#define ANTHROPIC_HEADER_ONLY
// Defined in every translation unit that includes the header.
#define ANTHROPIC_DECL inline
#endif
