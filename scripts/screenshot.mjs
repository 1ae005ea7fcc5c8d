/**
 * `node scripts/screenshot.mjs [out.png]`: the README screenshots, taken in
 * headless Chromium from the app with the sample series open: the main one
 * (1400 × 860) and the app at a laptop's 1280 × 720 and a large monitor's
 * 2560 × 1440, to show the layout at both ends: the three planes side by
 * side at 1280 × 720, the three planes and the 3D view of every disc at
 * 2560 × 1440 (the other discs set from the generator's ground truth). With a
 * file name, only the main one, written there.
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright';

const shots = process.argv[2]
  ? [{ out: process.argv[2], width: 1400, height: 860 }]
  : [
      { out: 'docs/screenshot.png', width: 1400, height: 860 },
      { out: 'docs/screenshot-1280x720.png', width: 1280, height: 720, layout: 'mpr' },
      { out: 'docs/screenshot-2560x1440.png', width: 2560, height: 1440, layout: 'mpr-3d', allDiscs: true },
    ];
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
  for (const { out, width, height, layout = 'axial', allDiscs = false } of shots) {
    const page = await browser.newPage({ viewport: { width, height } });
    const loaded = page.waitForEvent('console', { predicate: (m) => m.text() === 'segmark-load', timeout: 60_000 });
    await page.addInitScript(() => document.addEventListener('segmark-load', () => console.log('segmark-load')));
    await page.goto(`http://127.0.0.1:${port}/`);
    await loaded;
    // The L3/L4 disc level in the spine window, its outline traced with the freehand tool along the
    // generator's ground truth, and the cursor over the disc for the HU read-out.
    const outline = await page.evaluate(async ({ layout, allDiscs }) => {
      const a = document.querySelector('segmark-annotator');
      a.layout = layout;
      const meta = await (await fetch('/sample-dicom/ground-truth/discs.json')).json();
      const { columns, rows, slices } = meta.dims;
      const raw = new Uint8Array(await (await fetch('/sample-dicom/ground-truth/discs.u8.gz')).arrayBuffer());
      if (raw[0] === 0x1f) return null; // still compressed: skip the outline rather than pull in a gunzip here
      const n = columns * rows;
      let best = 0;
      let bestCount = 0;
      for (let k = 0; k < slices; k++) {
        let c = 0;
        for (let i = k * n; i < (k + 1) * n; i++) if (raw[i] === 3) c++;
        if (c > bestCount) [best, bestCount] = [k, c];
      }
      if (allDiscs) {
        // Every disc on every slice from the ground truth (labels 1…5 are the discs L1/L2 … L5/S1), but
        // the one the mouse traces below; one undo step, as an import would be.
        const { maskToRegion } = await import('/src/core/annotation/contour.ts');
        const doc = a.session.document;
        doc.beginStroke('Ground truth');
        for (let k = 0; k < slices; k++) {
          const slice = raw.subarray(k * n, (k + 1) * n);
          for (let d = 1; d <= 5; d++) {
            if ((d === 3 && k === best) || !slice.includes(d)) continue;
            doc.setRegion(d, k, maskToRegion(slice, columns, rows, d), { kind: 'import' });
          }
        }
        doc.commitStroke();
      }
      a.slice = best;
      a.activeLabel = 3;
      a.applyPreset('spine');
      a.tool = 'freehand';
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      // Walk the boundary of the disc mask by angle from its centroid.
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < n; i++) if (raw[best * n + i] === 3) { sx += i % columns; sy += Math.floor(i / columns); }
      const cx = sx / bestCount + 0.5;
      const cy = sy / bestCount + 0.5;
      const viewport = a.shadowRoot.querySelector('segmark-viewport[data-plane=axial]');
      const points = [];
      for (let t = 0; t <= 360; t += 4) {
        const dx = Math.cos((t * Math.PI) / 180);
        const dy = Math.sin((t * Math.PI) / 180);
        let r = 0;
        while (raw[best * n + Math.floor(cy + dy * (r + 1)) * columns + Math.floor(cx + dx * (r + 1))] === 3) r += 0.5;
        const p = viewport.imageToClient(cx + dx * (r + 0.5), cy + dy * (r + 0.5));
        points.push([p.x, p.y]);
      }
      return { points, centre: viewport.imageToClient(cx, cy) };
    }, { layout, allDiscs });
    if (outline) {
      const [first, ...rest] = outline.points;
      await page.mouse.move(...first);
      await page.mouse.down();
      for (const p of rest) await page.mouse.move(...p);
      await page.mouse.up();
      await page.evaluate(() => (document.querySelector('segmark-annotator').tool = 'window'));
      await page.mouse.move(outline.centre.x, outline.centre.y);
    }
    // The 3D view meshes in a worker: wait until its surfaces are drawn.
    await page.evaluate(() => document.querySelector('segmark-annotator').shadowRoot.querySelector('segmark-surface-view')?.whenIdle());
    await page.waitForTimeout(500);
    await page.screenshot({ path: out });
    await page.close();
    console.log(`wrote ${out}`);
  }
} finally {
  await browser.close();
  vite.kill();
}
