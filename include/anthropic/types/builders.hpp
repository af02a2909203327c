// Short ways to build requests: conversation turns, image and document blocks
// from raw bytes, tool definitions and tool results, and the tool-use loop step
// (append the model's reply, then the caller's results).
//
//   std::vector<anthropic::message_param> turns{anthropic::user("What is in this picture?")};
//   turns.push_back(anthropic::user({anthropic::image_base64(png_bytes, "image/png"),
//                                    anthropic::text_block{.text = "Describe it."}}));
#pragma once

#include <anthropic/types/base64.hpp>
#include <anthropic/types/content.hpp>
#include <anthropic/types/message.hpp>
#include <anthropic/types/request.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anthropic {

/// A user turn of one text block (sent as the string shorthand).
inline message_param user(std::string text) {
  return {.role = "user", .content = {text_block{.text = std::move(text)}}};
}

/// A user turn of any blocks (text, images, documents, tool results...).
inline message_param user(std::vector<content_block> content) { return {.role = "user", .content = std::move(content)}; }

/// An assistant turn of one text block; as the last turn it pre-fills the reply.
inline message_param assistant(std::string text) {
  return {.role = "assistant", .content = {text_block{.text = std::move(text)}}};
}

/// An assistant turn of any blocks.
inline message_param assistant(std::vector<content_block> content) {
  return {.role = "assistant", .content = std::move(content)};
}

/// The model's reply as the next assistant turn, every block as received
/// (thinking blocks and their signatures must go back unmodified).
inline message_param assistant(const message& reply) { return {.role = "assistant", .content = reply.content}; }

/// An image from its raw bytes (encoded to base64 here). `media_type` is
/// "image/jpeg", "image/png", "image/gif" or "image/webp".
inline image_block image_base64(std::string_view bytes, std::string media_type) {
  return {.source = {.type = "base64", .media_type = std::move(media_type), .data = detail::base64_encode(bytes)}};
}

/// An image the API fetches from `url`.
inline image_block image_url(std::string url) { return {.source = {.type = "url", .url = std::move(url)}}; }

/// A PDF document from its raw bytes (encoded to base64 here).
inline document_block pdf_base64(std::string_view bytes) {
  return {.source = {.type = "base64", .media_type = "application/pdf", .data = detail::base64_encode(bytes)}};
}

/// A PDF document the API fetches from `url`.
inline document_block pdf_url(std::string url) { return {.source = {.type = "url", .url = std::move(url)}}; }

/// A plain-text document (citable by character ranges).
inline document_block text_document(std::string text) {
  return {.source = {.type = "text", .media_type = "text/plain", .data = std::move(text)}};
}

/// The result of running the tool call `tool_use_id`: a string or blocks.
/// `is_error` tells the model the call failed (the content says why).
inline tool_result_block tool_result(std::string tool_use_id, tool_result_content content, bool is_error = false) {
  tool_result_block block{.tool_use_id = std::move(tool_use_id), .content = std::move(content)};
  if (is_error) block.is_error = true;
  return block;
}

/// A custom tool. `input_schema` is a JSON Schema object describing the input,
/// e.g. `{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}`.
inline tool custom_tool(std::string name, std::string description, boost::json::value input_schema) {
  return {.name = std::move(name), .description = std::move(description), .input_schema = std::move(input_schema)};
}

/// The server-side web search tool (`web_search_20250305`), optionally capped
/// at `max_uses` searches per request.
inline tool web_search_tool(std::optional<std::uint64_t> max_uses = std::nullopt) {
  tool t{.name = "web_search", .type = "web_search_20250305"};
  if (max_uses) t.extra["max_uses"] = *max_uses;
  return t;
}

/// The tool calls the model made in `reply`, in order.
inline std::vector<const tool_use_block*> tool_calls(const message& reply) {
  std::vector<const tool_use_block*> calls;
  for (const auto& block : reply.content)
    if (const auto* call = block.get_if<tool_use_block>()) calls.push_back(call);
  return calls;
}

/// One step of the tool-use loop: appends `reply` as the assistant turn and
/// then one user turn holding `results` (tool_result blocks, possibly followed
/// by text), ready for the next request.
inline void append_tool_results(std::vector<message_param>& conversation, const message& reply,
                                std::vector<content_block> results) {
  conversation.push_back(assistant(reply));
  conversation.push_back(user(std::move(results)));
}

}  // namespace anthropic
