/**
 * Files that are valid DICOM but not the series a viewer shows, dropped on
 * the annotator (issue 17): a DICOM SEG beside the CT it annotates (named,
 * with an Import button that imports it as importing the file by hand does),
 * a SEG beside another CT or alone, a lone localizer, and one image dropped
 * twice under two names. Real files from ../shared/dicom, some changed in one
 * element by support/dicom-edit.ts. Skipped only outside CI when the shared
 * data is absent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../src/index.js';
import type { LoadDetail } from '../../src/elements/events.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { editedDicom, LOCALIZER, NO_GEOMETRY } from '../node/support/dicom-edit.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { frames } from './support/sample.js';

const urls = import.meta.glob<string>(
  [
    '../../../shared/dicom/seg-dcmqi-liver-on-ct3slice/**/*.dcm',
    '../../../shared/dicom/seg-highdicom-ct/seg/seg_image_ct_binary.dcm',
    '../../../shared/dicom/pydicom-test-files/CT_small.dcm',
    '../../../shared/dicom/syntaxes-cornerstone-ctimage/CTImage.dcm',
  ],
  { query: '?url', import: 'default', eager: true },
);
const haveShared = Object.keys(urls).length >= 6;
if (!haveShared) console.warn('[dropped-files] skipped: shared DICOM test data not found next to the project');

/** The shared files whose path contains `part`, as File objects named `folder/name`. */
async function shared(part: string): Promise<File[]> {
  const hits = Object.entries(urls).filter(([path]) => path.includes(part));
  return Promise.all(
    hits.map(async ([path, url]) => new File([await (await fetch(url)).blob()], path.split('/').slice(-2).join('/'))),
  );
}

async function bytesOf(part: string): Promise<Uint8Array> {
  return new Uint8Array(await (await shared(part))[0]!.arrayBuffer());
}

function record(a: SegmarkAnnotator) {
  const loads: LoadDetail[] = [];
  const errors: { code: string; message: string; file?: string }[] = [];
  a.addEventListener('segmark-load', (e) => loads.push(e.detail));
  a.addEventListener('segmark-error', (e) => errors.push(e.detail));
  return { loads, errors };
}

const noticeButtons = (a: SegmarkAnnotator) => [...a.shadowRoot!.querySelectorAll<HTMLButtonElement>('.notice-action')];

afterEach(unmountAll);

describe.skipIf(!haveShared)('dropped files that are not the series shown (issue 17)', () => {
  it('REQ-HOSTILE-SEG-5: a SEG dropped with its CT is named in a notice whose Import button imports it exactly as importMask does', async () => {
    const ct = await shared('seg-dcmqi-liver-on-ct3slice/ct/');
    const [seg] = await shared('liver_seg.dcm');
    const a = mountAnnotator();
    const { loads, errors } = record(a);
    await a.loadFiles([...ct, seg!]);
    expect(errors).toEqual([]);
    expect(loads[0]!.series.slices).toBe(3);
    expect(loads[0]!.warnings).toContainEqual(expect.objectContaining({ code: 'seg-beside-series', files: ['seg/liver_seg.dcm'] }));
    const notice = a.session.notices.find((n) => n.text.includes('seg/liver_seg.dcm'))!;
    expect(notice.kind).toBe('warning');
    expect(notice.action?.label).toBe('Import');
    expect(a.getDocument()!.regions).toEqual([]);
    await a.updateComplete;
    const buttons = noticeButtons(a);
    expect(buttons.map((b) => b.textContent?.trim())).toEqual(['Import']);
    buttons[0]!.click();
    await vi.waitFor(() => expect(a.getDocument()!.regions.length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(errors).toEqual([]);
    // The offer is gone once taken, and the import is told like one made by hand.
    expect(a.session.notices.some((n) => n.action)).toBe(false);
    expect(a.session.notices.some((n) => n.text.startsWith('Imported'))).toBe(true);

    // The same SEG imported by hand onto the same CT in another annotator gives the same document.
    const b = mountAnnotator();
    await b.loadFiles(ct);
    await b.importMask(seg!);
    const accept = { acceptFindings: ['empty-label', 'unverified-import'] };
    const labelmap = async (x: SegmarkAnnotator) => readNifti(new Uint8Array(await (await x.export('nifti', accept)).arrayBuffer())).data as Uint8Array;
    const [viaNotice, byHand] = [await labelmap(a), await labelmap(b)];
    expect(viaNotice.some((v) => v > 0)).toBe(true);
    expect(Array.from(viaNotice)).toEqual(Array.from(byHand));
    expect(a.getDocument()!.labels.map((l) => l.name)).toEqual(b.getDocument()!.labels.map((l) => l.name));
  });

  it('REQ-HOSTILE-SEG-7: switching to another series of the drop takes the Import offer (and the other warnings of the series left) away; switching back brings it again', async () => {
    const a = mountAnnotator();
    const { errors } = record(a);
    const ct = await shared('seg-dcmqi-liver-on-ct3slice/ct/');
    await a.loadFiles([...ct, ...(await shared('liver_seg.dcm')), ...(await shared('CTImage.dcm'))]);
    expect(errors).toEqual([]);
    const segKey = a.loader.selectedKey;
    const offers = () => a.session.notices.filter((n) => n.action).map((n) => n.text);
    expect(offers()).toEqual([expect.stringContaining('liver_seg.dcm')]);
    const other = a.loader.items.find((i) => i.key !== segKey)!;
    await a.loader.select(other.key);
    await vi.waitFor(() => expect(a.loader.selectedKey).toBe(other.key));
    await vi.waitFor(() => expect(a.session.notices.some((n) => n.text.includes('another series'))).toBe(true));
    expect(offers()).toEqual([]);
    expect(a.session.notices.filter((n) => n.text.includes('liver_seg.dcm'))).toHaveLength(1);
    await a.loader.select(segKey);
    await vi.waitFor(() => expect(offers()).toEqual([expect.stringContaining('liver_seg.dcm')]));
    expect(a.session.notices.filter((n) => n.text.includes('liver_seg.dcm'))).toHaveLength(1);
  });

  it('REQ-HOSTILE-SEG-6: a SEG made on another series is named in a warning, with no Import button', async () => {
    const a = mountAnnotator();
    const { loads, errors } = record(a);
    await a.loadFiles([...(await shared('seg-dcmqi-liver-on-ct3slice/ct/')), ...(await shared('seg_image_ct_binary.dcm'))]);
    expect(errors).toEqual([]);
    expect(loads[0]!.warnings).toContainEqual(expect.objectContaining({ code: 'seg-other-series', files: ['seg/seg_image_ct_binary.dcm'] }));
    const notice = a.session.notices.find((n) => n.text.includes('seg/seg_image_ct_binary.dcm'));
    expect(notice?.kind).toBe('warning');
    expect(notice?.text).toContain('another series');
    expect(notice?.action).toBeUndefined();
    await a.updateComplete;
    expect(noticeButtons(a)).toEqual([]);
  });

  it('REQ-HOSTILE-SEG-7: a SEG alone is refused with seg-without-series naming it', async () => {
    const a = mountAnnotator();
    const { loads, errors } = record(a);
    await a.loadFiles(await shared('liver_seg.dcm'));
    expect(loads).toEqual([]);
    expect(errors.map((e) => [e.code, e.file])).toEqual([['seg-without-series', 'seg/liver_seg.dcm']]);
    expect(errors[0]!.message).toContain('seg/liver_seg.dcm');
  });

  it('REQ-HOSTILE-LOCALIZER-3: a lone localizer is refused with localizer-only naming it, and no preview stays on screen', async () => {
    const scout = new File([editedDicom(await bytesOf('CT_small.dcm'), LOCALIZER) as Uint8Array<ArrayBuffer>], 'scout/CT_small.dcm');
    const a = mountAnnotator();
    const { loads, errors } = record(a);
    await a.loadFiles([scout]);
    await frames(3);
    expect(loads).toEqual([]);
    expect(errors.map((e) => [e.code, e.file])).toEqual([['localizer-only', 'scout/CT_small.dcm']]);
    expect(errors[0]!.message).toContain('scout/CT_small.dcm');
    expect(errors[0]!.message).toContain('localizer');
    expect(a.preview).toBeUndefined();
    expect(a.session.volume).toBeUndefined();
  });

  it('REQ-HOSTILE-DUPLICATE-5: one image without geometry dropped under two names is one slice, named in duplicate-instance; beside a 1-slice CT it is no 2-slice series', async () => {
    const flat = editedDicom(await bytesOf('CT_small.dcm'), NO_GEOMETRY) as Uint8Array<ArrayBuffer>;
    const copies = [new File([flat], 'a/image.dcm'), new File([flat], 'b/image.dcm')];
    const a = mountAnnotator();
    const { loads, errors } = record(a);
    await a.loadFiles(copies);
    expect(errors).toEqual([]);
    expect(loads[0]!.series.slices).toBe(1);
    const warning = loads[0]!.warnings.find((w) => w.code === 'duplicate-instance');
    expect([...(warning?.files ?? [])].sort()).toEqual(['a/image.dcm', 'b/image.dcm']);
    const notice = a.session.notices.find((n) => n.text.includes('SOP Instance UID'));
    expect(notice?.text).toContain('a/image.dcm');
    expect(notice?.text).toContain('b/image.dcm');

    await a.loadFiles([...copies, ...(await shared('CTImage.dcm'))]);
    expect(errors).toEqual([]);
    expect(a.loader.items.map((i) => i.slices)).toEqual([1, 1]);
    expect(loads[1]!.series.slices).toBe(1);
  });
});
