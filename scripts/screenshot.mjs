/**
 * `node scripts/screenshot.mjs [out.png]`: the README screenshot, taken in
 * headless Chromium from the app with the sample series open.
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright';

const out = process.argv[2] ?? 'docs/screenshot.png';
const port = 5190 + Math.floor(Math.random() * 100);
const vite = spawn('node', ['node_modules/vite/bin/vite.js', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve) => vite.stdout.on('data', (d) => String(d).includes('Local') && resolve()));
const browser = await chromium.launch({
  executablePath: process.env.SEGMARK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const loaded = page.waitForEvent('console', { predicate: (m) => m.text() === 'segmark-load', timeout: 60_000 });
  await page.addInitScript(() => document.addEventListener('segmark-load', () => console.log('segmark-load')));
  await page.goto(`http://127.0.0.1:${port}/`);
  await loaded;
  // A disc level, spine window, and the cursor over the disc for the HU read-out.
  await page.evaluate(() => {
    const a = document.querySelector('segmark-annotator');
    a.applyPreset('spine');
  });
  const slice = Number(process.env.SLICE ?? -1);
  if (slice >= 0) await page.evaluate((k) => (document.querySelector('segmark-annotator').slice = k), slice);
  await page.mouse.move(520, 420);
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  vite.kill();
}
