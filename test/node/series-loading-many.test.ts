/**
 * 5,000 tiny DICOM files dropped at once (issue 17, availability), through
 * the loading workflow (src/session/series-loading.ts) without a browser:
 * every image loads and the series are what the files say, whether each
 * file is its own series or all are one; the thumbnails of thousands of
 * series reach the list in batches, and the page gets turns while they are
 * made (a timer set when the load ends runs before the last thumbnail).
 *
 * The files are 16×16 CT images written by the test's own DICOM writer
 * (support/dicom-bytes.ts), uncompressed, so no decoder worker is needed.
 */
import { describe, expect, it } from 'vitest';
import type { NamedBlob } from '../../src/core/dicom/sources.js';
import type { FrameDecoder } from '../../src/core/dicom/pixels/decoder.js';
import { SeriesLoading, type SeriesLoadingListener } from '../../src/session/series-loading.js';
import { ctSlice } from './support/ct-slice.js';

const N = 5000;
const ROOT = '1.2.826.0.1.3680043.2.1143.171';
/** One 16×16 CT image at height z of series `series`. */
function tinyCt(series: number, k: number, z: number): Uint8Array {
  const stored = Int16Array.from({ length: 16 * 16 }, (_, i) => 1000 + ((i * 7 + k) % 200));
  return ctSlice({
    studyInstanceUID: `${ROOT}.1`,
    seriesInstanceUID: `${ROOT}.2.${series}`,
    sopInstanceUID: `${ROOT}.4.${series}.${k + 1}`,
    seriesNumber: series,
    instanceNumber: k + 1,
    position: [-8, -8, z],
    rows: 16,
    columns: 16,
    stored,
  });
}

/** The drop, in a shuffled order (as a folder's listing may give it). */
function drop(manySeries: boolean): NamedBlob[] {
  const files = Array.from({ length: N }, (_, k) => ({
    name: `small/${String(k + 1).padStart(5, '0')}.dcm`,
    blob: new Blob([tinyCt(manySeries ? k + 1 : 1, k, manySeries ? 0 : k * 1.5) as Uint8Array<ArrayBuffer>]),
  }));
  for (let i = files.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [files[i], files[j]] = [files[j]!, files[i]!];
  }
  return files;
}

/** Uncompressed frames are read in place: a decoder is made, but never asked. */
const noDecoder = (): FrameDecoder => ({
  threads: 1,
  decode: () => Promise.reject(new Error('uncompressed frames need no decoder')),
  dispose: () => undefined,
});

function listener() {
  const heard = { changes: 0, errors: [] as string[], loaded: 0 };
  const l: SeriesLoadingListener = {
    onError: (e) => heard.errors.push(`${e.code} ${e.file ?? ''}`),
    onProgress: () => undefined,
    onPreview: () => undefined,
    onVolume: () => undefined,
    onSlice: () => undefined,
    onLoaded: () => heard.loaded++,
    onChange: () => heard.changes++,
  };
  return { heard, l };
}

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('5,000 small files dropped at once', () => {
  it('REQ-LOAD-MANY-1: as 5,000 one-image series: every image loads, each series is listed, thumbnails come in batches while the page gets turns; as one series: 5,000 slices in order', async () => {
    const { heard, l } = listener();
    const loading = new SeriesLoading(l, { createDecoder: noDecoder });
    const volume = await loading.load(drop(true));
    expect(heard.errors).toEqual([]);
    expect(volume?.slices).toBe(1);
    expect(loading.candidates).toHaveLength(N);
    expect(loading.candidates.reduce((n, c) => n + c.slices.length, 0)).toBe(N);
    expect(new Set(loading.candidates.map((c) => c.seriesInstanceUID)).size).toBe(N);
    expect(loading.items).toHaveLength(N);
    // A timer set now runs while the thumbnails are still being made: the work yields.
    let ranBeforeTheLast = false;
    setTimeout(() => (ranBeforeTheLast = loading.items.some((i) => !i.thumbnail)), 0);
    const changesBefore = heard.changes;
    for (let i = 0; i < 10_000 && loading.items.some((item) => !item.thumbnail); i++) await turn();
    expect(loading.items.every((item) => item.thumbnail !== undefined)).toBe(true);
    expect(ranBeforeTheLast).toBe(true);
    // Batches, not one new list per thumbnail.
    expect(heard.changes - changesBefore).toBeLessThan(N / 10);
    loading.dispose();

    const one = listener();
    const single = new SeriesLoading(one.l, { createDecoder: noDecoder });
    const all = await single.load(drop(false));
    expect(one.heard.errors).toEqual([]);
    expect(single.candidates).toHaveLength(1);
    expect(all?.slices).toBe(N);
    expect(all?.loaded.every((x) => x === 1)).toBe(true);
    const z = single.candidates[0]!.slices.map((s) => s.instance.frames[0]!.position![2]);
    expect(z).toEqual(Array.from({ length: N }, (_, k) => k * 1.5));
    single.dispose();
  }, 120_000);
});
