// The typed model: content blocks, requests, responses, builders, models,
// pages, Message Batches and their JSON conversions.
#pragma once

#include <anthropic/types/batch.hpp>
#include <anthropic/types/builders.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/file.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/model_info.hpp>
#include <anthropic/types/page.hpp>
#include <anthropic/types/request.hpp>
