// The implementation of the separately compiled library: include this header
// in exactly one translation unit of the program, with
// ANTHROPIC_SEPARATE_COMPILATION defined there and in every other translation
// unit that uses the library (see <anthropic/config.hpp>).
#pragma once

#ifndef ANTHROPIC_SEPARATE_COMPILATION
#error "<anthropic/src.hpp> is for separate compilation: define ANTHROPIC_SEPARATE_COMPILATION in every translation unit, or include only the ordinary headers (header-only)"
#endif

#include <anthropic/impl/base64.ipp>
#include <anthropic/impl/batch.ipp>
#include <anthropic/impl/batch_results.ipp>
#include <anthropic/impl/builders.ipp>
#include <anthropic/impl/client.ipp>
#include <anthropic/impl/content.ipp>
#include <anthropic/impl/error.ipp>
#include <anthropic/impl/event_scanner.ipp>
#include <anthropic/impl/file.ipp>
#include <anthropic/impl/message.ipp>
#include <anthropic/impl/model_info.ipp>
#include <anthropic/impl/request.ipp>
#include <anthropic/impl/response.ipp>
#include <anthropic/impl/stream.ipp>
#include <anthropic/impl/structured_output.ipp>
