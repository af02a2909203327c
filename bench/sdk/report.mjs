// Turns bench/run.sh's records into the comparison table (Markdown).
//
//   node report.mjs results.jsonl micro.txt SDK_VERSION
//
// Every figure is computed from the clients' own records (bench_client_load and
// load.mjs print the same fields): events or requests per CPU-second of the
// client process (user + sys, the workload only), peak RSS, and for workload 4
// the RSS added per concurrent stream: (peak RSS - RSS before the workload) /
// most streams open at once.
import fs from 'node:fs';

const [resultsFile, microFile, sdkVersion] = process.argv.slice(2);
const records = fs.readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const find = (workload, side) => records.filter((r) => r.workload === workload && r.side === side);
// The run that counts: the last that completed every request, else the last.
const pick = (workload, side) => {
  const runs = find(workload, side);
  const clean = runs.filter((r) => !r.result.crashed && r.result.failed === 0);
  return (clean.length ? clean[0] : runs[runs.length - 1])?.result;
};

const fmt = (x, digits = 0) =>
  x == null || !Number.isFinite(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (kb) => (kb == null ? 'n/a' : fmt(kb / 1024, 1) + ' MB');
const complete = (r) => (r && !r.crashed ? `${r.ok}/${r.requests}` : 'crashed');

const rows = [];
const details = [];
// `label` gets the run's size: (requests, concurrency, a record) => text.
function perCpu(workload, label, what, count, target = 10) {
  const ours = pick(workload, 'asio');
  const sdk = pick(workload, 'sdk');
  label = label(ours?.requests ?? sdk?.requests ?? 0, ours?.concurrency ?? sdk?.concurrency ?? 0, ours ?? sdk);
  const rate = (r) => (r && !r.crashed && r.cpu_s > 0 ? count(r) / r.cpu_s : null);
  const a = rate(ours), b = rate(sdk);
  const ratio = a && b ? a / b : null;
  const verdict = target == null ? '' : ratio == null ? 'n/a' : ratio >= target ? 'met' : 'missed';
  rows.push([label, `${what} per CPU-second`, fmt(a), fmt(b), ratio ? fmt(ratio, 1) + 'x' : 'n/a',
             target == null ? '' : `>= ${target}x`, verdict]);
  for (const [side, r] of [['anthropic-asio', ours], ['SDK', sdk]]) detail(label, side, r);
}
function detail(label, side, r) {
  if (!r || r.crashed) {
    details.push([label, side, 'crashed', '', '', '', '', '']);
    return;
  }
  details.push([label, side, `${r.requests} x${r.concurrency}`, complete(r), fmt(r.wall_s, 2), fmt(r.cpu_s, 2),
                mb(r.maxrss_kb), String(r.peak_open)]);
}

perCpu('w1', (n, c, r) => `1a. ${fmt(n)} streams of ${fmt((r?.events ?? 0) / (n || 1))} events, ${c} at a time (TLS, one write per event)`, 'events',
       (r) => r.events);
perCpu('w1_bulk', (n, c) => `1b. the same, each stream written at once (TLS)`, 'events', (r) => r.events, 15);
perCpu('w1_paced', (n, c, r) => `1c. ${fmt(n)} streams of ${fmt((r?.events ?? 0) / (n || 1))} events at once, one every 2 ms on each (TLS): a wake-up per event`,
       'events', (r) => r.events, null);
perCpu('w2_100', (n, c) => `2. ${fmt(n)} short streams, ${fmt(c)} at a time (TLS)`, 'requests', (r) => r.ok);
perCpu('w2_1000', (n, c) => `2. ${fmt(n)} short streams, ${fmt(c)} at a time (TLS)`, 'requests', (r) => r.ok);
perCpu('w3', (n, c) => `3. ${fmt(n)} creates, ${fmt(c)} at a time (TLS)`, 'requests', (r) => r.ok);

// Workload 2's peak RSS, as the issue asks for it too.
for (const w of ['w2_100', 'w2_1000']) {
  const a = pick(w, 'asio'), b = pick(w, 'sdk');
  if (a && b && !a.crashed && !b.crashed)
    rows.push([`2. peak RSS, ${w === 'w2_100' ? '100' : '1,000'} at a time`, 'peak RSS', mb(a.maxrss_kb),
               mb(b.maxrss_kb), fmt(a.maxrss_kb / b.maxrss_kb, 2) + 'x', '', '']);
}

// Workload 4: memory per open stream. Over TLS (what users run) the target is
// an absolute 30 kB per stream; the plain-HTTP row is kept for comparison with
// earlier runs, against the SDK's figure (0.1x).
function scale(workload, transport, target) {
  const ours = pick(workload, 'asio');
  const sdk = pick(workload, 'sdk');
  if (!ours && !sdk) return;
  const perStream = (r) => (r && !r.crashed && r.peak_open > 0 ? (r.maxrss_kb - r.rss_before_kb) / r.peak_open : null);
  const a = perStream(ours), b = perStream(sdk);
  const ratio = a != null && b ? a / b : null;
  const allDone = ours && !ours.crashed && ours.failed === 0 && ours.ok === ours.requests;
  const met = target.kb != null ? a != null && a <= target.kb && allDone : ratio != null && ratio <= target.ratio && allDone;
  rows.push([`4${target.tag}. ${fmt(ours?.requests)} concurrent streams, one thread (${transport}); SDK at ${fmt(sdk?.requests)}`,
             'RSS per concurrent stream', a == null ? 'n/a' : fmt(a, 1) + ' kB', b == null ? 'n/a' : fmt(b, 1) + ' kB',
             ratio == null ? 'n/a' : fmt(ratio, 3) + 'x', target.text, met ? 'met' : 'missed']);
  rows.push([`4${target.tag}. CPU for all streams (${transport})`, 'CPU-seconds', fmt(ours?.cpu_s, 2), fmt(sdk?.cpu_s, 2),
             ours?.cpu_s && sdk?.cpu_s ? fmt(ours.cpu_s / sdk.cpu_s, 2) + 'x' : 'n/a', '', '']);
  for (const r of find(workload, 'asio')) detail(`4${target.tag}. scale (${transport})`, 'anthropic-asio', r.result);
  for (const r of find(workload, 'sdk')) detail(`4${target.tag}. scale (${transport})`, 'SDK', r.result);
}
scale('w4_tls', 'TLS', { tag: 'a', kb: 30, text: '<= 30 kB, all complete' });
scale('w4', 'plain HTTP', { tag: 'b', ratio: 0.1, text: '<= 0.1x, all complete' });

const table = (head, body) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');

console.log(`anthropic-asio vs @anthropic-ai/sdk ${sdkVersion} (node ${process.version}), ${new Date().toISOString()}\n`);
console.log(table(['workload', 'figure', 'anthropic-asio', 'SDK', 'ratio', 'target', ''], rows));
console.log('\nPer run (CPU = the client process, user + sys, during the workload; peak open = most streams open at once):\n');
console.log(table(['workload', 'client', 'requests x concurrency', 'complete', 'wall s', 'CPU s', 'peak RSS', 'peak open'], details));
if (microFile && fs.existsSync(microFile)) {
  console.log('\n5. Micro-benchmarks (no SDK counterpart):\n');
  console.log('```\n' + fs.readFileSync(microFile, 'utf8').trimEnd() + '\n```');
}
