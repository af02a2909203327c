// The typed Messages model: content blocks, requests, responses, builders and
// their JSON conversions.
#pragma once

#include <anthropic/types/builders.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>
