// anthropic-cli: the command line, parsed into cli_arguments (no I/O here, so
// every option and every usage error is easy to reason about).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace anthropic_cli {

/// The text printed by --help and after every usage error.
inline constexpr std::string_view usage_text =
    R"(usage: anthropic-cli [options] [PROMPT...]
       anthropic-cli [options] models [list | get ID]
       anthropic-cli [options] batches create FILE.jsonl | get ID | list | cancel ID
                                       | delete ID | wait ID | results ID
       anthropic-cli [options] files upload PATH | list | get ID | delete ID
                                     | download ID [-o PATH]
       anthropic-cli mock-server [--port N] [--http] [--ca-out FILE]

Sends PROMPT (the words joined by spaces; read from stdin when absent and stdin
is not a terminal) to the Anthropic Messages API and prints the reply. A first
word naming a command runs that command instead (`--` before it makes it a
prompt). Commands print JSON on stdout, one object per line for lists:

  models list            every model (pages walked as needed); models get ID: one
  batches create FILE    submit a Message Batch: one line per request, each
                         {"custom_id": ..., "params": {request body}}, a request
                         body, or a prompt string (ids "line-N"); the flags above
                         fill what a body leaves out, as for --batch
  batches wait ID        poll until the batch ends (progress on stderr when it is
                         a terminal), then print it
  batches results ID     the result lines as they download (JSONL, any order)
  files upload PATH      upload a file (streamed; Files API beta), print its metadata
  files download ID      the content to stdout, or to -o PATH (then its metadata line)
  mock-server            run the mock server until killed; prints its base URL
                         (--port N: that port, --http: no TLS, --ca-out FILE: the
                         CA to pass to --cacert); any API key is accepted

  --model M              model name (default claude-sonnet-4-5)
  --max-tokens N         maximum output tokens (default 1024)
  --system S             system prompt
  --temperature T        sampling temperature (0..1)
  --request FILE         JSON request body ('-' = stdin); the flags above override
                         its members, PROMPT is appended as a user turn
  --stream | --no-stream stream the reply as it is generated (default) or not
  --json                 print the final message as one JSON line
  --include-headers      with --json or --batch: add the response's status, request
                         id and headers (rate limits...) as a "response" member
  --events               print every stream event's JSON, one per line
  --base-url URL         API base URL (default $ANTHROPIC_BASE_URL or https://api.anthropic.com)
  --api-key KEY          API key (default $ANTHROPIC_API_KEY)
  --auth-token TOKEN     bearer token (default $ANTHROPIC_AUTH_TOKEN)
  --cacert FILE          trust the CAs in this PEM file besides the system store
  --proxy URL            HTTP proxy, http://[user:password@]host[:port] ('' = none;
                         default $HTTPS_PROXY, or $HTTP_PROXY for an http:// base URL,
                         unless $NO_PROXY lists the host)
  --max-retries N        retries of a failed request (default 2)
  --header 'NAME: VALUE' send this header with every request (repeatable)
  --beta NAME            add NAME to the anthropic-beta header (repeatable)
  --timeout SECONDS      limit for the request, retries included (default 600), and
                         for a stream's events (default: no limit but 5 minutes of silence)
  --batch FILE.jsonl     one request body per line ('-' = stdin), one result line
                         per request, in input order; unstreamed unless --stream
                         (each reply streamed and accumulated; a max_tokens too
                         large for an unstreamed reply is streamed anyway)
  --concurrency N        requests in flight at once with --batch (default 4)
  --mock                 use the built-in mock server (no key, no network), also
                         for commands (its batches live as long as the command)
  --help                 print this text

Exit status: 0 success, 1 API error, 2 usage error, 3 network, TLS, timeout or
protocol error.
)";

/// Everything the command line says. Optional members are "not given": the
/// request file or the defaults decide then.
struct cli_arguments {
  std::optional<std::string> model;
  std::optional<std::uint64_t> max_tokens;
  std::optional<std::string> system;
  std::optional<double> temperature;
  std::optional<std::string> request_file;
  std::optional<bool> stream;  ///< --stream / --no-stream
  bool json = false;
  bool include_headers = false;
  bool events = false;
  std::optional<std::string> base_url;
  std::optional<std::string> api_key;
  std::optional<std::string> auth_token;
  std::optional<std::string> ca_file;
  std::optional<std::string> proxy;
  std::optional<unsigned> max_retries;
  std::optional<double> timeout_seconds;
  std::optional<std::string> batch_file;
  std::optional<std::size_t> concurrency;
  std::vector<std::pair<std::string, std::string>> headers;  ///< --header, in order
  std::vector<std::string> betas;                            ///< --beta, in order
  bool mock = false;
  bool help = false;
  std::vector<std::string> prompt_words;
  /// A command ("models", "batches", "mock-server") and its words; empty for a prompt.
  std::string command;
  std::vector<std::string> command_words;
  // mock-server only.
  std::optional<unsigned short> port;
  bool http = false;
  std::optional<std::string> ca_out;
  std::optional<std::string> output;  ///< files download -o PATH
};

/// The first words that name a command rather than start a prompt.
inline bool is_command(std::string_view word) {
  return word == "models" || word == "batches" || word == "files" || word == "mock-server";
}

/// A parsed command line, or what is wrong with it.
struct parse_outcome {
  cli_arguments args;
  std::string error;  ///< empty when the command line is valid
};

namespace detail {

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// std::from_chars for double needs no locale, unlike strtod: "0.7" means 0.7 everywhere.
inline bool parse_seconds(std::string_view text, double& out) {
  return parse_number(text, out) && std::isfinite(out) && out > 0 && out <= 1e9;  // 30 years is plenty
}

}  // namespace detail

/// Parses argv. Options may appear anywhere; `--` ends the options; both
/// `--opt value` and `--opt=value` work.
inline parse_outcome parse_arguments(int argc, const char* const* argv) {
  parse_outcome out;
  cli_arguments& a = out.args;
  auto fail = [&](std::string message) {
    if (out.error.empty()) out.error = std::move(message);
  };
  bool options_ended = false;
  bool words_seen = false;
  for (int i = 1; i < argc && out.error.empty(); ++i) {
    std::string_view arg = argv[i];
    if (!options_ended && arg == "-o") arg = "--output";  // the one short option
    if (options_ended || arg.size() < 2 || !arg.starts_with("--")) {
      if (!words_seen && !options_ended && is_command(arg))
        a.command = std::string(arg);
      else if (!a.command.empty())
        a.command_words.emplace_back(arg);
      else
        a.prompt_words.emplace_back(arg);
      words_seen = true;
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    // Flags take no value; everything else takes exactly one.
    auto flag = [&](bool& target) {
      if (inline_value) return fail(std::string(name) + " takes no value");
      target = true;
    };
    auto value = [&]() -> std::optional<std::string_view> {
      if (inline_value) return inline_value;
      if (i + 1 >= argc) {
        fail(std::string(name) + " needs a value");
        return std::nullopt;
      }
      return std::string_view(argv[++i]);
    };
    auto text = [&](std::optional<std::string>& target) {
      if (auto v = value()) target = std::string(*v);
    };
    auto count = [&]<class Number>(std::optional<Number>& target, Number minimum, const char* what) {
      auto v = value();
      if (!v) return;
      Number n{};
      if (!detail::parse_number(*v, n) || n < minimum)
        return fail(std::string(name) + " expects " + what + ", not '" + std::string(*v) + "'");
      target = n;
    };

    if (name == "--model") text(a.model);
    else if (name == "--system") text(a.system);
    else if (name == "--request") text(a.request_file);
    else if (name == "--base-url") text(a.base_url);
    else if (name == "--api-key") text(a.api_key);
    else if (name == "--auth-token") text(a.auth_token);
    else if (name == "--cacert") text(a.ca_file);
    else if (name == "--proxy") text(a.proxy);
    else if (name == "--batch") text(a.batch_file);
    else if (name == "--ca-out") text(a.ca_out);
    else if (name == "--output") text(a.output);
    else if (name == "--port") count(a.port, static_cast<unsigned short>(1), "a port number (1-65535)");
    else if (name == "--http") flag(a.http);
    else if (name == "--max-tokens") count(a.max_tokens, std::uint64_t{1}, "a positive integer");
    else if (name == "--max-retries") count(a.max_retries, 0u, "a non-negative integer");
    else if (name == "--concurrency") count(a.concurrency, std::size_t{1}, "a positive integer");
    else if (name == "--temperature") {
      auto v = value();
      double t = 0;
      if (v && (!detail::parse_number(*v, t) || !(t >= 0.0 && t <= 1.0)))
        fail("--temperature expects a number from 0 to 1, not '" + std::string(*v) + "'");
      else if (v)
        a.temperature = t;
    } else if (name == "--timeout") {
      auto v = value();
      double s = 0;
      if (v && !detail::parse_seconds(*v, s))
        fail("--timeout expects a positive number of seconds, not '" + std::string(*v) + "'");
      else if (v)
        a.timeout_seconds = s;
    } else if (name == "--stream" || name == "--no-stream") {
      bool on = false;
      flag(on);
      bool wanted = name == "--stream";
      if (a.stream && *a.stream != wanted) fail("--stream and --no-stream exclude each other");
      a.stream = wanted;
    } else if (name == "--header") {
      // "Name: value" as curl takes it; the client checks the name and value.
      auto v = value();
      const auto colon = v ? v->find(':') : std::string_view::npos;
      if (v && (colon == std::string_view::npos || colon == 0))
        fail("--header expects 'NAME: VALUE', not '" + std::string(*v) + "'");
      else if (v) {
        std::string_view header_value = v->substr(colon + 1);
        while (!header_value.empty() && (header_value.front() == ' ' || header_value.front() == '\t'))
          header_value.remove_prefix(1);
        a.headers.emplace_back(std::string(v->substr(0, colon)), std::string(header_value));
      }
    } else if (name == "--beta") {
      std::optional<std::string> beta;
      text(beta);
      if (beta && beta->empty()) fail("--beta needs a name");
      else if (beta) a.betas.push_back(std::move(*beta));
    } else if (name == "--json") flag(a.json);
    else if (name == "--include-headers") flag(a.include_headers);
    else if (name == "--events") flag(a.events);
    else if (name == "--mock") flag(a.mock);
    else if (name == "--help") flag(a.help);
    else fail("unknown option '" + std::string(name) + "'");
  }
  if (!out.error.empty() || a.help) return out;

  if (a.command.empty() && (a.port || a.http || a.ca_out))
    fail("--port, --http and --ca-out only apply to mock-server");
  if (a.output && !(a.command == "files" && !a.command_words.empty() && a.command_words[0] == "download"))
    fail("-o only applies to files download");
  if (a.include_headers && (!a.command.empty() || (!a.json && !a.batch_file)))
    fail("--include-headers applies to a message with --json or --batch");
  if (!a.command.empty()) {
    if (a.batch_file || a.request_file || a.stream || a.events)
      fail("--batch, --request, --stream and --events do not apply to the " + a.command + " command");
    if (a.command == "mock-server" && (a.mock || a.base_url || !a.command_words.empty()))
      fail("mock-server takes only --port, --http and --ca-out");
    if (a.command != "mock-server" && (a.port || a.http || a.ca_out))
      fail("--port, --http and --ca-out only apply to mock-server");
    if (a.mock && a.base_url) fail("--mock and --base-url exclude each other");
    return out;
  }

  // Combinations that cannot mean anything.
  if (a.json && a.events) fail("--json and --events exclude each other");
  if (a.events && a.stream == false) fail("--events needs a stream (drop --no-stream)");
  if (a.mock && a.base_url) fail("--mock and --base-url exclude each other");
  if (a.concurrency && !a.batch_file) fail("--concurrency only applies to --batch");
  if (a.batch_file) {
    if (!a.prompt_words.empty()) fail("--batch takes its prompts from the file, not from the command line");
    if (a.request_file) fail("--batch and --request exclude each other (each batch line is a request)");
    if (a.events) fail("--events does not apply to --batch");
  }
  return out;
}

}  // namespace anthropic_cli
