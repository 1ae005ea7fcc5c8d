/**
 * PACS answers stay out of the browser's HTTP disk cache (issue 17, "Patient
 * data in flight"): a Playwright-driven Chromium on a persistent profile
 * searches the test PACS by PatientID and opens a series from it over
 * DICOMweb through the annotator; after the browser closes, no file of the
 * profile (its `Cache` folder included) holds the patient's ID, name, or
 * the bytes of a frame. Real Orthanc (scripts/orthanc.mjs), real Chromium,
 * the app served by vite; Orthanc's gzip is off so that what would be cached
 * is the plain answer the search looks for.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from './support/kill-processes.js';
import { ProfileBrowser } from './support/profile-browser.js';
import { CAPITALS_AND_DIGITS, filesUnder, findInProfile, planted, replaceValue } from './support/profile-search.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const LOAD_TIMEOUT_MS = 60_000;

interface OrthancModule {
  startOrthanc(options: { httpCompression?: boolean }): Promise<{ port: number; stop(): Promise<void> }>;
  upload(port: number, bytes: Buffer, name: string): Promise<unknown>;
  PACS_TOKEN: string;
}

/** The sample's PatientName and PatientID are 18 bytes each: these replace them exactly (capitals and digits, valid in PN and LO). */
const PATIENT = { name: planted(18, CAPITALS_AND_DIGITS), id: planted(18, CAPITALS_AND_DIGITS) };
const SLICES = ['IM0001.dcm', 'IM0002.dcm', 'IM0003.dcm', 'IM0004.dcm'];

describe('PACS answers and the HTTP disk cache (issue 17)', () => {
  let orthanc: { port: number; stop(): Promise<void> } | undefined;
  let server: AppServer | undefined;
  let tempDir: string | undefined;
  let browser: ProfileBrowser | undefined;
  let profile = '';
  let token = '';
  /** 64 bytes from the middle of each uploaded slice's pixel data, as the PACS sends them in a frame. */
  const frames: Buffer[] = [];

  beforeAll(async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'segmark-http-cache-'));
    profile = join(tempDir, 'profile');
    browser = new ProfileBrowser(profile, LOAD_TIMEOUT_MS);
    const pacs = (await import('../../scripts/orthanc.mjs' as string)) as OrthancModule;
    token = pacs.PACS_TOKEN;
    orthanc = await pacs.startOrthanc({ httpCompression: false });
    for (const name of SLICES) {
      const bytes = readFileSync(join(ROOT, 'sample-dicom', name));
      replaceValue(bytes, [0x10, 0x00, 0x10, 0x00, 0x50, 0x4e], PATIENT.name);
      replaceValue(bytes, [0x10, 0x00, 0x20, 0x00, 0x4c, 0x4f], PATIENT.id);
      const middle = Math.floor(bytes.length * 0.6);
      frames.push(Buffer.from(bytes.subarray(middle, middle + 64)));
      await pacs.upload(orthanc.port, bytes, name);
    }
    // vite.config.ts proxies /dicom-web to the port scripts/orthanc.mjs started on.
    process.env.SEGMARK_ORTHANC_PORT = String(orthanc.port);
    server = await startApp(ROOT, join(tempDir, 'vite-cache'));
  }, LOAD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.closeAll();
    await server?.close();
    await orthanc?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }, LOAD_TIMEOUT_MS);

  it('searching by PatientID and opening a series leaves no ID, name or frame in any file of the profile', async () => {
    const index = JSON.parse(readFileSync(join(ROOT, 'sample-dicom/index.json'), 'utf8')) as { studyInstanceUID: string; seriesInstanceUID: string };
    const { context, page } = await browser!.open(server!.url, `import * as dicomweb from '/src/dicomweb/index.ts'; window.segmarkDicomWeb = dicomweb;`, 'segmarkDicomWeb');
    const loaded = await page.evaluate(
      async ({ patientID, auth, study, series }) => {
        const dicomweb = (window as unknown as { segmarkDicomWeb: typeof import('../../src/dicomweb/index.js') }).segmarkDicomWeb;
        const source = { root: '/dicom-web', headers: { Authorization: auth } };
        const found = await dicomweb.searchStudies(source, { patientID });
        const annotator = document.querySelector('segmark-annotator')!;
        await annotator.loadDicomWeb({ ...source, studyInstanceUID: study, seriesInstanceUID: series });
        return { studies: found.map((s) => s.patientName), slices: annotator.series?.slices };
      },
      { patientID: PATIENT.id, auth: `Bearer ${token}`, study: index.studyInstanceUID, series: index.seriesInstanceUID },
    );
    // The search and the load reached the PACS and brought the patient's data into the page.
    expect(loaded.studies).toEqual([PATIENT.name]);
    expect(loaded.slices).toBe(SLICES.length);
    await context.close();

    const needles = [
      { key: 'patientID', bytes: Buffer.from(PATIENT.id, 'latin1') },
      // The QIDO URL and JSON carry it as typed; a cache key could hold it URL-encoded, which is the same here (capitals, digits).
      { key: 'patientName', bytes: Buffer.from(PATIENT.name, 'latin1') },
      ...frames.map((bytes, i) => ({ key: `frame ${i + 1}`, bytes })),
    ];
    const cacheFiles = filesUnder(profile).filter((f) => /[\\/]Cache[\\/]/.test(f));
    const hits = findInProfile(profile, needles);
    console.log(`http cache: ${cacheFiles.length} files under the profile's Cache folders after the load; ${hits.length} hits`);
    expect(hits, 'no patient data in any file of the profile').toEqual([]);
  }, 180_000);
});
