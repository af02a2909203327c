// The builders of messages, content blocks and tools: the non-template functions of <anthropic/types/builders.hpp>
// (see <anthropic/config.hpp>).
#pragma once

#include <anthropic/types/builders.hpp>

namespace anthropic {

ANTHROPIC_DECL message_param user(std::string text) {
  return {.role = "user", .content = {text_block{.text = std::move(text)}}};
}

ANTHROPIC_DECL message_param user(std::vector<content_block> content) { return {.role = "user", .content = std::move(content)}; }

ANTHROPIC_DECL message_param assistant(std::string text) {
  return {.role = "assistant", .content = {text_block{.text = std::move(text)}}};
}

ANTHROPIC_DECL message_param assistant(std::vector<content_block> content) {
  return {.role = "assistant", .content = std::move(content)};
}

ANTHROPIC_DECL message_param assistant(const message& reply) { return {.role = "assistant", .content = reply.content}; }

ANTHROPIC_DECL image_block image_base64(std::string_view bytes, std::string media_type) {
  return {.source = {.type = "base64", .media_type = std::move(media_type), .data = detail::base64_encode(bytes)}};
}

ANTHROPIC_DECL image_block image_url(std::string url) { return {.source = {.type = "url", .url = std::move(url)}}; }

ANTHROPIC_DECL document_block pdf_base64(std::string_view bytes) {
  return {.source = {.type = "base64", .media_type = "application/pdf", .data = detail::base64_encode(bytes)}};
}

ANTHROPIC_DECL document_block pdf_url(std::string url) { return {.source = {.type = "url", .url = std::move(url)}}; }

ANTHROPIC_DECL document_block text_document(std::string text) {
  return {.source = {.type = "text", .media_type = "text/plain", .data = std::move(text)}};
}

ANTHROPIC_DECL image_block image_file(std::string file_id) {
  return {.source = {.type = "file", .file_id = std::move(file_id)}};
}

ANTHROPIC_DECL document_block document_file(std::string file_id) {
  return {.source = {.type = "file", .file_id = std::move(file_id)}};
}

ANTHROPIC_DECL tool_result_block tool_result(std::string tool_use_id, tool_result_content content, bool is_error) {
  tool_result_block block{.tool_use_id = std::move(tool_use_id), .content = std::move(content)};
  if (is_error) block.is_error = true;
  return block;
}

ANTHROPIC_DECL tool custom_tool(std::string name, std::string description, boost::json::value input_schema) {
  return {.name = std::move(name), .description = std::move(description), .input_schema = std::move(input_schema)};
}

ANTHROPIC_DECL tool web_search_tool(std::optional<std::uint64_t> max_uses) {
  tool t{.name = "web_search", .type = "web_search_20250305"};
  if (max_uses) t.extra["max_uses"] = *max_uses;
  return t;
}

ANTHROPIC_DECL std::vector<const tool_use_block*> tool_calls(const message& reply) {
  std::vector<const tool_use_block*> calls;
  for (const auto& block : reply.content)
    if (const auto* call = block.get_if<tool_use_block>()) calls.push_back(call);
  return calls;
}

ANTHROPIC_DECL void append_tool_results(std::vector<message_param>& conversation, const message& reply,
                                std::vector<content_block> results) {
  conversation.push_back(assistant(reply));
  conversation.push_back(user(std::move(results)));
}

}  // namespace anthropic
