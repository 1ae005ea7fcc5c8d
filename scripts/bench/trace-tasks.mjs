#!/usr/bin/env node
// The longest tasks of the page's main thread in a Chromium trace (from `npm run bench -- --trace DIR`):
// wall time and the thread's own CPU time of each (on a loaded machine the wall time of a task also
// holds the time the thread waited for a core; its CPU time does not), and the script calls, timers,
// frames and events that ran in it.
//
// Usage: node scripts/bench/trace-tasks.mjs FILE [--top N]

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ options: { top: { type: 'string', default: '8' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: node scripts/bench/trace-tasks.mjs FILE [--top N]');
  process.exit(1);
}
const TOP = Number.parseInt(args.top, 10) || 8;
const trace = JSON.parse(await readFile(positionals[0], 'utf8'));
const events = Array.isArray(trace) ? trace : trace.traceEvents;

// The renderer's main thread: the thread named CrRendererMain that ran the most tasks.
const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`);
const tasksOf = (key) => events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && `${e.pid}:${e.tid}` === key);
const main = mains.map((key) => ({ key, tasks: tasksOf(key) })).sort((a, b) => b.tasks.length - a.tasks.length)[0];
if (!main) {
  console.error('trace-tasks: no renderer main thread in the trace');
  process.exit(1);
}
const inside = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main.key && e.name !== 'RunTask');

/** What ran in a task: the outermost named events within it, with their wall times. */
function contents(task) {
  const end = task.ts + task.dur;
  const within = inside.filter((e) => e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end && (e.dur ?? 0) >= 1000);
  const out = [];
  for (const e of within.sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
    if (out.some((o) => e.ts >= o.ts && e.ts + e.dur <= o.ts + o.dur)) continue;
    const data = e.args?.data ?? e.args?.beginData ?? {};
    const where = data.url ? ` ${String(data.url).split('/').pop()?.split('?')[0]}:${data.lineNumber ?? ''}` : data.functionName ? ` ${data.functionName}` : data.type ? ` ${data.type}` : '';
    out.push({ ts: e.ts, dur: e.dur, label: `${e.name}${where}` });
  }
  return out;
}

function list(title, tasks) {
  console.log(title);
  for (const task of tasks) {
    const cpu = task.tdur === undefined ? '?' : (task.tdur / 1000).toFixed(0);
    console.log(`${(task.dur / 1000).toFixed(0).padStart(6)} ms wall, ${cpu.padStart(5)} ms CPU`);
    for (const c of contents(task).slice(0, 8)) console.log(`         ${(c.dur / 1000).toFixed(1).padStart(7)} ms  ${c.label}`);
  }
}

console.log(`${main.tasks.length} tasks on the main thread.`);
list('The longest (wall):', [...main.tasks].sort((a, b) => b.dur - a.dur).slice(0, TOP));
list('The most CPU:', [...main.tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, TOP));
