/**
 * export() in real Chromium, through the export worker: the sample's ground
 * truth discs, put in as regions (exact outlines of the masks), come back
 * voxel for voxel from the NIfTI labelmap and from the DICOM SEG (read with
 * our readers, which the Node tests check against nibabel and pydicom); the
 * NIfTI bundle carries the CT exactly and a sidecar naming the labels.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import '../../src/index.js';
import { maskToRegion } from '../../src/core/annotation/contour.js';
import type { AnnotationDocument } from '../../src/core/annotation/document.js';
import { readNifti } from '../../src/core/formats/nifti-read.js';
import { readSeg } from '../../src/core/formats/seg.js';
import type { SegmarkAnnotator } from '../../src/elements/segmark-annotator/segmark-annotator.js';
import { groundTruth, type Truth } from './support/ground-truth.js';
import { mountAnnotator, unmountAll } from './support/mount.js';
import { sampleFiles } from './support/sample.js';

afterEach(unmountAll);

/** Labels of the template left empty block an export (issue 16): these exports accept that, as "Export anyway" does. */
const ANYWAY = { acceptFindings: ['empty-label'] };
/** An import is unverified until a person checks it, which blocks too. */
const IMPORTED = { acceptFindings: ['empty-label', 'unverified-import'] };

type Internals = { annotations: { document: AnnotationDocument } };

/** An annotator on the whole sample with every ground-truth disc drawn as its exact outline. */
async function annotated(): Promise<{ a: SegmarkAnnotator; truth: Truth }> {
  const a = mountAnnotator();
  await a.loadFiles(await sampleFiles());
  const truth = await groundTruth();
  const doc = (a as unknown as Internals).annotations.document;
  const n = truth.columns * truth.rows;
  for (let k = 0; k < truth.slices; k++) {
    for (let label = 1; label <= 5; label++) {
      const mask = new Uint8Array(n);
      let any = false;
      for (let i = 0; i < n; i++) if (truth.labels[k * n + i] === label) (mask[i] = 1), (any = true);
      if (any) doc.setRegion(label, k, maskToRegion(mask, truth.columns, truth.rows), { kind: 'draw' });
    }
  }
  return { a, truth };
}

const bytes = async (f: Blob) => new Uint8Array(await f.arrayBuffer());

/** Index of the first element where the arrays differ (or the shorter length), −1 when equal. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('export', () => {
  it('NIfTI labelmap and DICOM SEG give back the ground truth exactly; segmark-export reports each', async () => {
    const { a, truth } = await annotated();
    const events: { format: string; fileName: string; size: number }[] = [];
    a.addEventListener('segmark-export', (e) => events.push(e.detail));

    const nifti = await a.export('nifti', ANYWAY);
    expect(nifti.name).toMatch(/_labels\.nii\.gz$/);
    const image = readNifti(await bytes(nifti));
    expect(image.dims.slice(0, 3)).toEqual([truth.columns, truth.rows, truth.slices]);
    expect(firstDifference(image.data as Uint8Array, truth.labels)).toBe(-1);

    const seg = readSeg(await bytes(await a.export('dicom-seg', ANYWAY)));
    const uids = a.series!.sopInstanceUIDs;
    const n = truth.columns * truth.rows;
    // Every label of the template is declared; frames exist only where a disc is.
    expect(seg.segments.length).toBe(a.getDocument()!.labels.length);
    let frames = 0;
    for (let k = 0; k < truth.slices; k++) {
      for (let label = 1; label <= 5; label++) {
        const expected = truth.labels.subarray(k * n, (k + 1) * n).map((v) => (v === label ? 1 : 0));
        const segment = seg.segments.find((s) => s.label === a.getDocument()!.labels.find((l) => l.id === label)!.name)!;
        const frame = seg.frames.find((f) => f.segmentNumber === segment.number && f.sopInstanceUIDs.includes(uids[k]!));
        if (!expected.some((v) => v === 1)) {
          expect(frame).toBeUndefined();
          continue;
        }
        frames++;
        expect(firstDifference(frame!.mask, expected)).toBe(-1);
      }
    }
    expect(seg.frames.length).toBe(frames);
    expect(events.map((e) => e.format)).toEqual(['nifti', 'dicom-seg']);
  });

  it('the NIfTI bundle holds the CT volume exactly and a sidecar with the label names and codes', async () => {
    const { a } = await annotated();
    const zip = unzipSync(await bytes(await a.export('nifti', { image: true, name: 'case 1', ...ANYWAY })));
    expect(Object.keys(zip).sort()).toEqual(['case_1_image.nii.gz', 'case_1_labels.json', 'case_1_labels.nii.gz']);
    const ct = readNifti(zip['case_1_image.nii.gz']!);
    const slices = a.session.volume!.sliceData;
    const n = slices[0]!.length;
    const data = ct.data as Int16Array;
    expect(data.length).toBe(n * slices.length);
    for (let k = 0; k < slices.length; k++) expect(firstDifference(data.subarray(k * n, (k + 1) * n), slices[k]!)).toBe(-1);
    const sidecar = JSON.parse(new TextDecoder().decode(zip['case_1_labels.json'])) as { labels: { id: number; name: string }[] };
    expect(sidecar.labels.find((l) => l.id === 4)!.name).toBe('L4/L5 disc');
  });

  it('nothing open: export rejects with a code and says so', async () => {
    const a = mountAnnotator();
    const codes: string[] = [];
    a.addEventListener('segmark-error', (e) => codes.push(e.detail.code));
    await expect(a.export('nifti')).rejects.toMatchObject({ code: 'not-loaded' });
    expect(codes).toEqual(['not-loaded']);
  });
});

describe('the export dialog', () => {
  it('Ctrl+E opens it; unaccepted interpolation blocks until "export anyway"; a slice link goes there; the export reports what was overridden', async () => {
    const a = mountAnnotator();
    await a.loadFiles(await sampleFiles(12));
    const doc = (a as unknown as Internals).annotations.document;
    doc.setRegion(4, 2, { rings: [[100, 100, 160, 100, 160, 150, 100, 150]] }, { kind: 'draw' });
    doc.setRegion(4, 5, { rings: [[102, 100, 162, 100, 162, 150, 102, 150]] }, { kind: 'interpolate' });
    a.focus();
    a.dispatchEvent(new KeyboardEvent('keydown', { key: 'e', ctrlKey: true, bubbles: true, composed: true }));
    await a.updateComplete;
    const dialog = a.shadowRoot!.querySelector('segmark-export-dialog')!;
    expect(dialog).not.toBeNull();
    await dialog.updateComplete;
    await a.updateComplete;
    await dialog.updateComplete;
    const root = dialog.shadowRoot!;
    const pending = root.querySelector('li[data-code="pending-interpolation"]')!;
    expect(pending.classList.contains('block')).toBe(true);
    expect(pending.textContent).toContain('L4/L5 disc');
    const exportButton = root.querySelector('button.export') as HTMLButtonElement;
    expect(exportButton.disabled).toBe(true);

    // The link shows the slice (and closes the dialog); reopen and export anyway.
    (pending.querySelector('button.goto') as HTMLButtonElement).click();
    await a.updateComplete;
    expect(a.slice).toBe(5);
    expect(a.shadowRoot!.querySelector('segmark-export-dialog')).toBeNull();

    (a.shadowRoot!.querySelector('[data-action="export"]') as HTMLButtonElement).click();
    await a.updateComplete;
    const again = a.shadowRoot!.querySelector('segmark-export-dialog')!;
    await again.updateComplete;
    await a.updateComplete;
    await again.updateComplete;
    const events: { format: string; overridden: string[]; fileName: string }[] = [];
    a.addEventListener('segmark-export', (e) => events.push(e.detail));
    (again.shadowRoot!.querySelector('input[value="dicom-seg"]') as HTMLInputElement).click();
    await again.updateComplete;
    (again.shadowRoot!.querySelector('input[name="anyway"]') as HTMLInputElement).click();
    await again.updateComplete;
    const button = again.shadowRoot!.querySelector('button.export') as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    button.click();
    const t0 = Date.now();
    while (events.length === 0 && Date.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 20));
    expect(events[0]!.format).toBe('dicom-seg');
    expect(events[0]!.overridden).toContain('pending-interpolation');
    await a.updateComplete;
    expect(a.shadowRoot!.querySelector('segmark-export-dialog')).toBeNull();
  });
});

describe('import', () => {
  it('our NIfTI zip and our SEG re-import onto a fresh document as the same labelmap, unverified, in one undo step', async () => {
    const { a } = await annotated();
    const bundle = await a.export('nifti', { bundle: true, ...ANYWAY });
    const seg = await a.export('dicom-seg', ANYWAY);
    const reference = readNifti(await bytes(await a.export('nifti', ANYWAY))).data as Uint8Array;
    const files = await sampleFiles();

    for (const file of [bundle, seg]) {
      const b = mountAnnotator();
      await b.loadFiles(files);
      const summary = await b.importMask(file);
      expect(summary.labels.map((l) => l.id).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(summary.labels.every((l) => !l.created)).toBe(true);
      const doc = b.getDocument()!;
      expect(doc.regions.every((r) => r.origin === 'imported' && r.verified === false)).toBe(true);
      const again = readNifti(await bytes(await b.export('nifti', IMPORTED))).data as Uint8Array;
      expect(firstDifference(again, reference)).toBe(-1);
      // One undo step takes the whole import back.
      expect(b.undo()).toBe(true);
      expect(b.getDocument()!.regions).toEqual([]);
    }
  });

  it('a labelmap from another series is refused with import-geometry, naming the file; nothing changes', async () => {
    const { a } = await annotated();
    const nifti = await a.export('nifti', ANYWAY);
    const b = mountAnnotator();
    await b.loadFiles((await sampleFiles()).slice(0, 40));
    const errors: { code: string; file?: string }[] = [];
    b.addEventListener('segmark-error', (e) => errors.push(e.detail));
    await expect(b.importMask(nifti)).rejects.toMatchObject({ code: 'import-geometry' });
    expect(errors[0]).toMatchObject({ code: 'import-geometry', file: nifti.name });
    expect(b.getDocument()!.regions).toEqual([]);
  });
});

describe('the other formats', () => {
  it('PNG masks and COCO re-import as the same labelmap; the dataset package is an nnU-Net layout without patient data', async () => {
    const { a } = await annotated();
    const reference = readNifti(await bytes(await a.export('nifti', ANYWAY))).data as Uint8Array;
    const png = await a.export('png-zip', ANYWAY);
    const coco = await a.export('coco', ANYWAY);
    const files = await sampleFiles();
    for (const file of [png, coco]) {
      const b = mountAnnotator();
      await b.loadFiles(files);
      await b.importMask(file);
      const again = readNifti(await bytes(await b.export('nifti', IMPORTED))).data as Uint8Array;
      expect(firstDifference(again, reference)).toBe(-1);
    }

    const dataset = unzipSync(await bytes(await a.export('dataset', { caseId: 'case_0042', ...ANYWAY })));
    const names = Object.keys(dataset).sort();
    expect(names).toEqual([
      'Dataset001_Segmark/dataset.json',
      'Dataset001_Segmark/imagesTr/case_0042_0000.nii.gz',
      'Dataset001_Segmark/labelsTr/case_0042.nii.gz',
      'Dataset001_Segmark/provenance.json',
    ]);
    const description = JSON.parse(new TextDecoder().decode(dataset['Dataset001_Segmark/dataset.json'])) as { labels: Record<string, number>; numTraining: number };
    expect(description.labels['background']).toBe(0);
    expect(description.numTraining).toBe(1);
    const text = new TextDecoder().decode(dataset['Dataset001_Segmark/provenance.json']);
    const header = a.session.volume!.header;
    for (const secret of [header.patientID, header.studyInstanceUID, ...a.series!.sopInstanceUIDs.slice(0, 3)]) expect(text).not.toContain(secret);
  });
});
