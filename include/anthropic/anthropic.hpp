// Umbrella header: everything a user of anthropic-asio needs.
// (The test server is separate: <anthropic/testing/mock_server.hpp>.)
#pragma once

#include <anthropic/client.hpp>
#include <anthropic/error.hpp>
#include <anthropic/message_accumulator.hpp>
#include <anthropic/response.hpp>
#include <anthropic/retry_policy.hpp>
#include <anthropic/sse/parser.hpp>
#include <anthropic/structured_output.hpp>
#include <anthropic/types.hpp>
#include <anthropic/types/stream_event.hpp>
#include <anthropic/version.hpp>
