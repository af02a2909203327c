// Umbrella header: everything a user of anthropic-asio needs.
#pragma once

#include <anthropic/error.hpp>
#include <anthropic/sse/parser.hpp>
#include <anthropic/version.hpp>
