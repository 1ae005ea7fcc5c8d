/**
 * The built library as a hospital portal uses it: `npm run build`, then the
 * two example pages (examples/) served with a strict Content-Security-Policy
 * (no eval, no inline scripts, workers and WASM only from our own origin) in
 * real Chromium. Nothing may violate the policy: loading the sample series,
 * decoding compressed files in workers with the WASM codecs, exporting in the
 * export worker. The host-controls page drives the element with its own
 * buttons only (no Segmark toolbar). A second copy of the library on the page
 * warns instead of throwing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './support/kill-processes.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SHARED = resolve(ROOT, '../shared/dicom');

/** The policy the README documents for embedding pages. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.dcm': 'application/dicom',
};

/** Serves examples/, dist/ (also as /dist-copy/, a second copy of the library), sample-dicom/ and the shared DICOM, all under the CSP. */
function serve(): Promise<{ server: Server; url: string }> {
  const mounts: [string, string][] = [
    ['/examples/', join(ROOT, 'examples')],
    ['/dist/', join(ROOT, 'dist')],
    ['/dist-copy/', join(ROOT, 'dist')],
    ['/sample-dicom/', join(ROOT, 'sample-dicom')],
    ['/shared/', SHARED],
  ];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    const file = mount ? normalize(join(mount[1], path.slice(mount[0].length))) : undefined;
    if (!mount || !file || !file.startsWith(mount[1]) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'Content-Security-Policy': CSP }).end('not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
    });
    response.end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    done({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
  }));
}

let server: Server | undefined;
let base = '';
let browser: Browser | undefined;

beforeAll(async () => {
  const built = spawnSync('node', ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
  ({ server, url: base } = await serve());
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

interface Watched {
  page: Page;
  violations: string[];
  errors: string[];
}

/** A page that records every CSP violation and uncaught error. */
async function open(path: string): Promise<Watched> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  const watched: Watched = { page, violations: [], errors: [] };
  await page.exposeFunction('__violation', (text: string) => void watched.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __violation(t: string): void }).__violation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('pageerror', (e) => watched.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push(m.text());
  });
  await page.goto(`${base}${path}`);
  return watched;
}

function waitLoaded(page: Page, slices: number): Promise<unknown> {
  return page.waitForFunction((n) => document.querySelector('segmark-annotator')?.series?.slices === n, slices, { timeout: 60_000 });
}

describe('the built package', () => {
  it('ships the document exchange schema where package.json exports it (segmark/document.schema.json), as in the source', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    const shipped = join(ROOT, pkg.exports['./document.schema.json']!);
    expect(JSON.parse(readFileSync(shipped, 'utf8'))).toEqual(JSON.parse(readFileSync(join(ROOT, 'src/core/annotation/document.schema.json'), 'utf8')));
  });
});

describe('the built library under a strict Content-Security-Policy', () => {
  it('portal page: loads the sample, decodes WASM-coded files in workers, exports in a worker; no violation, no error', async () => {
    const { page, violations, errors } = await open('/examples/portal.html');
    await waitLoaded(page, 70);
    // segmark-load comes once every slice is decoded: the portal logs it.
    await page.waitForFunction(() => document.getElementById('log')!.textContent!.includes('loaded 70 slices'), undefined, { timeout: 60_000 });

    // Compressed files through the decode workers and the WASM codecs.
    const syntaxes = ['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.70'];
    const names: Record<string, string> = {
      '1.2.840.10008.1.2.4.90': 'JPEG2000LosslessOnlyTransferSyntax',
      '1.2.840.10008.1.2.4.80': 'JPEGLSLosslessTransferSyntax',
      '1.2.840.10008.1.2.4.50': 'JPEGProcess1TransferSyntax',
      '1.2.840.10008.1.2.4.51': 'JPEGProcess2_4TransferSyntax',
      '1.2.840.10008.1.2.4.70': 'JPEGProcess14SV1TransferSyntax',
    };
    // The shared DICOM folder is beside the checkout in CI; elsewhere this part needs it too, unless absent outside CI.
    const shared = existsSync(SHARED) || process.env['CI'] === 'true';
    for (const uid of shared ? syntaxes : []) {
      const url = `/shared/syntaxes-cornerstone-ctimage/CTImage.dcm_${names[uid]}_${uid}.dcm`;
      const result = await page.evaluate(async (u) => {
        const a = document.querySelector('segmark-annotator')!;
        const codes: string[] = [];
        const listen = (e: Event) => codes.push((e as CustomEvent<{ code: string }>).detail.code);
        a.addEventListener('segmark-error', listen);
        await a.loadUrls([u]);
        a.removeEventListener('segmark-error', listen);
        return { slices: a.series?.slices, codes };
      }, url);
      expect(result, uid).toEqual({ slices: 1, codes: [] });
    }

    // Back to the sample as local files, which the read worker reads; draw, and export through the export worker.
    const readWorkerFetched = await page.evaluate(async () => {
      const index = (await (await fetch('../sample-dicom/index.json')).json()) as { files: string[] };
      const files = await Promise.all(index.files.map(async (f) => new File([await (await fetch(`../sample-dicom/${f}`)).blob()], f)));
      await document.querySelector('segmark-annotator')!.loadFiles(files);
      return performance.getEntriesByType('resource').some((e) => /read-worker/.test(e.name));
    });
    await waitLoaded(page, 70);
    expect(readWorkerFetched).toBe(true);
    const exported = await page.evaluate(async () => {
      const a = document.querySelector('segmark-annotator') as unknown as {
        annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void } };
        export(format: string, options?: { acceptFindings?: string[] }): Promise<File>;
      };
      a.annotations.document.setRegion(4, 30, { rings: [[100, 100, 150, 100, 150, 140, 100, 140]] }, { kind: 'draw' });
      // The template's other labels are empty, which blocks an export unless accepted.
      const nifti = await a.export('nifti', { acceptFindings: ['empty-label'] });
      const seg = await a.export('dicom-seg', { acceptFindings: ['empty-label'] });
      return [nifti.size, seg.size];
    });
    expect(exported[0]).toBeGreaterThan(352);
    expect(exported[1]).toBeGreaterThan(1000);
    // Agreement in its worker: the drawn square against one shifted by half its width (by hand: Dice 0.5).
    const dice = await page.evaluate(async () => {
      const a = document.querySelector('segmark-annotator')!;
      const b = a.getDocument()!;
      b.regions = [{ labelId: 4, slice: 30, rings: [[125, 100, 175, 100, 175, 140, 125, 140]], origin: 'drawn', verified: false }];
      const result = await a.compareWith(b);
      return result.labels.find((l) => l.ids.a === 4)!.dice;
    });
    expect(dice).toBeCloseTo(0.5, 12);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);

    // The watch works: an inline script is refused and reported.
    await page.addScriptTag({ content: 'window.__inline = 1;' }).catch(() => undefined);
    await page.waitForTimeout(200);
    expect(violations.some((v) => v.startsWith('script-src'))).toBe(true);
    await page.close();
  }, 180_000);

  it('host-controls page: no Segmark toolbar; the page’s own controls change tool, label and slice, draw, undo and download', async () => {
    const { page, violations, errors } = await open('/examples/host-controls.html');
    await waitLoaded(page, 70);
    expect(await page.evaluate(() => document.querySelector('segmark-annotator')!.shadowRoot!.querySelector('.toolbar'))).toBeNull();
    expect(await page.evaluate(() => document.querySelector('segmark-annotator')!.getAttribute('theme'))).toBe('light');

    await page.click('#next');
    await page.click('#next');
    expect(await page.evaluate(() => document.querySelector('segmark-annotator')!.slice)).toBeGreaterThan(0);
    await page.selectOption('#tool', 'polygon');
    await page.selectOption('#label', '5');
    expect(await page.evaluate(() => [document.querySelector('segmark-annotator')!.tool, document.querySelector('segmark-annotator')!.activeLabel])).toEqual(['polygon', 5]);

    // A polygon with the mouse on the viewport, closed with Enter.
    const box = (await page.locator('segmark-annotator').boundingBox())!;
    const cx = box.x + box.width * 0.45;
    const cy = box.y + box.height * 0.5;
    for (const [dx, dy] of [[-40, -30], [40, -30], [40, 30], [-40, 30]] as const) await page.mouse.click(cx + dx, cy + dy);
    await page.keyboard.press('Enter');
    const regions = () => page.evaluate(() => document.querySelector('segmark-annotator')!.getDocument()!.regions.length);
    await page.waitForFunction(() => document.querySelector('segmark-annotator')!.getDocument()!.regions.length === 1);
    expect(await page.evaluate(() => document.getElementById('status')!.textContent)).toContain('label 5');

    // Labels 1–4 and the rest are empty: export() rejects with export-blocked, the page asks, and exports past what the user accepts.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    const download = page.waitForEvent('download');
    await page.click('#export');
    expect((await download).suggestedFilename()).toMatch(/_nifti\.zip$/);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('has no outline on any slice');

    await page.click('#undo');
    expect(await regions()).toBe(0);
    await page.click('#redo');
    expect(await regions()).toBe(1);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('a second copy of the library on the page warns and keeps the first', async () => {
    const { page, errors } = await open('/examples/portal.html');
    await waitLoaded(page, 70);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    const first = await page.evaluate(() => customElements.get('segmark-annotator')!.name);
    // Another copy of the library (its own module graph, so its own element classes), as a second bundle would be.
    await page.addScriptTag({ type: 'module', url: `${base}/dist-copy/segmark.js` });
    await page.waitForTimeout(200);
    expect(warnings.some((w) => w.includes('already defined by another copy of Segmark'))).toBe(true);
    expect(await page.evaluate(() => customElements.get('segmark-annotator')!.name)).toBe(first);
    expect(await page.evaluate(() => document.querySelector('segmark-annotator')!.series?.slices)).toBe(70);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
