/**
 * Accepting an assisted tool's result: a box mask written into a label's
 * outlines (replace, add, subtract) exactly inside the box and pixel for
 * pixel unchanged outside it, as one undo step, with origin 'assisted', the
 * method and its parameters, unverified; locked labels refused. And how the
 * 'assisted' origin travels: a person's edit keeps it as `editedFrom`,
 * snapshots keep the parameters, exports count it, the SEG calls it
 * SEMIAUTOMATIC, and the checklist blocks on unverified assisted outlines.
 */
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { applyBoxMask, type ApplyMode } from '../../src/core/assist/apply-mask.js';
import type { VoxelBox } from '../../src/core/assist/box.js';
import { AnnotationDocument, type AnnotationChange, type DocumentSnapshot } from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import { rasterizeToMask } from '../../src/core/annotation/rasterize.js';
import { REGION_OPS } from '../../src/core/annotation/region-ops.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';
import { exportChecklist } from '../../src/core/formats/checklist.js';
import { runExport, type ExportSeries } from '../../src/core/formats/export-job.js';
import { applyImport } from '../../src/core/formats/import-apply.js';
import { importMaskFile } from '../../src/core/formats/import-file.js';
import { labelProvenance, segmentAlgorithm } from '../../src/core/formats/region-provenance.js';
import { reviewedCase } from './support/review-export-case.js';

const W = 48;
const H = 40;
const SLICES = 8;
const LABEL = 1;
const OTHER = 2;
const BOX: VoxelBox = { c0: 10, r0: 8, k0: 2, columns: 20, rows: 18, slices: 5 };
const PARAMETERS = { marginMm: 5, seeds: 3, method: 'watershed' } as const;

function documentWithWork(user = 'annotator-a'): AnnotationDocument {
  const doc = new AnnotationDocument({
    series: { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.3', sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `1.2.3.${k}`), rows: H, columns: W, slices: SLICES },
    ops: REGION_OPS,
    labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE),
    user,
  });
  // Freehand-like outlines (not on pixel edges) reaching across the box edge on slices 1–4, drawn and verified on 3.
  for (let k = 1; k <= 4; k++) {
    doc.setRegion(LABEL, k, { rings: [[4.3, 6.7, 22.2 + k, 9.1, 25.6, 20.4, 6.1, 28.9]] }, { kind: 'draw' });
  }
  doc.setVerified(LABEL, 3, true);
  // Another label far from the box, and the label itself outside the box on slice 5.
  doc.setRegion(OTHER, 3, { rings: [[38.5, 30, 46, 30.5, 45, 38, 39, 37]] }, { kind: 'draw' });
  doc.setRegion(LABEL, 5, { rings: [[34.2, 2.5, 44.5, 3, 43.7, 7.7, 35, 6.9]] }, { kind: 'draw' });
  return doc;
}

/** A ball in the box (box coordinates), empty on the box's last slice. */
function ballMask(box: VoxelBox): Uint8Array {
  const mask = new Uint8Array(box.columns * box.rows * box.slices);
  for (let k = 0; k < box.slices - 1; k++) {
    for (let r = 0; r < box.rows; r++) {
      for (let c = 0; c < box.columns; c++) {
        const d = ((c - 9.5) / 8) ** 2 + ((r - 8.5) / 7) ** 2 + ((k - 1.5) / 2.2) ** 2;
        if (d <= 1) mask[(k * box.rows + r) * box.columns + c] = 1 + (c % 3); // any non-zero value is the label
      }
    }
  }
  return mask;
}

function sliceMask(doc: AnnotationDocument, labelId: number, k: number): Uint8Array {
  return rasterizeToMask(doc.regionAt(labelId, k), W, H);
}

/** What the slice must hold: the old pixels outside the box, the mode's result inside. */
function expected(old: Uint8Array, mask: Uint8Array, box: VoxelBox, k: number, mode: ApplyMode): Uint8Array {
  const out = old.slice();
  const s = k - box.k0;
  if (s < 0 || s >= box.slices) return out;
  for (let r = 0; r < box.rows; r++) {
    for (let c = 0; c < box.columns; c++) {
      const i = (box.r0 + r) * W + box.c0 + c;
      const m = mask[(s * box.rows + r) * box.columns + c] !== 0 ? 1 : 0;
      out[i] = mode === 'replace' ? m : mode === 'add' ? old[i]! | m : old[i]! & (1 - m);
    }
  }
  return out;
}

describe('applyBoxMask: a box mask written as outlines', () => {
  for (const mode of ['replace', 'add', 'subtract'] as const) {
    it(`${mode}: exactly the mode's result inside the box, the old pixels outside it, on every slice`, () => {
      const doc = documentWithWork();
      const mask = ballMask(BOX);
      const before = Array.from({ length: SLICES }, (_, k) => sliceMask(doc, LABEL, k));
      const { slices } = applyBoxMask(doc, BOX, mask, { labelId: LABEL, method: 'grow-from-seeds', parameters: PARAMETERS, mode });
      for (let k = 0; k < SLICES; k++) {
        expect(sliceMask(doc, LABEL, k), `slice ${k}`).toEqual(expected(before[k]!, mask, BOX, k, mode));
      }
      // The box covers slices 2–6; the ball slices 2–5. Slice 6: empty mask, no label inside the box →
      // untouched in every mode. Slice 5: the label lies outside the box only → subtract changes nothing there.
      const changed = { replace: [2, 3, 4, 5], add: [2, 3, 4, 5], subtract: [2, 3, 4] }[mode];
      expect(slices).toEqual(changed);
      for (const k of [0, 1, 5, 6, 7].filter((k) => !changed.includes(k))) {
        expect(doc.flagsAt(LABEL, k)?.origin ?? 'none', `slice ${k}`).not.toBe('assisted');
      }
      // The other label is untouched.
      expect(doc.flagsAt(OTHER, 3)).toEqual({ origin: 'drawn', verified: false });
    });
  }

  it('marks what it wrote assisted and unverified, with the method, its parameters and who ran it', () => {
    const doc = documentWithWork();
    applyBoxMask(doc, BOX, ballMask(BOX), { labelId: LABEL, method: 'grow-from-seeds', parameters: PARAMETERS, mode: 'add', user: 'dr-b' });
    for (const k of [2, 3, 4]) {
      expect(doc.flagsAt(LABEL, k)).toEqual({ origin: 'assisted', verified: false });
      expect(doc.reviewStateAt(LABEL, k)).toBe('unverified');
      expect(doc.metaAt(LABEL, k)).toEqual({ provenance: { by: 'dr-b', algorithm: 'grow-from-seeds', parameters: PARAMETERS } });
    }
    // Without `user`, the document's user made it.
    const other = documentWithWork('annotator-a');
    applyBoxMask(other, BOX, ballMask(BOX), { labelId: LABEL, method: 'margin', mode: 'replace' });
    expect(other.metaAt(LABEL, 2)).toEqual({ provenance: { by: 'annotator-a', algorithm: 'margin' } });
  });

  it("is one undo step that restores the exact snapshot, announced as kind 'assist'", () => {
    const doc = documentWithWork();
    const snapshot = doc.snapshot();
    const changes: AnnotationChange[] = [];
    doc.subscribe((c) => changes.push(c));
    applyBoxMask(doc, BOX, ballMask(BOX), { labelId: LABEL, method: 'grow-from-seeds', parameters: PARAMETERS, mode: 'replace' });
    expect(changes.map((c) => [c.labelId, c.slice, c.kind])).toEqual([[LABEL, 2, 'assist'], [LABEL, 3, 'assist'], [LABEL, 4, 'assist'], [LABEL, 5, 'assist']]);
    expect(doc.undoLabel).toBe('grow-from-seeds L1/L2 disc');
    const after = doc.snapshot();
    expect(doc.undo()).toBe(true);
    expect(doc.snapshot()).toEqual(snapshot);
    expect(doc.redo()).toBe(true);
    expect(doc.snapshot()).toEqual(after);
  });

  it('changes nothing, and records no step, when the mask changes no pixel', () => {
    const doc = documentWithWork();
    const snapshot = doc.snapshot();
    const undoLabel = doc.undoLabel;
    const empty = new Uint8Array(BOX.columns * BOX.rows * BOX.slices);
    expect(applyBoxMask(doc, { ...BOX, c0: 0, r0: 30, columns: 4, rows: 4 }, empty.subarray(0, 4 * 4 * BOX.slices), { labelId: LABEL, method: 'islands', mode: 'replace' })).toEqual({ slices: [] });
    expect(doc.undoLabel).toBe(undoLabel);
    expect(doc.snapshot()).toEqual(snapshot);
  });

  it('refuses a locked label, an unknown one, a box outside the series and a mask of the wrong size, changing nothing', () => {
    const doc = documentWithWork();
    doc.updateLabel(LABEL, { locked: true });
    const snapshot = doc.snapshot();
    const mask = ballMask(BOX);
    const run = (box: VoxelBox, m: Uint8Array, labelId = LABEL) => () => applyBoxMask(doc, box, m, { labelId, method: 'grow-from-seeds', mode: 'replace' });
    expect(run(BOX, mask)).toThrow(expect.objectContaining({ code: 'label-locked' }));
    expect(run(BOX, mask, 999)).toThrow(expect.objectContaining({ code: 'label-not-found' }));
    doc.updateLabel(LABEL, { locked: false });
    expect(run({ ...BOX, c0: W - 5 }, mask)).toThrow(RangeError);
    expect(run({ ...BOX, k0: SLICES - 2 }, mask)).toThrow(RangeError);
    expect(run(BOX, mask.subarray(1))).toThrow(RangeError);
    expect(doc.snapshot()).toEqual({ ...snapshot, labels: snapshot.labels.map((l) => ({ ...l, locked: false })) });
  });

  it('keeps a locked label out of what it writes, as any edit does', () => {
    const doc = documentWithWork();
    doc.setRegion(OTHER, 4, { rings: [[10, 8, 20, 8, 20, 26, 10, 26]] }, { kind: 'draw' });
    doc.updateLabel(OTHER, { locked: true });
    const locked = sliceMask(doc, OTHER, 4);
    applyBoxMask(doc, BOX, new Uint8Array(BOX.columns * BOX.rows * BOX.slices).fill(1), { labelId: LABEL, method: 'grow-from-seeds', mode: 'replace' });
    expect(sliceMask(doc, OTHER, 4)).toEqual(locked);
    const mine = sliceMask(doc, LABEL, 4);
    expect(mine.some((v, i) => v === 1 && locked[i] === 1)).toBe(false);
  });
});

describe("the 'assisted' origin", () => {
  it("a person's edit makes it drawn, keeps the method and parameters, and remembers editedFrom 'assisted'", () => {
    const doc = documentWithWork();
    applyBoxMask(doc, BOX, ballMask(BOX), { labelId: LABEL, method: 'grow-from-seeds', parameters: PARAMETERS, mode: 'replace' });
    doc.user = 'dr-c';
    doc.setRegion(LABEL, 3, { rings: [[12, 10, 26, 10, 26, 24, 12, 24]] }, { kind: 'edit' });
    expect(doc.flagsAt(LABEL, 3)).toEqual({ origin: 'drawn', verified: false });
    expect(doc.metaAt(LABEL, 3)).toEqual({
      provenance: { by: 'annotator-a', algorithm: 'grow-from-seeds', parameters: PARAMETERS, editedBy: ['dr-c'], editedFrom: 'assisted' },
    });
  });

  it('survives a snapshot round trip with its parameters; bad parameters are refused on load and on set; old snapshots load', () => {
    const doc = documentWithWork();
    applyBoxMask(doc, BOX, ballMask(BOX), { labelId: LABEL, method: 'grow-from-seeds', parameters: PARAMETERS, mode: 'replace' });
    const snapshot = structuredClone(doc.snapshot());
    expect(AnnotationDocument.fromSnapshot(snapshot, REGION_OPS).snapshot()).toEqual(snapshot);
    const broken = (parameters: unknown): DocumentSnapshot => ({
      ...snapshot,
      regions: snapshot.regions.map((r) => (r.origin === 'assisted' ? { ...r, provenance: { ...r.provenance, parameters } } : r)) as DocumentSnapshot['regions'],
    });
    for (const bad of [Number.NaN, [1], { radius: Number.POSITIVE_INFINITY }, { radius: { mm: 2 } }, 'x']) {
      const parameters = typeof bad === 'number' ? { radius: bad } : bad;
      expect(() => AnnotationDocument.fromSnapshot(broken(parameters), REGION_OPS)).toThrow(expect.objectContaining({ code: 'bad-snapshot' }));
    }
    expect(() => doc.setRegion(LABEL, 0, { rings: [[1, 1, 3, 1, 3, 3]] }, { kind: 'assist', provenance: { parameters: { r: Number.NaN } } })).toThrow(RangeError);
    const editedFromOld = { ...snapshot, regions: snapshot.regions.map((r) => ({ ...r, provenance: { ...r.provenance, editedFrom: 'guessed' } })) };
    expect(() => AnnotationDocument.fromSnapshot(editedFromOld as unknown as DocumentSnapshot, REGION_OPS)).toThrow(expect.objectContaining({ code: 'bad-snapshot' }));
    // A document saved before assisted work existed: no parameters, interpolated and imported origins.
    const old = documentWithWork().snapshot();
    old.regions[0] = { ...old.regions[0]!, origin: 'interpolated', provenance: { by: 'x', editedFrom: 'imported' } };
    expect(AnnotationDocument.fromSnapshot(old, REGION_OPS).snapshot()).toEqual(old);
  });

  it("setRegion with kind 'assist' defaults to origin 'assisted', unverified", () => {
    const doc = documentWithWork();
    doc.setRegion(LABEL, 7, { rings: [[1, 1, 5, 1, 5, 5, 1, 5]] }, { kind: 'assist', provenance: { algorithm: 'one-click' } });
    expect(doc.flagsAt(LABEL, 7)).toEqual({ origin: 'assisted', verified: false });
    expect(doc.undoLabel).toBe('Assist L1/L2 disc');
  });

  it('exports count it, list the method with its parameters, and call the segment SEMIAUTOMATIC after the method', () => {
    const doc = documentWithWork();
    applyBoxMask(doc, BOX, ballMask(BOX), { labelId: LABEL, method: 'grow-from-seeds', parameters: PARAMETERS, mode: 'replace' });
    doc.setRegion(LABEL, 3, { rings: [[12, 10, 26, 10, 26, 24, 12, 24]] }, { kind: 'edit' });
    doc.setVerified(LABEL, 4, true);
    const regions = doc.snapshot().regions.filter((r) => r.labelId === LABEL);
    // Slices 1 (drawn), 2, 4 and 5 (assisted, 4 verified), 3 (assisted, then edited).
    const p = labelProvenance(regions);
    expect(p.review).toEqual({ regions: 5, verified: 1, unverified: 4, rejected: 0, drawn: 2, interpolated: 0, imported: 0, assisted: 3, edited: 1 });
    expect(p.sources).toEqual([{ origin: 'assisted', algorithm: 'grow-from-seeds', algorithmType: 'SEMIAUTOMATIC', parameters: PARAMETERS, regions: 4, edited: 1 }]);
    expect(segmentAlgorithm(regions, false)).toEqual({ type: 'SEMIAUTOMATIC', name: 'Segmark grow-from-seeds' });
    // Edited since, still semi-automatic; interpolated and imported keep their names beside it.
    const edited = regions.filter((r) => r.slice === 3 || r.origin === 'drawn');
    expect(segmentAlgorithm(edited, true)).toEqual({ type: 'SEMIAUTOMATIC', name: 'Segmark grow-from-seeds' });
    const mixed = [...regions, { ...regions[0]!, slice: 6, origin: 'interpolated' as const, provenance: {} }];
    expect(segmentAlgorithm(mixed, true)).toEqual({ type: 'SEMIAUTOMATIC', name: 'Segmark grow-from-seeds; Segmark shape-based interpolation' });
    // Different parameters are a different source.
    applyBoxMask(doc, { ...BOX, k0: 0, slices: 1 }, ballMask({ ...BOX, slices: 3 }).subarray(BOX.columns * BOX.rows, 2 * BOX.columns * BOX.rows), {
      labelId: LABEL, method: 'grow-from-seeds', parameters: { ...PARAMETERS, seeds: 4 }, mode: 'add',
    });
    const sources = labelProvenance(doc.snapshot().regions.filter((r) => r.labelId === LABEL)).sources;
    expect(sources.map((s) => [s.parameters?.['seeds'], s.regions])).toEqual([[4, 1], [3, 4]]);
  });

  it('the export checklist blocks on assisted outlines not yet verified, naming their slices', () => {
    const doc = documentWithWork();
    applyBoxMask(doc, BOX, ballMask(BOX), { labelId: LABEL, method: 'grow-from-seeds', mode: 'replace' });
    doc.setVerified(LABEL, 2, true);
    doc.setReview(LABEL, 4, { state: 'rejected', reason: 'boundary-wrong' });
    const findings = exportChecklist({ format: 'dicom-seg', options: { labels: [LABEL] }, series: exportSeries(), snapshot: doc.snapshot() });
    expect(findings.find((f) => f.code === 'unverified-assisted')).toMatchObject({ severity: 'block', labelId: LABEL, slices: [3, 5], params: { count: 2 } });
    expect(findings.find((f) => f.code === 'rejected-outline')).toMatchObject({ slices: [4] });
    expect(findings.some((f) => f.code === 'pending-interpolation' || f.code === 'unverified-import')).toBe(false);
  });
});

describe('assisted work in the files that leave (the sample series)', () => {
  it('the NIfTI labels.json counts it and names the method with its parameters; the SEG says SEMIAUTOMATIC and names it, as its import reads back', async () => {
    const { volume, doc, fresh, job } = await reviewedCase();
    const box: VoxelBox = { c0: 200, r0: 180, k0: 10, columns: 30, rows: 24, slices: 4 };
    const mask = new Uint8Array(box.columns * box.rows * box.slices).fill(1);
    applyBoxMask(doc, box, mask, { labelId: 2, method: 'grow-from-seeds', parameters: PARAMETERS, mode: 'replace' });
    doc.setVerified(2, 11, true);

    const nifti = unzipSync((await runExport(job('nifti', { bundle: true, labels: [2], deidentify: true }))).bytes);
    const sidecar = JSON.parse(strFromU8(nifti[Object.keys(nifti).find((n) => n.endsWith('_labels.json'))!]!)) as {
      labels: { id: number; provenance: { review: Record<string, number>; sources: unknown[] } }[];
    };
    const two = sidecar.labels.find((l) => l.id === 2)!.provenance;
    expect(two.review).toEqual({ regions: 4, verified: 1, unverified: 3, rejected: 0, drawn: 0, interpolated: 0, imported: 0, assisted: 4, edited: 0 });
    expect(two.sources).toEqual([{ origin: 'assisted', algorithm: 'grow-from-seeds', algorithmType: 'SEMIAUTOMATIC', parameters: PARAMETERS, regions: 4, edited: 0 }]);

    const seg = await runExport(job('dicom-seg', { labels: [2, 5] }));
    const back = fresh('someone');
    applyImport(back, importMaskFile(seg.bytes, volume, 'back.dcm'), { historyLabel: 'Import', file: 'back.dcm' });
    expect(back.metaAt(2, 10)?.provenance).toMatchObject({ algorithm: 'Segmark grow-from-seeds', algorithmType: 'SEMIAUTOMATIC' });
    expect(back.metaAt(5, 30)?.provenance?.algorithmType).toBe('MANUAL');
    expect(back.slicesOf(2)).toEqual([10, 11, 12, 13]);
  }, 60_000);
});

function exportSeries(): ExportSeries {
  return {
    columns: W,
    rows: H,
    slices: SLICES,
    spacing: [0.5, 0.5, 2],
    rowCosine: [1, 0, 0],
    columnCosine: [0, 1, 0],
    planes: Array.from({ length: SLICES }, (_, k) => ({ position: [0, 0, 2 * k] as [number, number, number] })),
    description: 'test',
    modality: 'CT',
    sopInstanceUIDs: Array.from({ length: SLICES }, (_, k) => `1.2.3.${k}`),
    header: {
      patientName: '', patientID: '', patientBirthDate: '', patientSex: '', studyInstanceUID: '1.2', studyDate: '', studyTime: '',
      referringPhysicianName: '', studyID: '', accessionNumber: '', studyDescription: '', seriesInstanceUID: '1.2.3',
      sopClassUID: '1.2.840.10008.5.1.4.1.1.2', frameOfReferenceUID: '1.2.4',
    },
  };
}
