// The review portal's server: a small, dependency-free Node HTTP server for
// this example and its test only. It serves the built library (dist/), the
// portal page, the sample series, and a JSON API that keeps each annotator's
// document of a series and routes it between annotator and reviewer:
//
//   GET  /api/documents/:seriesUid/:user  → { document, revision, savedBy, savedAt } or 404
//   PUT  /api/documents/:seriesUid/:user  ← { document, baseRevision, savedBy }
//        → { revision }; 409 { revision, current } when baseRevision is older
//        than the stored revision, or the document is not newer than it
//        (what `segmark-conflict` means in the page)
//   POST /api/submit  ← { seriesUid, annotator, revision }: to a reviewer's queue
//   GET  /api/queue/:reviewer → documents waiting, oldest submission first
//   POST /api/return  ← { seriesUid, annotator, reviewer, status, note, revision }:
//        back to the annotator (changes requested, or approved)
//   GET  /api/returned/:annotator → what reviewers sent back, newest first
//
// Kept in memory, and with `--data DIR` also as JSON files in DIR (read back
// at start). Run it after `npm run build`:  node examples/review-portal/server.mjs
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '../..');

/** The policy README gives for pages that embed Segmark: no inline script, workers and WASM from our origin. */
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

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.dcm': 'application/dicom',
};

const PAGE_PREFIX = '/examples/review-portal/';
const PAGE_FILES = ['index.html', 'portal.js', 'portal.css'];

/** A document of 2,000 slices with many outlines stays well under this. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** UIDs are digits and dots; user names are kept to what is safe in a path and a file name. */
const UID = /^[0-9.]{1,64}$/;
const USER = /^[\w.@-]{1,64}$/;

class HttpError extends Error {
  constructor(status, body) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.status = status;
    this.body = typeof body === 'string' ? { error: body } : body;
  }
}

/** Documents by `seriesUid/user`, the reviewers' queue and the annotators' returned lists; optionally mirrored in `dataDir`. */
class Store {
  documents = new Map();
  /** Waiting for review: { seriesUid, annotator, reviewer (null: any reviewer), revision, submittedAt, title }. */
  queue = [];
  /** Sent back: { seriesUid, annotator, reviewer, status, note, revision, at }. */
  returned = [];

  constructor(dataDir) {
    this.dataDir = dataDir;
    if (!dataDir) return;
    mkdirSync(join(dataDir, 'documents'), { recursive: true });
    for (const name of readdirSync(join(dataDir, 'documents'))) {
      if (!name.endsWith('.json')) continue;
      const stored = JSON.parse(readFileSync(join(dataDir, 'documents', name), 'utf8'));
      this.documents.set(decodeURIComponent(name.slice(0, -5)), stored);
    }
    const routing = join(dataDir, 'routing.json');
    if (existsSync(routing)) Object.assign(this, JSON.parse(readFileSync(routing, 'utf8')));
  }

  putDocument(key, stored) {
    this.documents.set(key, stored);
    if (this.dataDir) writeAtomically(join(this.dataDir, 'documents', `${encodeURIComponent(key)}.json`), JSON.stringify(stored));
  }

  saveRouting() {
    if (this.dataDir) writeAtomically(join(this.dataDir, 'routing.json'), JSON.stringify({ queue: this.queue, returned: this.returned }));
  }
}

/** Written beside and renamed over, so a crash never leaves half a file. */
function writeAtomically(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** What the reviewer's queue shows of a document: labels with outlines, outlines, verified share. */
function summary(document) {
  const regions = document.regions ?? [];
  const verified = regions.filter((r) => r.verified).length;
  return {
    labels: new Set(regions.map((r) => r.labelId)).size,
    outlines: regions.length,
    verifiedShare: regions.length ? verified / regions.length : undefined,
  };
}

async function readJson(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

function check(value, pattern, what) {
  if (typeof value !== 'string' || !pattern.test(value)) throw new HttpError(400, `bad ${what}`);
  return value;
}

/** The stored document of (series, annotator) at exactly `revision`, else 404 or 409. */
function storedAt(store, seriesUid, annotator, revision) {
  const stored = store.documents.get(`${seriesUid}/${annotator}`);
  if (!stored) throw new HttpError(404, 'no such document');
  if (stored.revision !== revision) throw new HttpError(409, { revision, current: stored.revision });
  return stored;
}

async function api(store, method, parts, request) {
  const [what, a, b] = parts;
  if (what === 'documents' && parts.length === 3) {
    const seriesUid = check(a, UID, 'series UID');
    const user = check(b, USER, 'user');
    const key = `${seriesUid}/${user}`;
    if (method === 'GET') {
      const stored = store.documents.get(key);
      if (!stored) throw new HttpError(404, 'no such document');
      return stored;
    }
    if (method === 'PUT') {
      const { document, baseRevision, savedBy } = await readJson(request);
      if (document?.format !== 'segmark-document' || !Number.isInteger(document.revision)) throw new HttpError(400, 'not a segmark document');
      if (document.series?.seriesInstanceUID !== seriesUid) throw new HttpError(400, 'the document annotates another series');
      const current = store.documents.get(key)?.revision;
      // The sender's work starts from `baseRevision`: what was stored after it would be lost. And revisions
      // only grow, so a stored revision always names one state of the document.
      if (current !== undefined && !(Number.isInteger(baseRevision) && baseRevision >= current && document.revision > current)) {
        throw new HttpError(409, { revision: baseRevision ?? null, current });
      }
      const { baseRevision: _base, ...plain } = document;
      store.putDocument(key, { document: plain, revision: plain.revision, savedBy: String(savedBy ?? ''), savedAt: new Date().toISOString() });
      return { revision: plain.revision };
    }
  }
  if (what === 'submit' && method === 'POST' && parts.length === 1) {
    const body = await readJson(request);
    const seriesUid = check(body.seriesUid, UID, 'series UID');
    const annotator = check(body.annotator, USER, 'annotator');
    const stored = storedAt(store, seriesUid, annotator, body.revision);
    if (stored.document.review?.status !== 'submitted') throw new HttpError(409, 'the stored document is not submitted');
    // A document sent back before goes to the reviewer who sent it; a new one to any reviewer.
    const before = store.returned.find((r) => r.seriesUid === seriesUid && r.annotator === annotator);
    store.queue = store.queue.filter((q) => !(q.seriesUid === seriesUid && q.annotator === annotator));
    store.returned = store.returned.filter((r) => r !== before);
    const item = { seriesUid, annotator, reviewer: before?.reviewer ?? null, revision: stored.revision, submittedAt: new Date().toISOString(), title: body.title ?? '' };
    store.queue.push(item);
    store.saveRouting();
    return item;
  }
  if (what === 'queue' && method === 'GET' && parts.length === 2) {
    const reviewer = check(a, USER, 'reviewer');
    return store.queue
      .filter((q) => q.reviewer === null || q.reviewer === reviewer)
      .sort((x, y) => x.submittedAt.localeCompare(y.submittedAt))
      .map((q) => ({ ...q, ...summary(store.documents.get(`${q.seriesUid}/${q.annotator}`).document) }));
  }
  if (what === 'return' && method === 'POST' && parts.length === 1) {
    const body = await readJson(request);
    const seriesUid = check(body.seriesUid, UID, 'series UID');
    const annotator = check(body.annotator, USER, 'annotator');
    const reviewer = check(body.reviewer, USER, 'reviewer');
    if (body.status !== 'changes-requested' && body.status !== 'approved') throw new HttpError(400, 'status must be changes-requested or approved');
    const stored = storedAt(store, seriesUid, annotator, body.revision);
    if (stored.document.review?.status !== body.status) throw new HttpError(409, `the stored document is not ${body.status}`);
    store.queue = store.queue.filter((q) => !(q.seriesUid === seriesUid && q.annotator === annotator));
    store.returned = store.returned.filter((r) => !(r.seriesUid === seriesUid && r.annotator === annotator));
    const item = { seriesUid, annotator, reviewer, status: body.status, note: String(body.note ?? ''), revision: stored.revision, at: new Date().toISOString() };
    store.returned.push(item);
    store.saveRouting();
    return item;
  }
  if (what === 'returned' && method === 'GET' && parts.length === 2) {
    const annotator = check(a, USER, 'annotator');
    return store.returned.filter((r) => r.annotator === annotator).sort((x, y) => y.at.localeCompare(x.at));
  }
  throw new HttpError(404, 'no such API');
}

/** The file under one of `mounts` that `path` names, or undefined (never outside the mount). */
function fileFor(mounts, path) {
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir + sep) && file !== dir) return undefined;
    return existsSync(file) && statSync(file).isFile() ? file : undefined;
  }
  return undefined;
}

/**
 * Starts the server on 127.0.0.1. `port` 0 takes a free one; `dataDir` keeps
 * the documents and routing as JSON files; `distDir` is the built library
 * (default: the checkout's dist/). Resolves to `{ url, store, close() }`.
 */
export async function startServer({ port = 8080, dataDir, distDir = join(ROOT, 'dist') } = {}) {
  const store = new Store(dataDir);
  const mounts = [
    ['/dist/', resolve(distDir)],
    ['/sample-dicom/', join(ROOT, 'sample-dicom')],
  ];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://portal');
    const headers = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' };
    try {
      if (url.pathname.startsWith('/api/')) {
        const parts = url.pathname.slice(5).split('/').map(decodeURIComponent);
        const body = await api(store, request.method ?? 'GET', parts, request);
        response.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      if (url.pathname === '/') {
        response.writeHead(302, { ...headers, Location: '/examples/review-portal/' }).end();
        return;
      }
      const path = decodeURIComponent(url.pathname);
      // The portal's folder: its page only (not this file, nor a data directory someone put there).
      const page = path.startsWith(PAGE_PREFIX) ? path.slice(PAGE_PREFIX.length) || 'index.html' : undefined;
      const file = page !== undefined ? (PAGE_FILES.includes(page) ? join(HERE, page) : undefined) : fileFor(mounts, path);
      if (!file || request.method !== 'GET') throw new HttpError(404, 'not found');
      response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) console.error(error);
      const body = error instanceof HttpError ? error.body : { error: 'internal error' };
      response.writeHead(status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    }
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', done);
  });
  const address = server.address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    store,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

// Run directly: node examples/review-portal/server.mjs [--port 8080] [--data DIR]
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const { url } = await startServer({ port: Number(arg('--port') ?? 8080), dataDir: arg('--data') });
  console.log(`review portal: ${url}/examples/review-portal/?user=ana&role=annotator and ?user=rita&role=reviewer`);
}
