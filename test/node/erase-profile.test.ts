/**
 * Deleted patient data is really gone (issue 17, "Patient data at rest"): a
 * Playwright-driven Chromium on a persistent profile stores two documents and
 * a cached series with distinctive texts, deletes one document and forgets
 * the cached images through the annotator (its work list and its host
 * method), closes, and every file of the profile is searched for the texts.
 * No mocks: real Chromium, real IndexedDB on disk (LevelDB and blob files),
 * the app served by vite as `npm start` serves it.
 *
 * How values reach the disk: V8 serialises a string of one-byte characters
 * as Latin-1 and any other as UTF-16LE; IndexedDB keys are UTF-16BE; LevelDB
 * table files are Snappy-compressed, which keeps a text as a literal the
 * first time it appears in a block. So each text is random hex (nothing
 * before it to refer back to) and is searched in all three encodings; the
 * texts of the kept document are found the same way (the search would see
 * them), and before the erase the deleted ones are found too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from './support/kill-processes.js';
import { ProfileBrowser } from './support/profile-browser.js';
import { findInProfile, planted, replaceValue, textNeedles } from './support/profile-search.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const LOAD_TIMEOUT_MS = 60_000;

/** What the erased document and the forgotten images held. */
const GONE = {
  comment: planted(),
  rejectionNote: planted(),
  statusNote: planted(),
  importedFile: planted(),
  description: planted(),
  cachedFile: planted(),
  // The sample's PatientName is 18 bytes: the planted one replaces it exactly.
  patientName: planted(18),
};
/** What the kept document holds. */
const KEPT = { keptComment: planted(), keptDescription: planted() };

/** The sample's first slice with `patient` as its PatientName (0010,0010), as the bytes a picked file would hold. */
function patientFile(patient: string): number[] {
  const bytes = readFileSync(join(ROOT, 'sample-dicom/IM0001.dcm'));
  replaceValue(bytes, [0x10, 0x00, 0x10, 0x00, 0x50, 0x4e], patient);
  return [...bytes];
}

const STORE_MODULES = `
  import * as db from '/src/store/db.ts';
  import * as documents from '/src/store/documents.ts';
  import * as images from '/src/store/image-cache.ts';
  import * as review from '/src/store/review.ts';
  import * as schema from '/src/store/schema.ts';
  window.segmarkStore = { ...db, ...documents, ...images, ...review, ...schema };
`;

/** The store functions the page is given (STORE_MODULES), as the test calls them. */
type StoreModules = typeof import('../../src/store/db.js') &
  typeof import('../../src/store/documents.js') &
  typeof import('../../src/store/image-cache.js') &
  typeof import('../../src/store/review.js') &
  typeof import('../../src/store/schema.js');

type Snapshot = Parameters<StoreModules['saveDocument']>[2];

interface Stored {
  snapshot: unknown;
  review: unknown;
}

describe('erasing deleted work from a real Chromium profile (issue 17)', () => {
  let server: AppServer | undefined;
  let tempDir: string | undefined;
  let browser: ProfileBrowser | undefined;
  let profile = '';

  beforeAll(async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'segmark-erase-'));
    profile = join(tempDir, 'profile');
    browser = new ProfileBrowser(profile, LOAD_TIMEOUT_MS);
    server = await startApp(ROOT, join(tempDir, 'vite-cache'));
  }, LOAD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.closeAll();
    await server?.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }, LOAD_TIMEOUT_MS);

  /** The app on the profile, with the store's modules (as its vite serves them) for planting and reading back. */
  function launch(): Promise<{ context: BrowserContext; page: Page }> {
    return browser!.open(server!.url, STORE_MODULES, 'segmarkStore');
  }

  /** The kept document as the store gives it back (snapshot and review), read in the page. */
  function readKept(page: Page, id: string): Promise<Stored> {
    return page.evaluate(async (docId) => {
      const { openSegmarkDb, loadDocument, loadReview } = (window as unknown as { segmarkStore: StoreModules }).segmarkStore;
      const db = await openSegmarkDb();
      const result = { snapshot: await loadDocument(db, docId), review: await loadReview(db, docId) };
      db.close();
      return result;
    }, id);
  }

  it('a deleted document and forgotten images leave none of their text in any file of the profile; the kept document is intact', async () => {
    const first = await launch();
    const ids = await first.page.evaluate(
      async ({ gone, kept, dicom }) => {
        const { openSegmarkDb, saveDocument, addRevision, cacheSeries, documentId, seriesKey } = (window as unknown as { segmarkStore: StoreModules }).segmarkStore;
        const at = new Date().toISOString();
        const square = [[2, 2, 9, 2, 9, 9, 2, 9]];
        const label = { id: 1, name: 'Disc', color: [200, 80, 80], code: { category: { codeValue: '91723000', codingSchemeDesignator: 'SCT', codeMeaning: 'Anatomical structure' }, type: { codeValue: '360499006', codingSchemeDesignator: 'SCT', codeMeaning: 'Intervertebral disc' } }, visible: true, locked: false };
        const series = (n: string) => ({ studyInstanceUID: `2.25.${n}`, seriesInstanceUID: `2.25.${n}.1`, sopInstanceUIDs: [`2.25.${n}.1.1`, `2.25.${n}.1.2`], rows: 32, columns: 32, slices: 2 });
        // Labels and settings are stored as given: a minimal label stands for a real one here.
        const snapshot = (n: string, region: object) =>
          ({ version: 1, series: series(n), labels: [label], regions: [{ labelId: 1, slice: 0, rings: square, origin: 'imported', verified: false, ...region }], settings: {} }) as unknown as Snapshot;
        const review = (comment: string, note: string | undefined, file: string | undefined) => ({
          status: 'changes-requested',
          audit: [
            ...(file ? [{ action: 'import', user: 'ann', role: 'annotator', at, file }] : []),
            { action: 'status', user: 'rev', role: 'reviewer', at, from: 'submitted', to: 'changes-requested', ...(note ? { note } : {}) },
          ],
          comments: [{ id: 'c1', slice: 0, x: 5, y: 5, user: 'rev', role: 'reviewer', at, text: comment, resolved: false, replies: [] }],
          activeTime: { totalMs: 0, byUser: {} },
        });
        const db = await openSegmarkDb();
        const goneId = documentId(series('1').studyInstanceUID, series('1').seriesInstanceUID, 'ann');
        const keptId = documentId(series('2').studyInstanceUID, series('2').seriesInstanceUID, 'ann');
        const goneDoc = snapshot('1', {
          provenance: { by: 'ann', file: `${gone.importedFile}.nii.gz` },
          review: { state: 'rejected', by: 'rev', at: Date.now(), reason: 'other', note: gone.rejectionNote },
        });
        await saveDocument(db, goneId, goneDoc, undefined, { description: gone.description, review: review(gone.comment, gone.statusNote, `${gone.importedFile}.nii.gz`) });
        await addRevision(db, goneId, goneDoc, 'Saved');
        await saveDocument(db, keptId, snapshot('2', { provenance: { by: 'ann' } }), undefined, { description: kept.keptDescription, review: review(kept.keptComment, undefined, undefined) });
        await addRevision(db, keptId, snapshot('2', { provenance: { by: 'ann' } }), 'Saved');
        await cacheSeries(db, seriesKey(series('1').studyInstanceUID, series('1').seriesInstanceUID), { description: gone.description }, [{ name: `${gone.cachedFile}.dcm`, bytes: new Blob([new Uint8Array(dicom)]) }], { capBytes: 1e9 });
        db.close();
        return { goneId, keptId };
      },
      { gone: GONE, kept: KEPT, dicom: patientFile(GONE.patientName) },
    );
    const keptBefore = await readKept(first.page, ids.keptId);
    expect(keptBefore.snapshot, 'the kept document is stored').toBeDefined();

    // The search sees every planted text while it is stored.
    const before = findInProfile(profile, textNeedles({ ...GONE, ...KEPT }));
    for (const key of Object.keys({ ...GONE, ...KEPT })) expect(before.some((h) => h.startsWith(`${key} in `)), `${key} is found before the erase`).toBe(true);

    // Through the annotator: the work list's delete, and the host's "forget cached images".
    const took = await first.page.evaluate(async (goneId) => {
      const annotator = document.querySelector('segmark-annotator')!;
      const t0 = performance.now();
      await annotator.work.delete(goneId);
      const t1 = performance.now();
      await annotator.forgetCachedImages();
      return { delete: Math.round(t1 - t0), forget: Math.round(performance.now() - t1) };
    }, ids.goneId);
    const keptAfterErase = await readKept(first.page, ids.keptId);
    const goneAfterErase = await first.page.evaluate(async (goneId) => {
      const { openSegmarkDb, loadDocument, cachedSeries } = (window as unknown as { segmarkStore: StoreModules }).segmarkStore;
      const db = await openSegmarkDb();
      const result = { document: (await loadDocument(db, goneId)) ?? null, cached: (await cachedSeries(db)).length, name: db.name };
      db.close();
      return result;
    }, ids.goneId);
    expect(goneAfterErase.document, 'the deleted document is gone from the store').toBeNull();
    expect(goneAfterErase.cached, 'no cached series is left').toBe(0);
    expect(keptAfterErase, 'the kept document reads back as it was').toEqual(keptBefore);
    await first.context.close();

    const afterClose = findInProfile(profile, textNeedles({ ...GONE, ...KEPT }));
    expect(afterClose.filter((h) => Object.keys(GONE).some((k) => h.startsWith(`${k} in `))), 'nothing deleted is left on disk once the browser closed').toEqual([]);
    for (const key of Object.keys(KEPT)) expect(afterClose.some((h) => h.startsWith(`${key} in `)), `${key} (kept) is still on disk`).toBe(true);

    // A restart finds the kept work whole.
    const second = await launch();
    expect(await readKept(second.page, ids.keptId), 'the kept document after a restart').toEqual(keptBefore);
    await second.context.close();
    const afterRestart = findInProfile(profile, textNeedles(GONE));
    expect(afterRestart, 'nothing deleted is back after a restart').toEqual([]);
    console.log(`erase: delete ${took.delete} ms, forget ${took.forget} ms (each with the work list's refresh); store now ${goneAfterErase.name}; ${before.length} hits before the erase, ${afterClose.length} (kept texts only) after`);
  }, 180_000);
});
