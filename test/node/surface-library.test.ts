/**
 * The 3D view from the built library, under the strict Content-Security-
 * Policy a hospital portal uses (the one test/node/library.test.ts and the
 * README give): vtk.js loaded as its own chunk, the surface worker started
 * from its file, WebGL drawing — no violation, no error, a surface drawn.
 * The view is given an annotator's volume, document and labelmap, as the
 * annotator will give them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './support/kill-processes.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/**
 * The library as `npm run build` bundles it, into a folder of this test's own:
 * library.test.ts builds dist/ at the same time in another worker.
 */
const DIST = join(ROOT, '.tmp/surface-library-dist');

/** The policy of library.test.ts (the README's for embedding pages). */
const CSP = [
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

/** The test page: a module file, since the policy allows no inline script (nor style attributes: styles are set through CSSOM). */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>3D view</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="/page/surface.js"></script></body></html>`;

const SCRIPT = `
import '/dist/segmark.js';
const annotator = document.createElement('segmark-annotator');
annotator.noAutosave = true;
Object.assign(annotator.style, { display: 'grid', width: '900px', height: '500px' });
document.body.append(annotator);
const index = await (await fetch('/sample-dicom/index.json')).json();
await annotator.loadUrls(index.files.map((f) => '/sample-dicom/' + f));
const { document: doc, labelmap } = annotator.annotations;
const volume = annotator.session.volume;
const [c, r] = [Math.floor(volume.columns / 2), Math.floor(volume.rows / 2)];
for (let k = 20; k < 30; k++) doc.setRegion(4, k, { rings: [[c - 30, r - 20, c + 30, r - 20, c + 30, r + 20, c - 30, r + 20]] }, { kind: 'draw' });
const view = document.createElement('segmark-surface-view');
Object.assign(view.style, { display: 'block', width: '400px', height: '300px' });
document.body.append(view);
Object.assign(view, { volume, document: doc, labelmap, showPlanes: true, crosshair: { column: c, row: r }, slice: 25, window: { center: 40, width: 400 } });
await view.whenIdle();
const picture = view.readPixels();
let lit = 0;
for (let i = 0; i < picture.data.length; i += 4) if (picture.data[i] + picture.data[i + 1] + picture.data[i + 2] > 30) lit++;
window.__surface = { surfaces: view.surfaces(), lit, pixels: picture.width * picture.height };
`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.dcm': 'application/dicom',
};

function serve(): Promise<{ server: Server; url: string }> {
  const mounts: [string, string][] = [
    ['/dist/', DIST],
    ['/sample-dicom/', join(ROOT, 'sample-dicom')],
  ];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const headers = { 'Content-Security-Policy': CSP };
    if (path === '/page/surface.html') return void response.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
    if (path === '/page/surface.js') return void response.writeHead(200, { ...headers, 'Content-Type': TYPES['.js']! }).end(SCRIPT);
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    const file = mount ? normalize(join(mount[1], path.slice(mount[0].length))) : undefined;
    if (!mount || !file || !file.startsWith(mount[1]) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, headers).end('not found');
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    }),
  );
}

let server: Server | undefined;
let base = '';
let browser: Browser | undefined;

beforeAll(async () => {
  const built = spawnSync(
    'node',
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.lib.config.ts', '--mode', 'production', '--logLevel', 'warn', '--outDir', DIST, '--emptyOutDir'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (built.status !== 0) throw new Error(`the library build failed:\n${built.stdout}\n${built.stderr}`);
  ({ server, url: base } = await serve());
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

describe('the 3D view in the built library under a strict Content-Security-Policy', () => {
  it('loads vtk.js and the surface worker, draws the surface and the CT planes; no violation, no error', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const violations: string[] = [];
    const errors: string[] = [];
    await page.exposeFunction('__violation', (text: string) => void violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        void (window as unknown as { __violation(t: string): void }).__violation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const scripts: string[] = [];
    page.on('request', (r) => void scripts.push(new URL(r.url()).pathname));
    await page.goto(`${base}/page/surface.html`);
    await page.waitForFunction(() => '__surface' in window, undefined, { timeout: 90_000 });
    const result = await page.evaluate(() => (window as unknown as { __surface: { surfaces: { labelId: number; triangles: number; volumeMm3: number }[]; lit: number; pixels: number } }).__surface);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    expect(result.surfaces.map((s) => s.labelId)).toEqual([4]);
    expect(result.surfaces[0]!.triangles).toBeGreaterThan(100);
    expect(result.lit).toBeGreaterThan(result.pixels * 0.05);
    // The meshing ran in the worker file, and vtk.js came in its own chunk.
    expect(page.workers().some((w) => /\/workers\/surface-worker-[\w-]+\.js$/.test(w.url()))).toBe(true);
    expect(scripts.some((p) => /\/chunks\/surface-scene-[\w-]+\.js$/.test(p))).toBe(true);
    await page.close();
  });
});
