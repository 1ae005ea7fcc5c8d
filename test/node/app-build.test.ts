/**
 * `npm start` builds the app once and serves the build: the build is reused
 * while the sources are unchanged, redone when one changes, and the server
 * answers with the built page, the sample series and nothing outside them.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { ensureAppBuild, serveApp } from '../../scripts/app-build.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Build {
  dir: string;
  key: string;
  built: boolean;
}
type BuildFn = (root: string, outDir: string) => Promise<void> | void;
const ensure = ensureAppBuild as (o: { root: string; cacheDir?: string; build?: BuildFn; inputs?: string[] }) => Promise<Build>;
const serve = serveApp as (o: { root: string; appDir: string; port?: number; orthanc?: string }) => Promise<{ port: number; close: () => Promise<void> }>;

describe('the build cache of npm start', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'segmark-app-build-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  // The real vite build of the app is run by the next test; here a stand-in build counts
  // how often it is asked for, which is what the cache decides (a real build takes ~13 s).
  it('builds once, reuses the build while the sources are unchanged, and rebuilds when a source or a new file changes', async () => {
    const root = path.join(work, 'project');
    await mkdir(path.join(root, 'src', 'core'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(path.join(root, 'src', 'app.ts'), 'export const a = 1;\n');
    await writeFile(path.join(root, 'src', 'core', 'b.ts'), 'export const b = 2;\n');
    const cacheDir = path.join(work, 'cache');
    const builds: string[] = [];
    const build: BuildFn = async (_root, outDir) => {
      builds.push(outDir);
      await mkdir(outDir, { recursive: true });
      await writeFile(path.join(outDir, 'index.html'), `build ${builds.length}`);
    };
    const inputs = ['src', 'index.html'];

    const first = await ensure({ root, cacheDir, build, inputs });
    expect(first.built).toBe(true);
    expect(await readFile(path.join(first.dir, 'index.html'), 'utf8')).toBe('build 1');

    const again = await ensure({ root, cacheDir, build, inputs });
    expect(again).toEqual({ dir: first.dir, key: first.key, built: false });
    expect(builds).toHaveLength(1);

    await writeFile(path.join(root, 'src', 'core', 'b.ts'), 'export const b = 3;\n');
    const edited = await ensure({ root, cacheDir, build, inputs });
    expect(edited.built).toBe(true);
    expect(edited.key).not.toBe(first.key);
    expect(await readFile(path.join(edited.dir, 'index.html'), 'utf8')).toBe('build 2');

    await writeFile(path.join(root, 'src', 'core', 'c.ts'), '');
    expect((await ensure({ root, cacheDir, build, inputs })).built).toBe(true);
    expect((await ensure({ root, cacheDir, build, inputs })).built).toBe(false);
    expect(builds).toHaveLength(3);
  });

  it('keeps the last good build when a build fails, and builds again on the next start', async () => {
    const root = path.join(work, 'failing');
    await mkdir(path.join(root, 'src'), { recursive: true });
    await writeFile(path.join(root, 'src', 'app.ts'), 'export {};\n');
    const cacheDir = path.join(work, 'failing-cache');
    const good: BuildFn = async (_root, outDir) => {
      await mkdir(outDir, { recursive: true });
      await writeFile(path.join(outDir, 'index.html'), 'good');
    };
    const first = await ensure({ root, cacheDir, build: good, inputs: ['src'] });
    await writeFile(path.join(root, 'src', 'app.ts'), 'export const broken = ;\n');
    const failing: BuildFn = () => {
      throw new Error('vite build failed');
    };
    await expect(ensure({ root, cacheDir, build: failing, inputs: ['src'] })).rejects.toThrow('vite build failed');
    expect(await readFile(path.join(first.dir, 'index.html'), 'utf8')).toBe('good');
    expect((await ensure({ root, cacheDir, build: good, inputs: ['src'] })).built).toBe(true);
  });

  it('builds the real app once, then serves the built page, its scripts, the sample series and nothing outside them', async () => {
    const cacheDir = path.join(work, 'real');
    const built = await ensure({ root: ROOT, cacheDir });
    expect(built.built).toBe(true);
    const page = await readFile(path.join(built.dir, 'index.html'), 'utf8');
    const written = (await stat(path.join(built.dir, 'index.html'))).mtimeMs;
    // The built page loads a bundled script, not the sources the development server transforms.
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    expect(page).not.toContain('/src/app.ts');

    const reused = await ensure({ root: ROOT, cacheDir });
    expect(reused.built).toBe(false);
    expect((await stat(path.join(built.dir, 'index.html'))).mtimeMs).toBe(written);

    const server = await serve({ root: ROOT, appDir: built.dir, port: 0 });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const index = await fetch(`${base}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await index.text()).toBe(page);

      const js = await fetch(`${base}${script!}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await js.arrayBuffer()).byteLength).toBe((await stat(path.join(built.dir, script!))).size);

      if (existsSync(path.join(ROOT, 'sample-dicom', 'index.json'))) {
        const sample = await fetch(`${base}/sample-dicom/index.json`);
        expect(sample.status).toBe(200);
        expect(await sample.json()).toEqual(JSON.parse(await readFile(path.join(ROOT, 'sample-dicom', 'index.json'), 'utf8')));
      }
      for (const outside of ['/../package.json', '/%2e%2e/package.json', '/sample-dicom/..%2f..%2fpackage.json', '/nothing-here.js']) {
        expect((await fetch(`${base}${outside}`)).status, outside).toBe(404);
      }
    } finally {
      await server.close();
    }
  });

  // A plain HTTP server stands in for Orthanc here: the Node project runs without it
  // (the PACS tests in the tools and browser projects use the real one).
  it('passes /dicom-web and /wado requests to the PACS with their method, path, query and body, as the development server does', async () => {
    const seen: string[] = [];
    const pacs = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(207, { 'content-type': 'application/dicom+json' }).end('[{"from":"pacs"}]');
      });
    });
    await new Promise<void>((resolve) => pacs.listen(0, '127.0.0.1', resolve));
    const pacsPort = (pacs.address() as { port: number }).port;
    const appDir = path.join(work, 'proxy-app');
    await mkdir(appDir, { recursive: true });
    await writeFile(path.join(appDir, 'index.html'), 'app');
    const server = await serve({ root: work, appDir, port: 0, orthanc: `http://127.0.0.1:${pacsPort}` });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const search = await fetch(`${base}/dicom-web/studies?PatientID=X1&limit=5`);
      expect(search.status).toBe(207);
      expect(search.headers.get('content-type')).toBe('application/dicom+json');
      expect(await search.json()).toEqual([{ from: 'pacs' }]);
      const stored = await fetch(`${base}/dicom-web/studies`, { method: 'POST', body: 'stow body' });
      expect(stored.status).toBe(207);
      await (await fetch(`${base}/wado?requestType=WADO`)).text();
      expect(seen).toEqual(['GET /dicom-web/studies?PatientID=X1&limit=5 ', 'POST /dicom-web/studies stow body', 'GET /wado?requestType=WADO ']);
      // Other paths stay with the app.
      expect(await (await fetch(`${base}/dicom-webx`)).text()).toBe('not found');
    } finally {
      await server.close();
      await new Promise((resolve) => pacs.close(resolve));
    }
  });
});
