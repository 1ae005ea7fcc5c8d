/**
 * The ways a user hands files to the annotator: drag and drop, the file picker,
 * and cancelling a load under way. Synthetic DataTransfers carry files but no
 * directory entries (Chromium gives no FileSystemEntry for them), so folder
 * walking is exercised by real drops only; the flat-file path is what runs here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { ErrorDetail, LoadDetail } from '../../src/elements/events.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

const mount = (): SegmarkAnnotator => mountAnnotator();

function nextLoad(a: SegmarkAnnotator): Promise<LoadDetail> {
  return new Promise((resolve) => a.addEventListener('segmark-load', (e) => resolve(e.detail), { once: true }));
}

describe('handing files to the annotator', () => {
  it('loads files dropped on it', async () => {
    const a = mount();
    await a.updateComplete;
    const transfer = new DataTransfer();
    for (const f of await sampleFiles(8)) transfer.items.add(f);
    const loaded = nextLoad(a);
    const target = a.shadowRoot!.querySelector('.main')!;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    await a.updateComplete;
    expect(a.shadowRoot!.querySelector('.drop-hint')).not.toBeNull();
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    expect((await loaded).series.slices).toBe(8);
    await a.updateComplete;
    expect(a.shadowRoot!.querySelector('.drop-hint')).toBeNull();
  });

  it('loads files chosen in the file picker', async () => {
    const a = mount();
    await a.updateComplete;
    const input = a.shadowRoot!.querySelector<HTMLInputElement>('input[name=files]')!;
    const transfer = new DataTransfer();
    for (const f of await sampleFiles(6)) transfer.items.add(f);
    input.files = transfer.files;
    const loaded = nextLoad(a);
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect((await loaded).series.slices).toBe(6);
    expect(input.value).toBe('');
  });

  it('cancelLoad stops a load: an aborted error, no load event, and the element stays usable', async () => {
    const a = mount();
    const errors: ErrorDetail[] = [];
    const loads: LoadDetail[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    a.addEventListener('segmark-load', (e) => loads.push(e.detail));
    const files = await sampleFiles();
    const pending = a.loadFiles(files);
    a.cancelLoad();
    await pending;
    expect(errors.map((e) => e.code)).toEqual(['aborted']);
    expect(loads).toEqual([]);
    await a.loadFiles(files.slice(0, 4));
    expect(loads.map((l) => l.series.slices)).toEqual([4]);
  });
});

describe('progress', () => {
  it('segmark-progress reports reading and decoding, ending with everything done', async () => {
    const a = mount();
    const events: Array<{ phase: string; done: number; total: number }> = [];
    a.addEventListener('segmark-progress', (e) => events.push(e.detail));
    const files = await sampleFiles();
    await a.loadFiles(files);
    const read = events.filter((e) => e.phase === 'read');
    const decode = events.filter((e) => e.phase === 'decode');
    expect(read.at(-1)).toMatchObject({ done: files.length, total: files.length });
    expect(decode.at(-1)).toMatchObject({ done: files.length, total: files.length });
    // throttled: far fewer events than files, never going backwards within a phase
    expect(events.length).toBeLessThan(files.length);
    for (const list of [read, decode]) for (let i = 1; i < list.length; i++) expect(list[i]!.done).toBeGreaterThanOrEqual(list[i - 1]!.done);
  });
});
