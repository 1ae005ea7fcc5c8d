#!/usr/bin/env node
// `npm run bench:startup`: how soon the sample is on screen after the app page is opened,
// served as `npm start` serves it (the built app) and as `npm run dev` does (vite's
// development server). Each open is a fresh browser context (no HTTP cache), timed from the
// navigation to the `segmark:first-image` mark. "cold" is the first open after the server
// started; "warm" the median of the next ones. Prints the rows and merges them into
// bench-results.json (rows startup.*).
//
// Options: --runs N (warm opens per server, default 3)

import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureAppBuild, serveApp } from '../app-build.mjs';
import { freePort, launchChromium } from './driver.mjs';
import { formatTable, median, row } from './report.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.SEGMARK_CHROMIUM ?? '/usr/bin/chromium';
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Math.max(1, Number.parseInt(args.runs, 10) || 3);
const log = (message) => console.log(`startup: ${message}`);

/** Opens the app in a fresh context; ms from navigation start to the first image and to the first DICOM request. */
async function open(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  try {
    // The development server makes ~300 requests: past the default 250 entries the .dcm ones would be dropped.
    await context.addInitScript(() => performance.setResourceTimingBufferSize(5000));
    const page = await context.newPage();
    let requests = 0;
    page.on('request', () => requests++);
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('segmark:first-image', 'mark').length > 0, null, { timeout: 120_000, polling: 50 });
    return await page.evaluate((count) => {
      const first = performance.getEntriesByName('segmark:first-image', 'mark')[0].startTime;
      const dicom = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.dcm'));
      return { firstImageMs: first, firstDicomMs: dicom ? dicom.startTime : null, requests: count };
    }, requests);
  } finally {
    await context.close();
  }
}

async function measure(browser, url, label) {
  const cold = await open(browser, url);
  log(`${label} cold: first image ${cold.firstImageMs.toFixed(0)} ms (first DICOM request at ${cold.firstDicomMs?.toFixed(0)} ms, ${cold.requests} requests)`);
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const m = await open(browser, url);
    log(`${label} warm ${i + 1}/${RUNS}: first image ${m.firstImageMs.toFixed(0)} ms (first DICOM request at ${m.firstDicomMs?.toFixed(0)} ms, ${m.requests} requests)`);
    warm.push(m);
  }
  return { cold, warm: { firstImageMs: median(warm.map((m) => m.firstImageMs)), firstDicomMs: median(warm.map((m) => m.firstDicomMs)) } };
}

async function startDev(port) {
  const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    vite.stdout.on('data', (d) => String(d).includes('Local') && resolve(undefined));
    vite.once('exit', (code) => reject(new Error(`vite exited (${code})`)));
  });
  return { stop: () => new Promise((resolve) => (vite.exitCode !== null ? resolve(undefined) : (vite.once('exit', resolve), vite.kill('SIGTERM')))) };
}

const build = await ensureAppBuild({ root: ROOT });
log(build.built ? 'built the app' : 'app build reused');
const browser = await launchChromium(CHROMIUM);
let built;
let dev;
try {
  const served = await serveApp({ root: ROOT, appDir: build.dir, port: 0 });
  try {
    built = await measure(browser, `http://127.0.0.1:${served.port}/`, 'built (npm start)');
  } finally {
    await served.close();
  }
  const port = await freePort();
  const server = await startDev(port);
  try {
    dev = await measure(browser, `http://127.0.0.1:${port}/`, 'dev (npm run dev)');
  } finally {
    await server.stop();
  }
} finally {
  await browser.close();
}

const rows = [
  row('startup.first_image_ms', built.warm.firstImageMs, 'ms', 2000, 'lower'),
  row('startup.first_image_cold_ms', built.cold.firstImageMs, 'ms', 2000, 'lower'),
  row('startup.first_dicom_request_ms', built.warm.firstDicomMs, 'ms', null, 'lower'),
  row('startup.dev_first_image_ms', dev.warm.firstImageMs, 'ms', null, 'lower'),
  row('startup.dev_first_image_cold_ms', dev.cold.firstImageMs, 'ms', null, 'lower'),
  row('startup.dev_first_dicom_request_ms', dev.warm.firstDicomMs, 'ms', null, 'lower'),
];
console.log(formatTable(rows));
const file = path.join(ROOT, 'bench-results.json');
const old = await readFile(file, 'utf8').then(JSON.parse, () => []);
const kept = (Array.isArray(old) ? old : []).filter((r) => !r.name.startsWith('startup.'));
await writeFile(file, `${JSON.stringify([...kept, ...rows], null, 2)}\n`);
log('merged the startup.* rows into bench-results.json');
