// Node side of scenarios/pacs.ts: the bench series opened from a real PACS.
//
// start() runs Orthanc through scripts/orthanc.mjs (the test PACS: loopback,
// bearer token, its own temporary storage), uploads the 300 bench files once
// (not timed), and hands vite the port its /dicom-web proxy goes to (the
// project's vite.config.ts reads SEGMARK_ORTHANC_PORT). stop() ends Orthanc by
// its pid; bench.mjs calls it however the bench ends.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DICOMWEB_PLUGIN, ORTHANC, PACS_TOKEN, orthancGet, startOrthanc, upload } from '../../orthanc.mjs';
import { row } from '../report.mjs';

/** Uploads in flight while the series is stored (not timed; Orthanc stores in parallel). */
const UPLOADS = 4;

/** The Orthanc start in progress or done, so stop() also ends one that a Ctrl+C interrupted mid-start. */
let starting;

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
  title: 'pacs: <segmark-annotator> loadDicomWeb() from Orthanc over loopback, against loadFiles() of the same files',
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
    return {
      env: { SEGMARK_ORTHANC_PORT: String(orthanc.port) },
      params: {
        root: '/dicom-web',
        authorization: `Bearer ${PACS_TOKEN}`,
        studyInstanceUID: series.studyInstanceUID,
        seriesInstanceUID: series.seriesInstanceUID,
        slices: series.instances,
        ...(concurrency === undefined ? {} : { concurrency }),
      },
    };
  },
  async stop() {
    const orthanc = await starting?.catch(() => undefined);
    starting = undefined;
    await orthanc?.stop();
  },
  summary(m) {
    const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
    return `first image ${f(m.firstImageMs)} ms, all ${f(m.allMs)} ms (concurrency ${f(m.concurrency)}, at most ${f(m.inFlightMax)} requests in flight); local all ${f(m.localAllMs)} ms; ratio ${f(m.ratio, 2)}`;
  },
  rows(m) {
    return [
      row('pacs.first_image_ms', m.firstImageMs, 'ms', null, 'lower'),
      row('pacs.all_slices_ms', m.allMs, 'ms', null, 'lower'),
      // Per run: PACS all-slices time / this scenario's own loadFiles() of the same files, same page; median of the runs.
      row('pacs.time_vs_local_ratio', m.ratio, '×', null, 'lower'),
      row('pacs.local_all_slices_ms', m.localAllMs, 'ms', null, 'lower'),
      row('pacs.concurrency', m.concurrency, 'requests', null, 'higher'),
    ];
  },
};
