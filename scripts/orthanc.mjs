#!/usr/bin/env node
/**
 * A throwaway PACS for the tests: Debian's Orthanc with its DICOMweb plugin,
 * a temporary storage folder, seeded with the sample series and a JPEG 2000
 * series, stopped by its pid. Loopback only: it is meant to run inside a
 * private network namespace (`unshare -n`, see scripts/test.mjs); outside one
 * it still refuses non-loopback clients (RemoteAccessAllowed false).
 *
 * Every request must carry `Authorization: Bearer <PACS_TOKEN>`, checked by an
 * Orthanc Lua filter that answers 403 otherwise: a test gets a real refusal
 * by sending another token. (Orthanc's own Basic authentication was not used:
 * its 401 carries `WWW-Authenticate: Basic`, on which Chromium holds the
 * request for a login prompt instead of handing the 401 to the page.)
 *
 *   node scripts/orthanc.mjs --run <command…>   start, seed, start nginx in front of it
 *                                               (scripts/nginx.mjs), run the command with
 *                                               SEGMARK_ORTHANC_PORT, SEGMARK_NGINX_PORT and
 *                                               SEGMARK_NGINX_UPSTREAM set, stop both; exits with its code
 *
 * The tests reach the PACS as a portal's page does, through a reverse proxy:
 * vite.config.ts proxies /dicom-web to nginx when SEGMARK_NGINX_UPSTREAM is the
 * Orthanc of SEGMARK_ORTHANC_PORT (a test that starts an Orthanc of its own and
 * sets only SEGMARK_ORTHANC_PORT gets straight to it).
 *
 * `npm run bench` imports startOrthanc and upload for its pacs scenario
 * (scripts/bench/scenarios/pacs.mjs), with the bench series instead of the seed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChildServer } from './child-server.mjs';
import { startNginx } from './nginx.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ORTHANC = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
/** The bearer token the test PACS accepts (test/browser/support/dicomweb-pacs.ts sends it). */
export const PACS_TOKEN = 'segmark-test-token';

/** The JPEG 2000 lossless series in the shared data, whose files lack study, series and SOP instance UIDs. */
const J2K_SERIES = path.resolve(ROOT, '../shared/dicom/ct-series-totalsegmentator-siemens-abdomen/dicom');
/** Patient of the JPEG 2000 series once seeded (the files are de-identified to empty names). */
export const J2K_PATIENT = { name: 'TOTALSEG^ABDOMEN', id: 'TOTALSEG-J2K-001' };

const log = (message) => console.log(`orthanc: ${message}`);

/** A UID under 2.25 (PS3.5 B.2) derived from a name, so reseeding gives the same UIDs. */
function uidFor(name) {
  return `2.25.${BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 30)}`)}`;
}

const authorization = `Bearer ${PACS_TOKEN}`;

/** Orthanc calls this for every HTTP request; false makes it answer 403 Forbidden. */
const FILTER = `function IncomingHttpRequestFilter(method, uri, ip, username, httpHeaders)
  return httpHeaders['authorization'] == '${authorization}'
end
`;

/**
 * Starts Orthanc on `port` with a fresh storage folder and waits until it answers.
 * Returns `{ port, pid, stop }`; `stop()` ends it by its pid and removes the folder.
 * `httpCompression: false` turns off Orthanc's gzip of answers (on by default, as in
 * Orthanc): Chromium always offers gzip, and deflating every 512 KB frame costs Orthanc
 * ~50 ms of CPU, which over loopback is all cost and no gain (the bench turns it off).
 */
export async function startOrthanc({ port, httpCompression = true } = {}) {
  for (const file of [ORTHANC, DICOMWEB_PLUGIN]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: apt-get install -y orthanc orthanc-dicomweb`);
  }
  port ??= await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'segmark-orthanc-'));
  const config = {
    Name: 'segmark-test',
    StorageDirectory: path.join(dir, 'db'),
    IndexDirectory: path.join(dir, 'db'),
    HttpServerEnabled: true,
    HttpPort: port,
    HttpCompressionEnabled: httpCompression,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    LuaScripts: [path.join(dir, 'filter.lua')],
    DicomServerEnabled: false,
    Plugins: [DICOMWEB_PLUGIN],
    // No DicomWeb.Host: Orthanc then builds BulkDataURIs from the request's Host, which the vite proxy keeps.
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true, WadoRoot: '/wado', Ssl: false },
  };
  writeFileSync(path.join(dir, 'filter.lua'), FILTER);
  writeFileSync(path.join(dir, 'orthanc.json'), JSON.stringify(config, null, 2));
  const { pid, stop } = await startChildServer({
    name: 'Orthanc',
    command: ORTHANC,
    args: [path.join(dir, 'orthanc.json')],
    dir,
    stopSignal: 'SIGTERM',
    answers: async () => (await fetch(`http://127.0.0.1:${port}/system`, { headers: { authorization } })).ok,
    question: 'GET /system',
    timeoutMs: 20_000,
  });
  return { port, pid, stop };
}

/**
 * Stores one DICOM file in Orthanc (its REST API, not STOW-RS) and resolves with Orthanc's
 * answer: `{ ID, ParentSeries, ParentStudy, Status, … }` (Orthanc's own ids, not DICOM UIDs).
 */
export async function upload(port, bytes, name) {
  const response = await fetch(`http://127.0.0.1:${port}/instances`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/dicom' },
    body: bytes,
  });
  if (!response.ok) throw new Error(`POST /instances ${name}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** GET of Orthanc's REST API (e.g. `/series/<id>`) with the token, as JSON. */
export async function orthancGet(port, resource) {
  const response = await fetch(`http://127.0.0.1:${port}${resource}`, { headers: { authorization } });
  if (!response.ok) throw new Error(`GET ${resource}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Uploads the sample series, and the JPEG 2000 series with the UIDs and patient it lacks
 * (Orthanc refuses instances without study, series and SOP instance UIDs), patched into
 * temporary copies with dcmodify; the pixel data stays as it was, compressed.
 */
export async function seedOrthanc(port) {
  const sample = path.join(ROOT, 'sample-dicom');
  const { files } = JSON.parse(readFileSync(path.join(sample, 'index.json'), 'utf8'));
  // A few uploads at once: Orthanc stores in parallel, and start-up time is test time.
  const queue = [...files];
  const uploader = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await upload(port, readFileSync(path.join(sample, name)), name);
  };
  await Promise.all(Array.from({ length: 4 }, uploader));
  let seeded = files.length;
  if (existsSync(J2K_SERIES)) {
    const dir = mkdtempSync(path.join(tmpdir(), 'segmark-j2k-'));
    try {
      const study = uidFor('segmark-test j2k study');
      const series = uidFor('segmark-test j2k series');
      for (const name of readdirSync(J2K_SERIES).sort()) {
        const copy = path.join(dir, name);
        writeFileSync(copy, readFileSync(path.join(J2K_SERIES, name)));
        // The file names are `CT.<SOP Instance UID>`, as the meta header says too.
        const sop = name.replace(/^CT\./, '');
        const set = [
          ['0008,0016', '1.2.840.10008.5.1.4.1.1.2'],
          ['0008,0018', sop],
          ['0020,000d', study],
          ['0020,000e', series],
          ['0010,0010', J2K_PATIENT.name],
          ['0010,0020', J2K_PATIENT.id],
          ['0008,0050', 'TOTALSEGJ2K'],
        ];
        execFileSync('dcmodify', ['-nb', ...set.flatMap(([tag, value]) => ['-m', `(${tag})=${value}`]), copy], { stdio: 'pipe' });
        await upload(port, readFileSync(copy), name);
        seeded++;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    log(`${J2K_SERIES} is absent: the JPEG 2000 series is not seeded`);
  }
  return seeded;
}

/** `--run <command…>`: Orthanc around one command, stopped however the command ends. */
async function runAround(command) {
  const started = performance.now();
  const orthanc = await startOrthanc({ port: process.env.SEGMARK_ORTHANC_PORT ? Number(process.env.SEGMARK_ORTHANC_PORT) : undefined });
  let child;
  let nginx;
  const stopAll = async (code) => {
    child?.kill('SIGTERM');
    await nginx?.stop();
    await orthanc.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => void stopAll(130));
  try {
    const count = await seedOrthanc(orthanc.port);
    nginx = await startNginx({ upstreamPort: orthanc.port });
    log(`pid ${orthanc.pid} on 127.0.0.1:${orthanc.port}, ${count} instances, nginx pid ${nginx.pid} on 127.0.0.1:${nginx.port} in front, ready in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    console.error(`orthanc: seeding or nginx failed: ${error.message}`);
    await stopAll(1);
  }
  const env = { ...process.env, SEGMARK_ORTHANC_PORT: String(orthanc.port), SEGMARK_NGINX_PORT: String(nginx.port), SEGMARK_NGINX_UPSTREAM: String(orthanc.port) };
  child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
  const code = await new Promise((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  await stopAll(code);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--run');
  if (at < 0 || at === process.argv.length - 1) {
    console.error('usage: node scripts/orthanc.mjs --run <command…>');
    process.exit(2);
  }
  runAround(process.argv.slice(at + 1)).catch((error) => {
    console.error(`orthanc: ${error.message}`);
    process.exit(1);
  });
}
