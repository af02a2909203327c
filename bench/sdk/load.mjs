// The official TypeScript SDK's side of the comparison (bench/run.sh); the C++
// side is bench/client_load.cpp. Same arguments, same one-line JSON record.
//
//   node load.mjs --url URL --mode stream|create --requests N --concurrency C [--max-tokens T]
//
// The SDK is loaded from $ANTHROPIC_NODE_MODULES (where bench/run.sh installs
// the version pinned in bench/sdk/package.json). For HTTPS, trust the mock
// server's CA with NODE_EXTRA_CA_CERTS=FILE.
//
// C workers (async functions on Node's single event loop) take requests from a
// shared count until N were made. A streamed request iterates every event and
// awaits finalMessage() (the SDK's accumulation); a create awaits the message.
// CPU time (user + sys) and peak RSS come from process.resourceUsage(), around
// the workload only (cpu_s) and for the whole process (process_cpu_s).
import { Anthropic, sdkVersion } from './pinned_sdk.mjs';

function parse(argv) {
  const opts = { url: '', stream: true, requests: 100, concurrency: 10, maxTokens: 20000 };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => {
      if (i + 1 >= argv.length) usage();
      return argv[++i];
    };
    switch (argv[i]) {
      case '--url': opts.url = value(); break;
      case '--mode': {
        const mode = value();
        if (mode !== 'stream' && mode !== 'create') usage();
        opts.stream = mode === 'stream';
        break;
      }
      case '--requests': opts.requests = Number(value()); break;
      case '--concurrency': opts.concurrency = Number(value()); break;
      case '--max-tokens': opts.maxTokens = Number(value()); break;
      default: usage();
    }
  }
  if (!opts.url || !(opts.concurrency > 0)) usage();
  return opts;
}

function usage() {
  console.error('usage: node load.mjs --url URL --mode stream|create --requests N --concurrency C [--max-tokens T]');
  process.exit(2);
}

const cpuSeconds = (u) => (u.userCPUTime + u.systemCPUTime) / 1e6;

// A reply is good when it is a finished text message (as in client_load.cpp).
function textOf(msg) {
  return (msg.content ?? []).filter((b) => b.type === 'text').map((b) => b.text).join('');
}
const goodReply = (msg) => msg && msg.stop_reason != null && textOf(msg).length > 0;

const opts = parse(process.argv.slice(2));
// Retries off, as on the C++ side: a failure must show. The SDK's own default
// timeout (10 minutes) is kept.
const client = new Anthropic({ baseURL: opts.url, apiKey: 'bench-key', maxRetries: 0 });
const params = {
  model: 'claude-sonnet-4-6',
  max_tokens: opts.maxTokens,
  messages: [{ role: 'user', content: 'Write a story about a lighthouse keeper.' }],
};

const totals = { started: 0, ok: 0, failed: 0, events: 0, textBytes: 0, open: 0, peakOpen: 0, firstError: '' };
const fail = (what) => {
  if (totals.failed++ === 0) totals.firstError = String(what);
};

async function worker() {
  while (totals.started < opts.requests) {
    ++totals.started;
    try {
      if (!opts.stream) {
        const msg = await client.messages.create(params);
        if (!goodReply(msg)) { fail('incomplete message'); continue; }
        totals.textBytes += Buffer.byteLength(textOf(msg));
        ++totals.ok;
        continue;
      }
      const stream = client.messages.stream(params);
      let events = 0;
      try {
        for await (const _event of stream) {
          if (events++ === 0 && ++totals.open > totals.peakOpen) totals.peakOpen = totals.open;
        }
      } finally {
        if (events > 0) --totals.open;
        totals.events += events;
      }
      const msg = await stream.finalMessage();
      if (!goodReply(msg)) { fail('incomplete message'); continue; }
      totals.textBytes += Buffer.byteLength(textOf(msg));
      ++totals.ok;
    } catch (e) {
      fail(e?.message ?? e);
    }
  }
}

const before = process.resourceUsage();
const start = process.hrtime.bigint();
const workers = [];
for (let w = 0; w < opts.concurrency && w < opts.requests; ++w) workers.push(worker());
await Promise.all(workers);
const wall = Number(process.hrtime.bigint() - start) / 1e9;
const after = process.resourceUsage();

console.log(JSON.stringify({
  client: '@anthropic-ai/sdk ' + sdkVersion,
  mode: opts.stream ? 'stream' : 'create',
  requests: opts.requests,
  concurrency: opts.concurrency,
  ok: totals.ok,
  failed: totals.failed,
  events: totals.events,
  text_bytes: totals.textBytes,
  peak_open: totals.peakOpen,
  wall_s: Number(wall.toFixed(3)),
  cpu_s: Number((cpuSeconds(after) - cpuSeconds(before)).toFixed(3)),
  process_cpu_s: Number(cpuSeconds(after).toFixed(3)),
  maxrss_kb: after.maxRSS,
  rss_before_kb: before.maxRSS,
  first_error: totals.firstError,
}));
process.exit(totals.failed === 0 ? 0 : 1);
