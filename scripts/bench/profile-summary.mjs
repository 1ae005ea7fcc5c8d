#!/usr/bin/env node
// Summarises a V8 CPU profile (from `npm run bench -- --cpu-profile DIR`): the
// functions with the most self time, and for the longest stretch of main-thread
// work without idle samples (the long task a bench row reports), the same list.
//
// Usage: node scripts/bench/profile-summary.mjs FILE [--top N] [--last MS]
//   --last MS: also the list for the profile's last MS milliseconds (a scenario's final step, such as a commit).

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' }, last: { type: 'string' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: node scripts/bench/profile-summary.mjs FILE [--top N] [--last MS]');
  process.exit(1);
}
const TOP = Number.parseInt(args.top, 10) || 25;
const profile = JSON.parse(await readFile(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

/** "name file:line" of a profile node. */
function nameOf(node) {
  const f = node.callFrame;
  const file = f.url ? f.url.replace(/^.*\/(src|node_modules)\//, '$1/').replace(/\?.*$/, '') : '';
  return `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
}

/** Self milliseconds per function name over samples [from, to). */
function selfTimes(from, to) {
  const out = new Map();
  for (let i = from; i < to; i++) {
    const node = nodes.get(profile.samples[i]);
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const key = nameOf(node);
    out.set(key, (out.get(key) ?? 0) + ms);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}

/** The longest run of samples none of which is idle (ends at an idle sample or a gap over 2 ms). */
function longestBusy() {
  let best = { from: 0, to: 0, ms: 0 };
  let from = 0;
  let ms = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (node.callFrame.functionName === '(idle)' || dt > 2) {
      if (ms > best.ms) best = { from, to: i, ms };
      from = i + 1;
      ms = 0;
    } else ms += dt;
  }
  if (ms > best.ms) best = { from, to: profile.samples.length, ms };
  return best;
}

function print(title, rows) {
  console.log(title);
  for (const [name, ms] of rows.slice(0, TOP)) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);
}

const total = (profile.endTime - profile.startTime) / 1000;
print(`whole profile (${total.toFixed(0)} ms):`, selfTimes(0, profile.samples.length).filter(([n]) => !IDLE.has(n.split(' ')[0])));
const busy = longestBusy();
console.log();
print(`longest busy stretch (${busy.ms.toFixed(0)} ms, samples ${busy.from}–${busy.to}):`, selfTimes(busy.from, busy.to));

if (args.last) {
  const want = Number.parseFloat(args.last) * 1000;
  let i = profile.samples.length;
  for (let us = 0; i > 0 && us < want; i--) us += profile.timeDeltas[i - 1] ?? 0;
  console.log();
  print(`last ${args.last} ms:`, selfTimes(i, profile.samples.length));
}
