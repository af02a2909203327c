// Loads the SDK the benchmarks compare against from $ANTHROPIC_NODE_MODULES
// (where bench/run.sh installs the version pinned in bench/sdk/package.json).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const modules = process.env.ANTHROPIC_NODE_MODULES;
if (!modules) {
  console.error('set ANTHROPIC_NODE_MODULES to the node_modules folder holding @anthropic-ai/sdk');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(modules), '..', 'package.json'));
const sdk = require('@anthropic-ai/sdk');

export const Anthropic = sdk.default ?? sdk.Anthropic ?? sdk;
export const sdkVersion = JSON.parse(
  fs.readFileSync(path.join(path.resolve(modules), '@anthropic-ai', 'sdk', 'package.json'), 'utf8')).version;
