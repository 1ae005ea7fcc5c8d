import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import '../../src/index.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import type { ErrorDetail, LoadDetail, WindowDetail } from '../../src/elements/events.js';
import { frames, sampleFiles, sampleIndex } from './support/sample.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

const mount = (): SegmarkAnnotator => mountAnnotator({ width: 1000, height: 700 });

function viewportCanvas(el: SegmarkAnnotator): HTMLCanvasElement {
  const viewport = el.shadowRoot!.querySelector('segmark-viewport')!;
  return viewport.shadowRoot!.querySelector('canvas')!;
}

/** Sum and spread of the grey values in the middle of the canvas (overlay text sits at the edges). */
function centreStats(canvas: HTMLCanvasElement): { mean: number; distinct: number; digest: number } {
  const ctx = canvas.getContext('2d')!;
  const w = Math.floor(canvas.width / 2);
  const h = Math.floor(canvas.height / 2);
  const data = ctx.getImageData(Math.floor(w / 2), Math.floor(h / 2), w, h).data;
  let sum = 0;
  let digest = 0;
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    sum += data[i]!;
    seen.add(data[i]!);
    digest = (digest * 31 + data[i]!) >>> 0;
  }
  return { mean: sum / (data.length / 4), distinct: seen.size, digest };
}

afterEach(unmountAll);

describe('<segmark-annotator> with the sample series', () => {
  it('loads sample-dicom, fires segmark-load with every slice, and draws non-blank pixels', async () => {
    const el = mount();
    const loads: LoadDetail[] = [];
    el.addEventListener('segmark-load', (e) => loads.push(e.detail));
    const files = await sampleFiles();
    await el.loadFiles(files);
    expect(loads).toHaveLength(1);
    const { series } = loads[0]!;
    expect(series.slices).toBe(files.length);
    expect(series.modality).toBe('CT');
    expect(new Set(series.sopInstanceUIDs).size).toBe(files.length);
    await frames(3);
    const stats = centreStats(viewportCanvas(el));
    expect(stats.distinct).toBeGreaterThan(20);
    expect(stats.mean).toBeGreaterThan(5);
  });

  it('changes the slice on wheel and arrow keys, and the picture with it', async () => {
    const el = mount();
    await el.loadFiles(await sampleFiles());
    await frames(3);
    const canvas = viewportCanvas(el);
    const before = el.slice;
    const pictureBefore = centreStats(canvas).digest;
    const slices: number[] = [];
    el.addEventListener('segmark-slice', (e) => slices.push(e.detail.slice));
    // Wheel down goes inferior (the next image as radiologists number them): a lower index on this axial sample.
    canvas.parentElement!.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, bubbles: true, cancelable: true, composed: true }));
    await frames(3);
    expect(el.slice).toBe(before - 1);
    for (let i = 0; i < 6; i++) canvas.parentElement!.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, bubbles: true, cancelable: true }));
    await frames(3);
    expect(el.slice).toBe(before - 7);
    expect(centreStats(canvas).digest).not.toBe(pictureBefore);
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true, composed: true }));
    await frames(2);
    expect(el.slice).toBe(before - 6);
    expect(slices.at(-1)).toBe(before - 6);
  });

  it('a window preset changes the pixels', async () => {
    const el = mount();
    await el.loadFiles(await sampleFiles());
    await frames(3);
    const canvas = viewportCanvas(el);
    const soft = centreStats(canvas);
    el.applyPreset('bone');
    await frames(3);
    expect([el.windowCenter, el.windowWidth]).toEqual([500, 2000]);
    const bone = centreStats(canvas);
    expect(bone.digest).not.toBe(soft.digest);
    // bone window maps soft tissue (~40 HU) far darker than the soft-tissue window does
    expect(bone.mean).toBeLessThan(soft.mean);
    // the preset buttons do the same from the toolbar
    const lung = el.shadowRoot!.querySelector<HTMLButtonElement>('button[data-preset="lung"]')!;
    lung.click();
    await frames(3);
    expect([el.windowCenter, el.windowWidth]).toEqual([-600, 1500]);
  });

  it('a window change (a preset, or the properties set by the host) fires segmark-window with the new centre and width', async () => {
    const el = mount();
    await el.loadFiles(await sampleFiles(8));
    await frames(2);
    const windows: WindowDetail[] = [];
    el.addEventListener('segmark-window', (e) => windows.push(e.detail));
    el.applyPreset('bone');
    await el.updateComplete;
    expect(windows).toEqual([{ center: 500, width: 2000 }]);
    el.windowCenter = 40;
    el.windowWidth = 400;
    await el.updateComplete;
    expect(windows).toEqual([
      { center: 500, width: 2000 },
      { center: 40, width: 400 },
    ]);
  });

  it('a broken file gives segmark-error naming it, and the rest still loads', async () => {
    const el = mount();
    const errors: ErrorDetail[] = [];
    const loads: LoadDetail[] = [];
    el.addEventListener('segmark-error', (e) => errors.push(e.detail));
    el.addEventListener('segmark-load', (e) => loads.push(e.detail));
    const files = await sampleFiles();
    const good = files[3]!;
    const truncated = new File([(await good.arrayBuffer()).slice(0, 700)], 'cut-short.dcm');
    const text = new File(['patient list, not an image'], 'notes.txt');
    const empty = new File([], 'empty.dcm');
    await el.loadFiles([...files.slice(0, 3), truncated, text, empty, ...files.slice(4)]);
    const byFile = Object.fromEntries(errors.map((e) => [e.file, e.code]));
    expect(byFile['notes.txt']).toBe('not-dicom');
    expect(byFile['empty.dcm']).toBe('empty-file');
    expect(['truncated', 'pixel-data-short']).toContain(byFile['cut-short.dcm']);
    for (const e of errors) expect(e.message).toContain(e.file!);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.series.slices).toBe(files.length - 1);
    // the user sees the messages too
    const notices = el.shadowRoot!.querySelectorAll('.notice.error');
    expect(notices.length).toBe(3);
  });

  it('opens a zip archive of the series', async () => {
    const { zipSync } = await import('fflate');
    const el = mount();
    const files = await sampleFiles(12);
    const entries: Record<string, Uint8Array> = {};
    for (const f of files) entries[`series/${f.name}`] = new Uint8Array(await f.arrayBuffer());
    const zip = new File([zipSync(entries, { level: 0 })], 'study.zip');
    const loads: LoadDetail[] = [];
    el.addEventListener('segmark-load', (e) => loads.push(e.detail));
    await el.loadFiles([zip]);
    expect(loads[0]!.series.slices).toBe(12);
  });

  it('loads by URL, reporting a 404 by its URL', async () => {
    const el = mount();
    const index = await sampleIndex();
    const errors: ErrorDetail[] = [];
    el.addEventListener('segmark-error', (e) => errors.push(e.detail));
    await el.loadUrls([...index.files.slice(0, 5).map((f) => `/sample-dicom/${f}`), '/sample-dicom/missing.dcm']);
    expect(el.series?.slices).toBe(5);
    expect(errors.map((e) => [e.code, e.file])).toEqual([['fetch-failed', '/sample-dicom/missing.dcm']]);
  });
});

describe('host settings take effect at once', () => {
  it('REQ-HOST-1: user changed mid-document: the next drawn region names the new user', async () => {
    const a = mount();
    a.user = 'dr.li';
    await a.loadFiles(await sampleFiles(12));
    await frames(2);
    a.tool = 'freehand';
    a.activeLabel = 1;
    const viewport = a.shadowRoot!.querySelector('segmark-viewport')!;
    const square = (): [number, number][] =>
      [[150, 150], [190, 150], [190, 190], [150, 190], [150, 150]].map(([x, y]) => {
        const p = viewport.imageToClient(x!, y!)!;
        return [p.x, p.y];
      });
    const drawOn = async (slice: number): Promise<void> => {
      a.slice = slice;
      await frames(3);
      await commands.pointerPath(square(), { stepsPerSegment: 4 });
      await frames(2);
    };
    await drawOn(3);
    a.user = 'dr.wang';
    await a.updateComplete;
    await drawOn(5);
    const regions = a.getDocument()!.regions.filter((r) => r.labelId === 1);
    expect(regions.map((r) => [r.slice, r.provenance?.by])).toEqual([[3, 'dr.li'], [5, 'dr.wang']]);
  });
});

describe('refusals name the state the host put the annotator in', () => {
  const codesOf = (a: SegmarkAnnotator): string[] => {
    const codes: string[] = [];
    a.addEventListener('segmark-error', (e) => codes.push(e.detail.code));
    return codes;
  };

  it('REQ-ERR-1: before any series is open, export and importMask reject with not-loaded; an unknown format with bad-argument', async () => {
    const a = mount();
    const codes = codesOf(a);
    await expect(a.export('nifti')).rejects.toMatchObject({ code: 'not-loaded' });
    await expect(a.importMask(new File([new Uint8Array(4)], 'mask.nii'))).rejects.toMatchObject({ code: 'not-loaded' });
    await expect(a.export('tiff' as 'nifti')).rejects.toMatchObject({ code: 'bad-argument' });
    expect(() => a.rejectRegion(1, 0, 'other')).toThrow(expect.objectContaining({ code: 'not-loaded' }));
    expect(codes).toEqual(['not-loaded', 'not-loaded', 'bad-argument']);
  });

  it('REQ-ERR-5: adjudicating before a series is open, or before comparing, says which', async () => {
    const a = mount();
    const codes = codesOf(a);
    await expect(a.adjudicate(new Map())).rejects.toMatchObject({ code: 'not-loaded' });
    await a.loadFiles(await sampleFiles(12));
    await expect(a.adjudicate(new Map())).rejects.toMatchObject({ code: 'nothing-compared' });
    expect(codes).toEqual(['not-loaded', 'nothing-compared']);
  });

  it('REQ-ERR-2: while a series is still loading, export rejects with still-loading', async () => {
    const a = mount();
    const codes = codesOf(a);
    const loading = a.loadFiles(await sampleFiles(12));
    await expect(a.export('nifti')).rejects.toMatchObject({ code: 'still-loading' });
    await loading;
    expect(codes).toEqual(['still-loading']);
  });

  it('REQ-ERR-3: on a read-only annotator, importMask and rejectRegion refuse with read-only', async () => {
    const a = mount();
    await a.loadFiles(await sampleFiles(12));
    a.readonly = true;
    await a.updateComplete;
    const codes = codesOf(a);
    await expect(a.importMask(new File([new Uint8Array(4)], 'mask.nii'))).rejects.toMatchObject({ code: 'read-only' });
    expect(() => a.rejectRegion(1, 0, 'other')).toThrow(expect.objectContaining({ code: 'read-only' }));
    expect(codes).toEqual(['read-only']);
    const notice = a.shadowRoot!.querySelector('.notices')?.textContent ?? '';
    expect(notice).toContain('read-only');
  });

  it('REQ-ERR-6: on an approved document, importMask and rejectRegion refuse with approved-locked', async () => {
    const a = mount();
    a.role = 'annotator';
    await a.loadFiles(await sampleFiles(12));
    a.setStatus('submitted');
    a.role = 'reviewer';
    a.setStatus('approved');
    await a.updateComplete;
    const codes = codesOf(a);
    await expect(a.importMask(new File([new Uint8Array(4)], 'mask.nii'))).rejects.toMatchObject({ code: 'approved-locked' });
    expect(() => a.rejectRegion(1, 0, 'other')).toThrow(expect.objectContaining({ code: 'approved-locked' }));
    expect(codes).toEqual(['approved-locked']);
  });
});

