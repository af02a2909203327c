// Checks mock_server's replies with the official TypeScript SDK: if the SDK
// parses them, so will other clients. Started by the Boost.Test case
// `official_sdk_accepts_the_mock` (sdk_check.cpp) with the server's base URL;
// the server's scripted replies are queued in the order of the calls below.
//
//   NODE_PATH=<node_modules> NODE_EXTRA_CA_CERTS=<ca.pem> node sdk_check.mjs <base-url>
//
// Prints one line per check ("OK name ..." or "FAIL name ..."); exit status 0
// when all pass, 1 when one fails, 77 when the SDK is not installed.
import { createRequire } from 'node:module';

// NODE_PATH applies to require(), not to ESM import: load the SDK through require.
const require = createRequire(import.meta.url);
let sdk;
try {
  sdk = require('@anthropic-ai/sdk');
} catch (e) {
  console.log(`SKIP @anthropic-ai/sdk is not installed (NODE_PATH=${process.env.NODE_PATH ?? ''}): ${e.message}`);
  process.exit(77);
}
const Anthropic = sdk.default ?? sdk.Anthropic ?? sdk;
let version = 'unknown';
try { version = require('@anthropic-ai/sdk/version').VERSION; } catch { /* older layouts */ }
console.log(`SDK @anthropic-ai/sdk ${version}, node ${process.version}`);

const baseURL = process.argv[2];
const client = new Anthropic({ apiKey: 'sk-mock-key', baseURL, maxRetries: 0 });
const request = {
  model: 'claude-sonnet-4-5@20250929',
  max_tokens: 150,
  messages: [{ role: 'user', content: 'Write a one-sentence bedtime story about a unicorn.' }],
};

let failures = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'OK' : 'FAIL'} ${name} ${JSON.stringify(detail)}`);
  if (!ok) failures++;
}
const textOf = (m) => m.content.filter((b) => b.type === 'text').map((b) => b.text).join('');

// 1. Scripted 429: the SDK raises RateLimitError with the status, type and request id.
try {
  await client.messages.create(request);
  check('rate_limit_error', false, 'no error raised');
} catch (e) {
  check('rate_limit_error', e.status === 429 && e.error?.error?.type === 'rate_limit_error' &&
        String(e.requestID ?? e.request_id ?? '').startsWith('req_'),
        { status: e.status, type: e.error?.error?.type, requestID: e.requestID });
}

// 2. Scripted error event mid-stream: the SDK's stream raises it.
try {
  await client.messages.stream(request).finalMessage();
  check('error_event', false, 'no error raised');
} catch (e) {
  check('error_event', /overloaded/i.test(String(e.message)) || e.error?.error?.type === 'overloaded_error',
        { message: String(e.message).slice(0, 200) });
}

// 3. Plain create.
const created = await client.messages.create(request);
check('create', created.type === 'message' && created.stop_reason === 'end_turn' &&
      textOf(created).startsWith('Once upon a time, a unicorn') && created.usage.output_tokens === 12,
      { id: created.id, text: textOf(created), usage: created.usage });

// 4. Streamed: every text delta arrives and the accumulated message equals the plain one.
let deltas = 0;
const stream = client.messages.stream(request);
stream.on('text', () => { deltas++; });
const streamed = await stream.finalMessage();
check('stream', deltas === 12 && textOf(streamed) === textOf(created) &&
      streamed.stop_reason === 'end_turn' && streamed.usage.output_tokens === 12,
      { deltas, text: textOf(streamed), stop_reason: streamed.stop_reason });

// 5. Forced tool use, streamed: input_json_delta pieces become the input object.
const toolRequest = {
  ...request,
  tools: [{ name: 'get_weather', description: 'Current weather',
            input_schema: { type: 'object', properties: { location: { type: 'string' },
                            unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] } }],
  tool_choice: { type: 'any' },
};
const tool = await client.messages.stream(toolRequest).finalMessage();
const toolBlock = tool.content.find((b) => b.type === 'tool_use');
check('tool_use_stream', tool.stop_reason === 'tool_use' && toolBlock?.name === 'get_weather' &&
      toolBlock?.input?.unit === 'celsius' && typeof toolBlock?.input?.location === 'string',
      { stop_reason: tool.stop_reason, block: toolBlock });

// 6. Extended thinking, streamed: thinking text and signature accumulate.
const thought = await client.messages.stream({ ...request, max_tokens: 20000,
                                               thinking: { type: 'enabled', budget_tokens: 16000 } }).finalMessage();
const thinking = thought.content[0];
check('thinking_stream', thinking?.type === 'thinking' && thinking.thinking.length > 0 &&
      thinking.signature.length > 0 && thought.content[1]?.type === 'text',
      { thinking: thinking?.thinking, signature: thinking?.signature });

// 7. count_tokens and models.
const count = await client.messages.countTokens({ model: request.model, messages: request.messages });
check('count_tokens', count.input_tokens === created.usage.input_tokens, count);
const models = [];
for await (const m of client.models.list()) models.push(m.id);
check('models', models.length === 3 && models.includes('claude-sonnet-4-5-20250929'), models);

process.exit(failures === 0 ? 0 : 1);
