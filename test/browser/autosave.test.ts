/**
 * Autosave and restore in real IndexedDB: an edit is stored within a second,
 * a new annotator on the same series and user gets it back exactly, another
 * user does not, and the same series opened with other images gets its own
 * document instead of the stored one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { currentGeneration } from '../../src/store/generations.js';
import { DB_NAME } from '../../src/store/schema.js';
import { fullestSlice, groundTruth } from './support/ground-truth.js';
import { frames, sampleFiles } from './support/sample.js';

const mounted: SegmarkAnnotator[] = [];
afterEach(() => mounted.splice(0).forEach((a) => a.remove()));

/** Labels of the template left empty, and imported outlines nobody verified, block an export (issue 16): these exports accept that, as "Export anyway" does. */
const ANYWAY = { acceptFindings: ['empty-label', 'unverified-import'] };

async function open(user: string, files: File[]): Promise<SegmarkAnnotator> {
  const a = document.createElement('segmark-annotator');
  a.user = user;
  a.style.cssText = 'display:grid;width:900px;height:600px';
  document.body.append(a);
  mounted.push(a);
  await a.loadFiles(files);
  for (let i = 0; i < 100 && !a.annotationReady; i++) await new Promise((r) => setTimeout(r, 10));
  expect(a.annotationReady).toBe(true);
  return a;
}

/** Keeps a read-write transaction on the store's documents open for `ms` (other reads of it wait), as a busy or slow disk would. */
async function holdDocumentsStore(ms: number): Promise<void> {
  // The store's database now: another test file's erase may have moved it to a later generation.
  const name = await currentGeneration(DB_NAME);
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction('documents', 'readwrite');
      const store = tx.objectStore('documents');
      const until = performance.now() + ms;
      const again = (): void => {
        if (performance.now() < until) store.get('hold').onsuccess = again;
      };
      again();
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
    };
  });
}

type Internals = { annotations: { document: { setRegion(l: number, s: number, r: unknown, o: unknown): void } } };

describe('autosave and restore', () => {
  it('stores an edit within a second and restores it exactly in a new annotator', async () => {
    const user = `autosave-${Date.now()}`;
    const files = await sampleFiles();
    const first = await open(user, files);
    const truth = await groundTruth();
    const { k, mask } = fullestSlice(truth, 4);
    const saves: number[] = [];
    first.addEventListener('segmark-save', (e) => saves.push(e.detail.time));
    const t0 = Date.now();
    (first as unknown as Internals).annotations.document.setRegion(4, k, maskToRegion(mask, truth.columns, truth.rows), { kind: 'draw' });
    while (saves.length === 0 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    expect(saves.length).toBeGreaterThan(0);
    expect(saves[0]! - t0).toBeLessThan(1000);
    await frames(1);
    expect(first.shadowRoot!.querySelector('.save-state')!.getAttribute('data-state')).toBe('saved');
    const before = JSON.stringify(first.getDocument());
    first.remove();

    const second = await open(user, files);
    expect(JSON.stringify(second.getDocument())).toBe(before);
    expect(second.getDocument()!.regions.map((r) => [r.labelId, r.slice])).toEqual([[4, k]]);

    const stranger = await open(`${user}-other`, files);
    expect(stranger.getDocument()!.regions).toEqual([]);
  });

  it('the same series opened with fewer images gets its own document; the stored one stays intact', async () => {
    const user = `subset-${Date.now()}`;
    const files = await sampleFiles();
    const full = await open(user, files);
    (full as unknown as Internals).annotations.document.setRegion(1, 3, { rings: [[10, 10, 40, 10, 40, 40, 10, 40]] }, { kind: 'draw' });
    await full.flushSave();
    full.remove();

    const subset = await open(user, files.slice(0, 10));
    expect(subset.getDocument()!.regions).toEqual([]);
    (subset as unknown as Internals).annotations.document.setRegion(1, 2, { rings: [[5, 5, 9, 5, 9, 9, 5, 9]] }, { kind: 'draw' });
    await subset.flushSave();
    subset.remove();

    const again = await open(user, files);
    expect(again.getDocument()!.regions.map((r) => [r.labelId, r.slice])).toEqual([[1, 3]]);
  });

  it('REQ-LOAD-RESTORE: loadFiles resolves with the stored work back: segmark-load says restored, an export right away holds it, an import right away is accepted', async () => {
    const user = `reopen-${Date.now()}`;
    const files = await sampleFiles();
    const first = await open(user, files);
    (first as unknown as Internals).annotations.document.setRegion(2, 5, { rings: [[100, 100, 160, 100, 160, 160, 100, 160]] }, { kind: 'draw' });
    await first.flushSave();
    first.remove();

    for (const [who, stored] of [[user, true], [`${user}-new`, false]] as const) {
      const a = document.createElement('segmark-annotator');
      a.user = who;
      a.style.cssText = 'display:grid;width:900px;height:600px';
      document.body.append(a);
      mounted.push(a);
      const loads: boolean[] = [];
      a.addEventListener('segmark-load', (e) => loads.push(e.detail.restored));
      // No waiting for annotationReady: the promise itself must mean the work is back.
      await a.loadFiles(files);
      expect(loads, who).toEqual([stored]);
      expect(a.annotationReady, who).toBe(true);
      const exported = await a.export('nifti', ANYWAY);
      const mask = readNifti(new Uint8Array(await exported.arrayBuffer())).data as Uint8Array;
      expect(mask.some((v) => v === 2), who).toBe(stored);
      // The document in hand is the restored one: an import goes into it (before, it was refused as aborted).
      const summary = await a.importMask(exported);
      expect(summary.labels.some((l) => l.id === 2), who).toBe(stored);
      a.remove();
    }

    // The same element opening the same files again, while another connection holds the documents
    // store for longer than decoding takes: the lookup of the stored work ends after the slices are ready.
    const same = await open(user, files);
    const loads: boolean[] = [];
    same.addEventListener('segmark-load', (e) => loads.push(e.detail.restored));
    const held = holdDocumentsStore(1500);
    const t0 = performance.now();
    await same.loadFiles(files);
    expect(performance.now() - t0).toBeGreaterThan(1000);
    await held;
    expect(loads).toEqual([true]);
    const mask = readNifti(new Uint8Array(await (await same.export('nifti', ANYWAY)).arrayBuffer())).data as Uint8Array;
    expect(mask.some((v) => v === 2)).toBe(true);
  });

  it('asks for persistent storage and shows the answer', async () => {
    const a = await open(`persist-${Date.now()}`, await sampleFiles(6));
    const t0 = Date.now();
    const state = () => a.shadowRoot!.querySelector('.save-state')!.getAttribute('data-persistent');
    while (state() === '' && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    const granted = (await navigator.storage.persisted()) ? 'true' : 'false';
    expect(state()).toBe(granted);
    expect(a.shadowRoot!.querySelector('.save-state')!.getAttribute('title')).not.toBe('');
  });
});
