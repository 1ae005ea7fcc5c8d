/**
 * The built app for `npm start`: built once into a cache folder and reused
 * while the sources are unchanged, then served by a small static server.
 *
 * The development server (`npm run dev`) hands the browser hundreds of
 * untransformed modules on first open, seconds before the first DICOM byte is
 * read; the built app is a few files. The cache is keyed by a hash of what the
 * build reads (src/, index.html, the vite config, the lockfile), so editing a
 * source file and running `npm start` again rebuilds, and nothing else does.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

/** Files and folders (relative to the project root) whose content decides the build. */
export const BUILD_INPUTS = ['src', 'index.html', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];

/** Every file under `entry` (a file or a folder), sorted, as paths relative to `root`. */
async function filesOf(root, entry) {
  const full = path.join(root, entry);
  const info = await stat(full).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [entry];
  const out = [];
  for (const child of (await readdir(full, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = path.join(entry, child.name);
    if (child.isDirectory()) out.push(...(await filesOf(root, rel)));
    else if (child.isFile()) out.push(rel);
  }
  return out;
}

/** Hash of the names and contents of every build input under `root`. */
export async function sourceKey(root, inputs = BUILD_INPUTS) {
  const hash = createHash('sha256');
  for (const entry of inputs) {
    for (const file of await filesOf(root, entry)) {
      hash.update(file.split(path.sep).join('/'));
      hash.update('\0');
      hash.update(await readFile(path.join(root, file)));
      hash.update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** Builds the app with vite into `outDir` (a production build whatever the caller's NODE_ENV). */
export function viteBuild(root, outDir) {
  const result = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir', '--mode', 'production', '--logLevel', 'error'],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
}

/**
 * The built app for the sources under `root`: `<cacheDir>/app`, built by
 * `build(root, outDir)` unless `<cacheDir>/key` already names the current
 * sources. A build that fails or is interrupted leaves the previous one and
 * its key untouched (it is written beside them and moved in place at the end).
 * @returns {Promise<{ dir: string, key: string, built: boolean }>}
 */
export async function ensureAppBuild({ root, cacheDir = path.join(root, '.tmp', 'app-build'), build = viteBuild, inputs = BUILD_INPUTS }) {
  const key = await sourceKey(root, inputs);
  const dir = path.join(cacheDir, 'app');
  const keyFile = path.join(cacheDir, 'key');
  const cached = await readFile(keyFile, 'utf8').catch(() => '');
  if (cached.trim() === key && existsSync(path.join(dir, 'index.html'))) return { dir, key, built: false };
  await mkdir(cacheDir, { recursive: true });
  const partial = path.join(cacheDir, 'app.partial');
  await rm(partial, { recursive: true, force: true });
  await build(root, partial);
  if (!existsSync(path.join(partial, 'index.html'))) throw new Error(`the build wrote no index.html into ${partial}`);
  await rm(keyFile, { force: true });
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  await writeFile(keyFile, `${key}\n`);
  return { dir, key, built: true };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm', // instantiateStreaming refuses anything else
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.dcm': 'application/dicom',
  '.map': 'application/json',
};

/** `file` if it lies inside `base` and is a file, else undefined (no `..` walks out of the served folders). */
async function fileWithin(base, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = path.resolve(base, `.${decoded}`);
  if (file !== base && !file.startsWith(base + path.sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? { file, size: info.size } : undefined;
}

/** Passes a request on to the test PACS, as the development server's proxy does. */
function proxy(req, res, target) {
  const url = new URL(req.url ?? '/', target);
  const forward = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  forward.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`segmark: the PACS at ${target} did not answer (${error.message})`);
  });
  req.pipe(forward);
}

/**
 * Serves the built app in `appDir` at `/`, the sample series (`<root>/sample-dicom`)
 * at `/sample-dicom/`, and passes `/dicom-web` and `/wado` to `orthanc`.
 * Resolves once listening; `port` 0 picks a free port.
 * @returns {Promise<{ server: http.Server, port: number, close: () => Promise<void> }>}
 */
export async function serveApp({ root, appDir, port = 5173, host = '127.0.0.1', orthanc = `http://127.0.0.1:${process.env.SEGMARK_ORTHANC_PORT ?? '8042'}` }) {
  const sampleDir = path.resolve(root, 'sample-dicom');
  const app = path.resolve(appDir);
  const server = http.createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (/^\/(dicom-web|wado)(\/|$)/.test(pathname)) return proxy(req, res, orthanc);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const sample = pathname.startsWith('/sample-dicom/');
    const found = sample
      ? await fileWithin(sampleDir, pathname.slice('/sample-dicom'.length))
      : await fileWithin(app, pathname === '/' ? '/index.html' : pathname);
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': found.size,
      // vite names built assets by their content hash: they never change under one name.
      'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(found.file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
