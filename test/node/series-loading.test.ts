/**
 * The loading workflow (src/session/series-loading.ts) without a browser,
 * driven through failures: a decode worker that dies mid-load, a cancel
 * mid-load, bad files among good ones, and a second load started before the
 * first ends. The series is the committed sample (sample-dicom/, written by
 * the project's sample generator, RLE-compressed, so every frame goes through
 * the decoder pool), plus the 16×16 real CT of ../shared/dicom where present.
 *
 * Workers: Node has no Web Worker, so the pool is given fake workers
 * (support/fake-worker.ts) that run the real decode worker's handler
 * (`DECODE_HANDLERS` of decode-worker.ts, through the real worker protocol) on this thread and die when a test says.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerPoolDecoder } from '../../src/core/dicom/decoder-pool.js';
import { DECODE_HANDLERS } from '../../src/core/dicom/decode-worker.js';
import type { LoadProgress } from '../../src/core/dicom/loader.js';
import { frameBytes, parseInstance } from '../../src/core/dicom/parse.js';
import type { NamedBlob } from '../../src/core/dicom/sources.js';
import type { Volume } from '../../src/core/dicom/volume.js';
import type { SegmarkError } from '../../src/core/errors.js';
import { SeriesLoading, type SeriesLoadingListener } from '../../src/session/series-loading.js';
import { editedDicom, LOCALIZER } from './support/dicom-edit.js';
import { servingWorker, type FakeWorker } from './support/fake-worker.js';

const SAMPLE = 'sample-dicom';
const SMALL_CT = '../shared/dicom/seg-highdicom-ct/ct';
/** 28 uncompressed 512×512 slices: decoded on this thread, so several slices finish in one turn of the event loop. */
const PHANTOM = '../shared/dicom/ct-series-dcm_qa_ct-philips-phantom-notilt/dicom';
const haveShared = existsSync(SMALL_CT) && existsSync(PHANTOM);
if (!haveShared && process.env.CI === 'true') throw new Error('../shared/dicom is missing in CI');

function blobsOf(dir: string, limit?: number): NamedBlob[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.dcm')).sort();
  return names.slice(0, limit).map((name) => ({ name, blob: new Blob([readFileSync(join(dir, name))]) }));
}

/** A sample file whose RLE header claims 99 segments: it parses, but its frame cannot be decoded. */
function undecodable(name: string): NamedBlob {
  const bytes = new Uint8Array(readFileSync(join(SAMPLE, 'IM0001.dcm')));
  const frame = frameBytes(parseInstance(bytes, name), 0);
  new DataView(frame.buffer, frame.byteOffset, 4).setUint32(0, 99, true);
  return { name, blob: new Blob([bytes]) };
}

/** A decoder pool of fake workers; `crashOn(n)` makes the worker that gets the n-th request (1-based, counted over all workers) die holding it. */
function pool(size = 2, crashOn?: number) {
  const workers: FakeWorker[] = [];
  const served: { worker: number; job: number }[] = [];
  let requests = 0;
  const decoder = new WorkerPoolDecoder({
    size,
    createWorker: () => {
      const index = workers.length;
      const worker = servingWorker(DECODE_HANDLERS, 'decode-failed', {
        call: (message, self) => {
          if (++requests === crashOn) {
            self.crash('out of memory');
            return false;
          }
          served.push({ worker: index, job: message.id });
          return true;
        },
      });
      workers.push(worker);
      return worker.asWorker();
    },
  });
  return { decoder, workers, served };
}

/** Everything the listener hears, in order. */
function recorder(afterSlice: (sliceCount: number) => void = () => undefined) {
  const calls: { what: string; at: number }[] = [];
  const errors: SegmarkError[] = [];
  const volumes: Volume[] = [];
  const loaded: { volume: Volume; elapsedMs: number; warnings: string[] }[] = [];
  const slices: number[] = [];
  const progress: LoadProgress[] = [];
  let tick = 0;
  const note = (what: string) => calls.push({ what, at: tick++ });
  const listener: SeriesLoadingListener = {
    onError: (e) => (note('error'), errors.push(e)),
    onProgress: (p) => (note('progress'), progress.push(p)),
    onPreview: () => note('preview'),
    onVolume: (v) => (note('volume'), volumes.push(v)),
    onSlice: (k) => {
      note('slice');
      afterSlice(slices.push(k));
    },
    onLoaded: (volume, warnings, elapsedMs) => (note('loaded'), loaded.push({ volume, elapsedMs, warnings: warnings.map((w) => w.code) })),
  };
  return { listener, calls, errors, volumes, loaded, slices, progress };
}

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('series loading (Node, fake decode workers)', () => {
  it('REQ-LOAD-WF-1: loads the sample series: preview, first slice, every slice, loaded once, with time from the given clock', async () => {
    const files = blobsOf(SAMPLE, 12);
    const { decoder, workers } = pool();
    const heard = recorder();
    let clock = 1000;
    const loading = new SeriesLoading(heard.listener, { createDecoder: () => decoder, now: () => (clock += 5) });
    const volume = await loading.load(files);
    expect(volume?.slices).toBe(12);
    expect(heard.errors).toEqual([]);
    expect(heard.calls[0]!.what).toBe('progress');
    expect(heard.calls.find((c) => c.what !== 'progress')!.what).toBe('preview');
    expect(heard.volumes).toEqual([volume]);
    expect(new Set(heard.slices).size).toBe(11);
    expect(heard.loaded).toHaveLength(1);
    expect(heard.loaded[0]!.elapsedMs % 5).toBe(0);
    expect(heard.progress.at(-1)).toMatchObject({ phase: 'decode', done: 12, total: 12 });
    expect(volume!.loaded.every((x) => x === 1)).toBe(true);
    expect(loading.loading).toBe(false);
    expect(loading.progress).toBeUndefined();
    expect(loading.items.map((i) => i.slices)).toEqual([12]);
    expect(workers.length).toBeGreaterThan(0);
    loading.dispose();
    expect(workers.every((w) => w.terminated)).toBe(true);
  });

  it('REQ-LOAD-WF-2: a decode worker that dies mid-load fails only the frame it held (decode-failed, naming the file, not internal); a fresh worker decodes the rest', async () => {
    const files = blobsOf(SAMPLE, 12);
    const { decoder, workers, served } = pool(2, 6);
    const heard = recorder();
    const loading = new SeriesLoading(heard.listener, { createDecoder: () => decoder });
    const volume = await loading.load(files);
    expect(heard.errors.map((e) => e.code)).toEqual(['decode-failed']);
    expect(heard.errors[0]!.file).toMatch(/^IM00\d\d\.dcm$/);
    expect(heard.errors[0]!.message).toContain('out of memory');
    expect(workers.filter((w) => w.dead)).toHaveLength(1);
    // The dead worker was replaced: a worker made after it served frames.
    const deadIndex = workers.findIndex((w) => w.dead);
    expect(served.some((s) => s.worker > deadIndex)).toBe(true);
    // The series loaded without that slice; the rest are all there.
    expect(volume?.slices).toBe(12);
    expect(volume!.loaded.filter((x) => x === 1)).toHaveLength(11);
    expect(heard.loaded).toHaveLength(1);
    // The next load starts on live workers and loses nothing.
    const again = recorder();
    const next = new SeriesLoading(again.listener, { createDecoder: () => decoder });
    const volume2 = await next.load(blobsOf(SAMPLE, 6));
    expect(again.errors).toEqual([]);
    expect(volume2!.loaded.every((x) => x === 1)).toBe(true);
    decoder.dispose();
  });

  /** The sample (compressed, through the worker pool) and, where present, the phantom (uncompressed, on this thread). */
  const sources: [string, () => NamedBlob[]][] = [
    ['compressed frames, fake workers', () => blobsOf(SAMPLE, 24)],
    ...(haveShared ? [['uncompressed frames, this thread', () => blobsOf(PHANTOM)] as [string, () => NamedBlob[]]] : []),
  ];

  it.each(sources)('REQ-LOAD-WF-3: a cancel mid-load ends it with one aborted error and nothing after; what was shown stays (%s)', async (_, files) => {
    const { decoder } = pool();
    let cancelledAt = -1;
    const heard = recorder((count) => {
      // Cancel from inside the 5th slice callback, with other frames in flight.
      if (count !== 5) return;
      loading.cancel();
      cancelledAt = heard.calls.length;
    });
    const loading = new SeriesLoading(heard.listener, { createDecoder: () => decoder });
    expect(await loading.load(files())).toBeUndefined();
    await settle(200);
    const after = heard.calls.slice(cancelledAt).map((c) => c.what);
    expect(after).toEqual(['error']);
    expect(heard.errors.map((e) => e.code)).toEqual(['aborted']);
    expect(heard.loaded).toEqual([]);
    expect(loading.loading).toBe(false);
    // The volume on screen keeps the first slice and the five announced after it.
    const shown = heard.volumes[0]!;
    const decoded = shown.loaded.reduce((n, x) => n + x, 0);
    expect(decoded).toBeGreaterThanOrEqual(6);
    for (const k of heard.slices) expect(shown.loaded[k]).toBe(1);
    await settle(100);
    expect(shown.loaded.reduce((n, x) => n + x, 0)).toBe(decoded);
    loading.dispose();
  });

  it('REQ-LOAD-WF-4: files that fail among good ones: each error names its file, the rest loads', async () => {
    const good = blobsOf(SAMPLE, 8);
    const bad: NamedBlob[] = [
      { name: 'notes.txt.dcm', blob: new Blob(['not a DICOM file at all, just words '.repeat(10)]) },
      { name: 'empty.dcm', blob: new Blob([]) },
      undecodable('IM9999.dcm'),
    ];
    const { decoder } = pool();
    const heard = recorder();
    const loading = new SeriesLoading(heard.listener, { createDecoder: () => decoder });
    // The undecodable file is a slice of the same series (same UIDs as IM0001): it sorts as a duplicate
    // position, so give it a place of its own by leaving IM0001 out.
    const volume = await loading.load([...good.slice(1), ...bad]);
    const byFile = new Map(heard.errors.map((e) => [e.file, e.code]));
    expect(byFile.get('notes.txt.dcm')).toBe('not-dicom');
    expect(byFile.get('empty.dcm')).toBe('empty-file');
    expect(byFile.get('IM9999.dcm')).toBeDefined();
    expect(byFile.get('IM9999.dcm')).not.toBe('internal');
    expect(heard.errors).toHaveLength(3);
    expect(volume?.slices).toBe(8);
    expect(volume!.loaded.filter((x) => x === 1)).toHaveLength(7);
    expect(heard.loaded).toHaveLength(1);
    loading.dispose();
  });

  it.each(sources)('REQ-LOAD-WF-5: a second load started before the first ends replaces it: nothing of the first arrives after, and no error for it (%s)', async (_, files) => {
    const { decoder } = pool();
    let second: Promise<Volume | undefined> | undefined;
    let switchedAt = -1;
    const heard = recorder((count) => {
      if (count !== 3 || second) return;
      switchedAt = heard.calls.length;
      second = loading.load(blobsOf(SAMPLE, 4));
    });
    const loading = new SeriesLoading(heard.listener, { createDecoder: () => decoder });
    const first = loading.load(files());
    expect(await first).toBeUndefined();
    const volume = await second!;
    await settle(200);
    expect(volume?.slices).toBe(4);
    expect(heard.errors).toEqual([]);
    // After the switch, only the second load is heard: its preview, its volume, its 3 other slices, its end.
    const after = heard.calls.slice(switchedAt).map((c) => c.what).filter((w) => w !== 'progress');
    expect(after).toEqual(['preview', 'volume', 'slice', 'slice', 'slice', 'loaded']);
    expect(heard.volumes.at(-1)).toBe(volume);
    expect(heard.loaded.map((l) => l.volume)).toEqual([volume]);
    expect(loading.items.map((i) => i.slices)).toEqual([4]);
    expect(loading.loading).toBe(false);
    loading.dispose();
  });

  it.skipIf(!haveShared)('REQ-LOAD-WF-6: two series in one drop: the larger opens; selecting the other opens it, and back again reuses the first', async () => {
    const { decoder } = pool();
    const heard = recorder();
    const loading = new SeriesLoading(heard.listener, { createDecoder: () => decoder });
    const sample = await loading.load([...blobsOf(SAMPLE, 6), ...blobsOf(SMALL_CT)]);
    expect(sample?.slices).toBe(6);
    expect(loading.items.map((i) => i.slices)).toEqual([6, 4]);
    const small = await loading.select(loading.items[1]!.key);
    expect([small?.columns, small?.rows, small?.slices]).toEqual([16, 16, 4]);
    expect(loading.selectedKey).toBe(loading.items[1]!.key);
    expect(await loading.select(loading.items[0]!.key)).toBe(sample);
    expect(heard.errors).toEqual([]);
    loading.dispose();
  });

  it.skipIf(!haveShared)('REQ-HOSTILE-SEG-4: a SEG dropped with the CT it annotates is named in seg-other-series while another series is open, and in seg-beside-series, offered for import, once its own series is', async () => {
    const { decoder } = pool();
    const heard = recorder();
    const loaded: { code: string; files: string[] | undefined }[][] = [];
    const loading = new SeriesLoading({ ...heard.listener, onLoaded: (_v, warnings) => loaded.push(warnings.map((w) => ({ code: w.code, files: w.files }))) }, { createDecoder: () => decoder });
    const seg = { name: 'seg/binary.dcm', blob: new Blob([readFileSync('../shared/dicom/seg-highdicom-ct/seg/seg_image_ct_binary.dcm')]) };
    await loading.load([...blobsOf(SMALL_CT), seg, ...blobsOf(SAMPLE, 6)]);
    expect(heard.errors).toEqual([]);
    // The sample (6 slices) opens; the SEG was made on the 4-slice CT.
    expect(loading.items.map((i) => i.slices)).toEqual([6, 4]);
    expect(loaded[0]).toContainEqual({ code: 'seg-other-series', files: ['seg/binary.dcm'] });
    expect(loading.importableSeg('seg/binary.dcm')).toBeUndefined();
    await loading.select(loading.items[1]!.key);
    expect(loaded[1]).toContainEqual({ code: 'seg-beside-series', files: ['seg/binary.dcm'] });
    const offered = loading.importableSeg('seg/binary.dcm');
    expect(offered?.name).toBe('seg/binary.dcm');
    expect(offered?.bytes).toEqual(new Uint8Array(await seg.blob.arrayBuffer()));
    loading.dispose();
  });

  it.skipIf(!haveShared)('REQ-HOSTILE-LOCALIZER-2: a lone localizer is never shown as a preview and fails with localizer-only naming the file', async () => {
    const { decoder } = pool();
    const heard = recorder();
    const loading = new SeriesLoading(heard.listener, { createDecoder: () => decoder });
    const scout = editedDicom(new Uint8Array(readFileSync(join(SMALL_CT, '17106.dcm'))), LOCALIZER);
    const volume = await loading.load([{ name: 'scout/17106.dcm', blob: new Blob([scout as Uint8Array<ArrayBuffer>]) }]);
    expect(volume).toBeUndefined();
    expect(heard.calls.map((c) => c.what)).not.toContain('preview');
    expect(heard.errors.map((e) => [e.code, e.file])).toEqual([['localizer-only', 'scout/17106.dcm']]);
    loading.dispose();
  });
});
