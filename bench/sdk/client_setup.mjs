// The SDK's side of bench_client_setup: CPU and heap per `new Anthropic()`, the
// clients kept alive. The SDK sets up TLS at its first request, from a root store
// that Node parses once per process, so nothing here touches certificates.
//
// Usage: ANTHROPIC_NODE_MODULES=DIR node --expose-gc client_setup.mjs [clients (default 50)]
// Prints one JSON line.
import { Anthropic } from './pinned_sdk.mjs';

const count = Number(process.argv[2] ?? 50);
const make = () => new Anthropic({ apiKey: 'bench-key', baseURL: 'https://api.anthropic.com' });
const clients = [make()];  // the first one loads the SDK's lazily required parts
globalThis.gc?.();
const cpu0 = process.cpuUsage();
const heap0 = process.memoryUsage().heapUsed;
for (let i = 0; i < count; ++i) clients.push(make());
const cpu = process.cpuUsage(cpu0);
globalThis.gc?.();
const heap = process.memoryUsage().heapUsed - heap0;
console.log(JSON.stringify({
  clients_per_case: count,
  further: { cpu_ms: +((cpu.user + cpu.system) / 1000 / count).toFixed(3), heap_kb: +(heap / 1024 / count).toFixed(1) },
}));
