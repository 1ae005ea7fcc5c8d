/**
 * Real scanner series from ../shared/dicom through the whole element: a JPEG
 * 2000 Siemens series whose files have no extension and empty UIDs in the
 * dataset, and an uncompressed Philips series. Skipped only outside CI when
 * the shared data is absent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { LoadDetail } from '../../src/elements/events.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { frames } from './support/sample.js';

const siemens = import.meta.glob<string>('../../../shared/dicom/ct-series-totalsegmentator-siemens-abdomen/dicom/*', {
  query: '?url',
  import: 'default',
  eager: true,
});
const philips = import.meta.glob<string>('../../../shared/dicom/ct-series-dcm_qa_ct-philips-phantom-notilt/dicom/*.dcm', {
  query: '?url',
  import: 'default',
  eager: true,
});
const haveShared = Object.keys(siemens).length > 0;
if (!haveShared) console.warn('[real-series] skipped: shared DICOM test data not found next to the project');

async function filesOf(urls: Record<string, string>): Promise<File[]> {
  return Promise.all(
    Object.entries(urls).map(async ([path, url]) => new File([await (await fetch(url)).blob()], path.split('/').pop()!)),
  );
}

afterEach(unmountAll);

const mount = (): SegmarkAnnotator => mountAnnotator();

describe.skipIf(!haveShared)('real CT series', () => {
  it('opens the JPEG 2000 Siemens series sorted along the normal, with SOP UIDs from the meta header', async () => {
    const a = mount();
    const loads: LoadDetail[] = [];
    const errors: unknown[] = [];
    a.addEventListener('segmark-load', (e) => loads.push(e.detail));
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    const files = await filesOf(siemens);
    files.reverse();
    await a.loadFiles(files);
    expect(errors).toEqual([]);
    const { series } = loads[0]!;
    expect(series.slices).toBe(20);
    expect(series.rows).toBe(512);
    expect(series.spacing[2]).toBeCloseTo(2, 6);
    // File names are CT.<sop uid>: the meta header's UID is the name's tail.
    const names = files.map((f) => f.name.replace(/^CT\./, ''));
    expect([...series.sopInstanceUIDs].sort()).toEqual([...names].sort());
    // HU: the abdomen holds air, fat, soft tissue and bone
    const volume = a.session.volume!;
    expect(volume.range.min).toBeLessThanOrEqual(-1000);
    expect(volume.range.max).toBeGreaterThan(700);
    await frames(3);
  });

  it('opens the Philips phantom with 5 mm spacing and no warnings', async () => {
    const a = mount();
    const loads: LoadDetail[] = [];
    a.addEventListener('segmark-load', (e) => loads.push(e.detail));
    await a.loadFiles(await filesOf(philips));
    expect(loads[0]!.series.slices).toBe(28);
    expect(loads[0]!.series.spacing[2]).toBeCloseTo(5, 6);
    expect(loads[0]!.warnings).toEqual([]);
  });

  it('lists two series dropped together and switches between them', async () => {
    const a = mount();
    const loads: LoadDetail[] = [];
    a.addEventListener('segmark-load', (e) => loads.push(e.detail));
    await a.loadFiles([...(await filesOf(philips)), ...(await filesOf(siemens))]);
    expect(loads[0]!.otherSeries).toBe(1);
    expect(loads[0]!.series.slices).toBe(28);
    await frames(2);
    const buttons = a.shadowRoot!.querySelector('segmark-series-list')!.shadowRoot!.querySelectorAll('button');
    expect(buttons).toHaveLength(2);
    const errors: unknown[] = [];
    a.addEventListener('segmark-error', (e) => errors.push(e.detail));
    const switched = new Promise<void>((resolve) => a.addEventListener('segmark-load', () => resolve(), { once: true }));
    buttons[1]!.click();
    await switched;
    expect(a.series?.slices).toBe(20);
    // Back to the first: it was decoded once and is reused, not decoded again from spent bytes.
    const reloaded = new Promise<void>((resolve) => a.addEventListener('segmark-load', () => resolve(), { once: true }));
    buttons[0]!.click();
    await reloaded;
    expect(a.series?.slices).toBe(28);
    expect(errors).toEqual([]);
  });
});
