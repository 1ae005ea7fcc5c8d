// Node side of scenarios/pacs.ts: the bench series opened from a real PACS behind
// a real reverse proxy.
//
// start() runs Orthanc through scripts/orthanc.mjs (the test PACS: loopback,
// bearer token, its own temporary storage), uploads the 300 bench files once
// (not timed), and puts nginx in front of it (scripts/nginx.mjs: keep-alive
// HTTP/1.1 to Orthanc, no buffering, no gzip), with CORS for the bench page,
// which vite serves on a port of its own: the page talks to nginx directly, as
// a portal's page talks to its PACS gateway; vite's Node proxy is not on the
// path. stop() ends nginx and Orthanc by their pids; bench.mjs calls it
// however the bench ends.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DICOMWEB_PLUGIN, ORTHANC, PACS_TOKEN, orthancGet, startOrthanc, upload } from '../../orthanc.mjs';
import { startNginx } from '../../nginx.mjs';
import { row } from '../report.mjs';

/** Uploads in flight while the series is stored (not timed; Orthanc stores in parallel). */
const UPLOADS = 4;

/** The Orthanc and nginx starts in progress or done, so stop() also ends what a Ctrl+C interrupted mid-start. */
let starting;
let proxying;

/** Stores `files` in Orthanc; resolves with the DICOM UIDs of their one series and how many instances it holds. */
async function storeSeries(port, files) {
  const queue = [...files];
  const seriesIds = new Set();
  const uploader = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const answer = await upload(port, await readFile(file), path.basename(file));
      seriesIds.add(answer.ParentSeries);
    }
  };
  await Promise.all(Array.from({ length: UPLOADS }, uploader));
  if (seriesIds.size !== 1) throw new Error(`the bench files made ${seriesIds.size} series in Orthanc, not one`);
  const series = await orthancGet(port, `/series/${[...seriesIds][0]}`);
  const study = await orthancGet(port, `/studies/${series.ParentStudy}`);
  return {
    studyInstanceUID: study.MainDicomTags.StudyInstanceUID,
    seriesInstanceUID: series.MainDicomTags.SeriesInstanceUID,
    instances: series.Instances.length,
  };
}

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'pacs',
  order: 6,
  title: 'pacs: <segmark-annotator> loadDicomWeb() from Orthanc behind nginx over loopback, against loadFiles() of the same files',
  async start({ files, options, log }) {
    const missing = [ORTHANC, DICOMWEB_PLUGIN].filter((f) => !existsSync(f));
    if (missing.length > 0) return { skip: `Orthanc is not installed (${missing.join(', ')} missing; apt-get install -y orthanc orthanc-dicomweb): pacs rows not measured` };
    const concurrency = options['pacs-concurrency'] === undefined ? undefined : Number.parseInt(String(options['pacs-concurrency']), 10);
    if (concurrency !== undefined && !(concurrency >= 1)) return { skip: `--pacs-concurrency ${options['pacs-concurrency']} is not a number ≥ 1` };
    // No gzip: Chromium always offers it, and deflating every frame would time Orthanc's CPU, not the transfer.
    starting = startOrthanc({ httpCompression: false });
    const orthanc = await starting;
    const t = Date.now();
    const series = await storeSeries(orthanc.port, files);
    if (series.instances !== files.length) throw new Error(`Orthanc holds ${series.instances} of the ${files.length} bench files`);
    log(`pacs: Orthanc pid ${orthanc.pid} on 127.0.0.1:${orthanc.port} (no gzip), ${series.instances} instances stored in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    // Any loopback page origin: the bench's vite port is chosen after this.
    proxying = startNginx({ upstreamPort: orthanc.port, allowOrigin: '^http://127\\.0\\.0\\.1:[0-9]+$' });
    const nginx = await proxying;
    log(`pacs: nginx pid ${nginx.pid} on ${nginx.origin} in front of it (CORS for the bench page)`);
    return {
      params: {
        root: `${nginx.origin}/dicom-web`,
        authorization: `Bearer ${PACS_TOKEN}`,
        studyInstanceUID: series.studyInstanceUID,
        seriesInstanceUID: series.seriesInstanceUID,
        slices: series.instances,
        ...(concurrency === undefined ? {} : { concurrency }),
      },
    };
  },
  async stop() {
    const nginx = await proxying?.catch(() => undefined);
    proxying = undefined;
    await nginx?.stop();
    const orthanc = await starting?.catch(() => undefined);
    starting = undefined;
    await orthanc?.stop();
  },
  summary(m) {
    const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
    return `first image ${f(m.firstImageMs)} ms, all ${f(m.allMs)} ms, longest task ${f(m.longestTaskMs)} ms (longtask entry ${f(m.longTaskEntryMs)} ms) (concurrency ${f(m.concurrency)}, at most ${f(m.inFlightMax)} requests in flight, ${f(m.requests)} requests); local all ${f(m.localAllMs)} ms, longest task ${f(m.localLongestTaskMs)} ms (longtask entry ${f(m.localLongTaskEntryMs)} ms); ratio ${f(m.ratio, 2)}`;
  },
  rows(m) {
    return [
      row('pacs.first_image_ms', m.firstImageMs, 'ms', 300, 'lower'),
      row('pacs.all_slices_ms', m.allMs, 'ms', null, 'lower'),
      // Per run: PACS all-slices time / this scenario's own loadFiles() of the same files, same page; median of the runs.
      row('pacs.time_vs_local_ratio', m.ratio, '×', 2, 'lower'),
      // The page's longest task while loadDicomWeb runs (a self-renewing 0 ms timeout; at most 4 ms above it).
      row('pacs.longest_task_ms', m.longestTaskMs, 'ms', 50, 'lower'),
      row('pacs.local_all_slices_ms', m.localAllMs, 'ms', null, 'lower'),
      // The same for the local loadFiles(): what of the longest task is the loader's, not the PACS path's.
      row('pacs.local_longest_task_ms', m.localLongestTaskMs, 'ms', null, 'lower'),
      row('pacs.concurrency', m.concurrency, 'requests', null, 'higher'),
    ];
  },
};
