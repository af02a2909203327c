// Short ways to build requests: conversation turns, image and document blocks
// from raw bytes, tool definitions and tool results, and the tool-use loop step
// (append the model's reply, then the caller's results).
//
//   std::vector<anthropic::message_param> turns{anthropic::user("What is in this picture?")};
//   turns.push_back(anthropic::user({anthropic::image_base64(png_bytes, "image/png"),
//                                    anthropic::text_block{.text = "Describe it."}}));
#pragma once

#include <anthropic/config.hpp>
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
ANTHROPIC_DECL message_param user(std::string text);

/// A user turn of any blocks (text, images, documents, tool results...).
ANTHROPIC_DECL message_param user(std::vector<content_block> content);

/// An assistant turn of one text block; as the last turn it pre-fills the reply.
ANTHROPIC_DECL message_param assistant(std::string text);

/// An assistant turn of any blocks.
ANTHROPIC_DECL message_param assistant(std::vector<content_block> content);

/// The model's reply as the next assistant turn, every block as received
/// (thinking blocks and their signatures must go back unmodified).
ANTHROPIC_DECL message_param assistant(const message& reply);

/// An image from its raw bytes (encoded to base64 here). `media_type` is
/// "image/jpeg", "image/png", "image/gif" or "image/webp".
ANTHROPIC_DECL image_block image_base64(std::string_view bytes, std::string media_type);

/// An image the API fetches from `url`.
ANTHROPIC_DECL image_block image_url(std::string url);

/// A PDF document from its raw bytes (encoded to base64 here).
ANTHROPIC_DECL document_block pdf_base64(std::string_view bytes);

/// A PDF document the API fetches from `url`.
ANTHROPIC_DECL document_block pdf_url(std::string url);

/// A plain-text document (citable by character ranges).
ANTHROPIC_DECL document_block text_document(std::string text);

/// An image or a document (PDF, text) uploaded with the Files API
/// (client::async_upload_file), by its id. A request that uses one needs the
/// Files beta: add files_api_beta to client_options::betas.
ANTHROPIC_DECL image_block image_file(std::string file_id);
ANTHROPIC_DECL document_block document_file(std::string file_id);

/// The result of running the tool call `tool_use_id`: a string or blocks.
/// `is_error` tells the model the call failed (the content says why).
ANTHROPIC_DECL tool_result_block tool_result(std::string tool_use_id, tool_result_content content, bool is_error = false);

/// A custom tool. `input_schema` is a JSON Schema object describing the input,
/// e.g. `{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}`.
ANTHROPIC_DECL tool custom_tool(std::string name, std::string description, boost::json::value input_schema);

/// The server-side web search tool (`web_search_20250305`), optionally capped
/// at `max_uses` searches per request.
ANTHROPIC_DECL tool web_search_tool(std::optional<std::uint64_t> max_uses = std::nullopt);

/// The tool calls the model made in `reply`, in order.
ANTHROPIC_DECL std::vector<const tool_use_block*> tool_calls(const message& reply);

/// One step of the tool-use loop: appends `reply` as the assistant turn and
/// then one user turn holding `results` (tool_result blocks, possibly followed
/// by text), ready for the next request.
ANTHROPIC_DECL void append_tool_results(std::vector<message_param>& conversation, const message& reply,
                                std::vector<content_block> results);

}  // namespace anthropic

#ifdef ANTHROPIC_HEADER_ONLY
#include <anthropic/impl/builders.ipp>
#endif
