/**
 * The annotation document: one mutation path that announces what changed,
 * exact undo/redo (label deletes included), the non-overlap rule in both
 * paint modes, and a `getDocument()` snapshot that survives structuredClone
 * and restores exactly.
 */
import { describe, expect, it } from 'vitest';
import {
  AnnotationDocument,
  DOCUMENT_SCHEMA_VERSION,
  type AnnotationChange,
  type DocumentSnapshot,
  type RegionOps,
  type SeriesIdentity,
} from '../../src/core/annotation/document.js';
import { labelsFromTemplate } from '../../src/core/annotation/labels.js';
import type { Region } from '../../src/core/annotation/region.js';
import { GENERIC_TEMPLATE, LUMBAR_SPINE_TEMPLATE } from '../../src/core/annotation/templates.js';

// ── TEST DOUBLE, used only in this file ─────────────────────────────────────
// RegionOps over rasterized masks: rasterize (pixel centres, even–odd), combine
// the masks, and turn the result back into one rectangle ring per row run. It is
// exact for regions made of whole pixels, which is all these tests use. It is
// NOT the real implementation: the lead wires the Clipper-based one from
// region-ops.ts into the document.
const W = 32;
const H = 32;

function maskOf(region: Region): Uint8Array {
  const mask = new Uint8Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const [px, py] = [c + 0.5, r + 0.5];
      let inside = false;
      for (const ring of region.rings) {
        for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
          const [xi, yi, xj, yj] = [ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!];
          if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      mask[r * W + c] = inside ? 1 : 0;
    }
  }
  return mask;
}

function regionOf(mask: Uint8Array): Region {
  const rings: number[][] = [];
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      if (!mask[r * W + c]) continue;
      const start = c;
      while (c + 1 < W && mask[r * W + c + 1]) c++;
      rings.push([start, r, c + 1, r, c + 1, r + 1, start, r + 1]);
    }
  }
  return { rings };
}

const maskOps: RegionOps = {
  union: (a, b) => {
    const mb = maskOf(b);
    return regionOf(maskOf(a).map((v, i) => v | mb[i]!));
  },
  difference: (a, b) => {
    const mb = maskOf(b);
    return regionOf(maskOf(a).map((v, i) => v & (1 - mb[i]!)));
  },
  isEmpty: (r) => maskOf(r).every((v) => v === 0),
};
// ─────────────────────────────────────────────────────────────────────────────

const rect = (x0: number, y0: number, x1: number, y1: number): Region => ({ rings: [[x0, y0, x1, y0, x1, y1, x0, y1]] });
const pixels = (region: Region) => maskOf(region).reduce((n, v) => n + v, 0);
const sameMask = (a: Region, b: Region) => {
  const mb = maskOf(b);
  return maskOf(a).every((v, i) => v === mb[i]);
};

const SERIES: SeriesIdentity = {
  studyInstanceUID: '1.2.826.0.1.3680043.8.498.1',
  seriesInstanceUID: '1.2.826.0.1.3680043.8.498.2',
  sopInstanceUIDs: ['1.2.3.10', '1.2.3.11', '1.2.3.12', '1.2.3.13'],
  rows: H,
  columns: W,
  slices: 4,
};

function setup(options: Partial<ConstructorParameters<typeof AnnotationDocument>[0]> = {}) {
  const doc = new AnnotationDocument({ series: SERIES, ops: maskOps, labels: labelsFromTemplate(GENERIC_TEMPLATE), ...options });
  const changes: AnnotationChange[] = [];
  doc.subscribe((c) => changes.push(c));
  return { doc, changes };
}

const draw = { kind: 'draw' } as const;

describe('document: one mutation path', () => {
  it('setRegion stores a frozen copy and announces { labelId, slice, kind }', () => {
    const { doc, changes } = setup();
    const input = rect(2, 2, 6, 6);
    doc.setRegion(1, 2, input, draw);
    expect(changes).toEqual([{ labelId: 1, slice: 2, kind: 'draw' }]);
    input.rings[0]![0] = 20; // the caller's object is not the document's
    expect(doc.regionAt(1, 2)).toEqual(rect(2, 2, 6, 6));
    expect(() => (doc.regionAt(1, 2).rings[0]![0] = 9)).toThrow(TypeError);
    expect(doc.flagsAt(1, 2)).toEqual({ origin: 'drawn', verified: false });
    expect([doc.slicesOf(1), doc.labelsOnSlice(2), doc.undoLabel]).toEqual([[2], [1], 'Draw Lesion']);
  });

  it('origin follows the kind; an empty region removes the entry', () => {
    const { doc, changes } = setup();
    doc.setRegion(2, 1, rect(0, 0, 4, 4), { kind: 'interpolate' });
    expect(doc.flagsAt(2, 1)).toEqual({ origin: 'interpolated', verified: false });
    doc.setRegion(2, 1, { rings: [] }, { kind: 'erase' });
    expect([doc.slicesOf(2), doc.flagsAt(2, 1), doc.regionAt(2, 1).rings]).toEqual([[], undefined, []]);
    expect(changes.map((c) => c.kind)).toEqual(['interpolate', 'erase']);
  });

  it('refuses locked labels, unknown labels, slices outside the series and malformed rings', () => {
    const { doc } = setup();
    doc.updateLabel(1, { locked: true });
    expect(() => doc.setRegion(1, 0, rect(0, 0, 1, 1), draw)).toThrow(expect.objectContaining({ code: 'label-locked' }));
    expect(() => doc.setRegion(7, 0, rect(0, 0, 1, 1), draw)).toThrow(expect.objectContaining({ code: 'label-not-found' }));
    expect(() => doc.setRegion(2, 4, rect(0, 0, 1, 1), draw)).toThrow(expect.objectContaining({ code: 'slice-out-of-range' }));
    expect(() => doc.setRegion(2, 0, { rings: [[0, 0, 1]] }, draw)).toThrow(expect.objectContaining({ code: 'invalid-region' }));
    expect(() => doc.setRegion(2, 0, { rings: [[0, 0, 1, NaN]] }, draw)).toThrow(expect.objectContaining({ code: 'invalid-region' }));
  });
});

describe('document: undo and redo', () => {
  it('restore the exact regions and flags, announced as undo/redo', () => {
    const { doc, changes } = setup();
    doc.setRegion(1, 0, rect(1, 1, 5, 5), draw);
    doc.setRegion(1, 0, rect(1, 1, 9, 9), { kind: 'edit', verified: true });
    changes.length = 0;
    expect(doc.undo()).toBe(true);
    expect(doc.regionAt(1, 0)).toEqual(rect(1, 1, 5, 5));
    expect(doc.flagsAt(1, 0)).toEqual({ origin: 'drawn', verified: false });
    expect(doc.undo()).toBe(true);
    expect(doc.slicesOf(1)).toEqual([]);
    expect(doc.undo()).toBe(false); // the start: a no-op, never wrapping
    expect(doc.redo()).toBe(true);
    expect(doc.redo()).toBe(true);
    expect(doc.redo()).toBe(false);
    expect(doc.regionAt(1, 0)).toEqual(rect(1, 1, 9, 9));
    expect(doc.flagsAt(1, 0)).toEqual({ origin: 'drawn', verified: true });
    expect(changes).toEqual([
      { labelId: 1, slice: 0, kind: 'undo' },
      { labelId: 1, slice: 0, kind: 'undo' },
      { labelId: 1, slice: 0, kind: 'redo' },
      { labelId: 1, slice: 0, kind: 'redo' },
    ]);
  });

  it('one stroke is one step; a cancelled stroke restores what it changed', () => {
    const { doc } = setup();
    doc.setRegion(1, 0, rect(0, 0, 2, 2), draw);
    doc.beginStroke('Brush');
    for (let x = 2; x < 10; x += 2) doc.setRegion(1, 0, maskOps.union(doc.regionAt(1, 0), rect(x, 0, x + 2, 2)), draw);
    doc.commitStroke();
    expect([pixels(doc.regionAt(1, 0)), doc.undoLabel]).toEqual([20, 'Brush']);
    doc.undo();
    expect(doc.regionAt(1, 0)).toEqual(rect(0, 0, 2, 2));
    doc.beginStroke('Brush');
    doc.setRegion(1, 1, rect(0, 0, 3, 3), draw);
    doc.cancelStroke();
    expect([doc.slicesOf(1), doc.canRedo]).toEqual([[0], true]);
  });

  it('is bounded by the history budget given to the document', () => {
    const { doc } = setup({ history: { maxBytes: 2000 } });
    for (let i = 1; i < 30; i++) doc.setRegion(1, 0, rect(0, 0, i, 1), draw);
    expect(doc.historyBytes).toBeLessThanOrEqual(2000);
    let steps = 0;
    while (doc.undo()) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(29);
  });
});

describe('document: labels do not overlap', () => {
  it('paint over others (default): the new region is cut from the other labels on that slice, as one step', () => {
    const { doc, changes } = setup();
    doc.setRegion(1, 3, rect(0, 0, 10, 10), draw);
    doc.setRegion(2, 3, rect(5, 5, 15, 15), draw);
    expect(pixels(doc.regionAt(2, 3))).toBe(100);
    expect(pixels(doc.regionAt(1, 3))).toBe(75);
    expect(sameMask(doc.regionAt(1, 3), maskOps.difference(rect(0, 0, 10, 10), rect(5, 5, 15, 15)))).toBe(true);
    expect(doc.flagsAt(1, 3)).toEqual({ origin: 'drawn', verified: false });
    expect(changes.slice(1)).toEqual([
      { labelId: 2, slice: 3, kind: 'draw' },
      { labelId: 1, slice: 3, kind: 'draw' },
    ]);
    doc.undo();
    expect(doc.regionAt(1, 3)).toEqual(rect(0, 0, 10, 10));
    expect(doc.slicesOf(2)).toEqual([]);
  });

  it('a label covered completely loses its entry on that slice, and only that slice', () => {
    const { doc } = setup();
    doc.setRegion(1, 0, rect(2, 2, 4, 4), draw);
    doc.setRegion(1, 1, rect(2, 2, 4, 4), draw);
    doc.setRegion(2, 0, rect(0, 0, 8, 8), draw);
    expect([doc.slicesOf(1), doc.labelsOnSlice(0)]).toEqual([[1], [2]]);
  });

  it('only over background: the new region is trimmed to what no other label holds', () => {
    const { doc } = setup({ paintMode: 'background-only' });
    doc.setRegion(1, 3, rect(0, 0, 10, 10), draw);
    doc.setRegion(2, 3, rect(5, 5, 15, 15), draw);
    expect(doc.regionAt(1, 3)).toEqual(rect(0, 0, 10, 10));
    expect(pixels(doc.regionAt(2, 3))).toBe(75);
    expect(sameMask(doc.regionAt(2, 3), maskOps.difference(rect(5, 5, 15, 15), rect(0, 0, 10, 10)))).toBe(true);
    doc.setRegion(2, 2, rect(0, 0, 10, 10), draw); // nothing else on slice 2: untouched
    expect(pixels(doc.regionAt(2, 2))).toBe(100);
  });

  it('locked labels are never cut, in either mode', () => {
    const { doc } = setup();
    doc.setRegion(1, 0, rect(0, 0, 10, 10), draw);
    doc.updateLabel(1, { locked: true });
    doc.setRegion(2, 0, rect(5, 0, 15, 10), draw);
    expect(doc.regionAt(1, 0)).toEqual(rect(0, 0, 10, 10));
    expect(pixels(doc.regionAt(2, 0))).toBe(50);
  });

  it('a region painted entirely over a locked label ends empty', () => {
    const { doc } = setup();
    doc.setRegion(1, 0, rect(0, 0, 10, 10), draw);
    doc.updateLabel(1, { locked: true });
    doc.setRegion(2, 0, rect(2, 2, 4, 4), draw);
    expect(doc.slicesOf(2)).toEqual([]);
  });
});

describe('document: label edits', () => {
  it('undo of a label delete restores the label, its place and all its regions', () => {
    const { doc, changes } = setup({ labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE) });
    doc.setRegion(4, 0, rect(1, 1, 5, 5), draw);
    doc.setRegion(4, 2, rect(2, 2, 6, 6), { kind: 'interpolate' });
    doc.setVerified(4, 0, true);
    const label = doc.label(4);
    const before = doc.snapshot();
    changes.length = 0;
    doc.deleteLabel(4);
    expect([doc.label(4), doc.slicesOf(4), doc.labelsOnSlice(0)]).toEqual([undefined, [], []]);
    expect(changes).toEqual([{ labelId: 4, slice: null, kind: 'label' }]);
    expect(doc.undoLabel).toBe('Delete label L4/L5 disc');
    expect(doc.undo()).toBe(true);
    expect(doc.label(4)).toEqual(label);
    expect(doc.labels.map((l) => l.id)).toEqual(LUMBAR_SPINE_TEMPLATE.labels.map((l) => l.id));
    expect(doc.snapshot()).toEqual(before);
    expect(changes.at(-1)).toEqual({ labelId: 4, slice: null, kind: 'undo' });
    doc.redo();
    expect(doc.label(4)).toBeUndefined();
  });

  it('rename, recolour, recode and lock are undo steps; the look alone is not', () => {
    const { doc, changes } = setup();
    doc.updateLabel(1, { visible: false, opacity: 0.2, display: 'outline' });
    expect(doc.canUndo).toBe(false);
    expect(changes).toEqual([{ labelId: 1, slice: null, kind: 'label' }]);
    doc.updateLabel(1, { name: 'Herniation', color: [10, 20, 30] });
    doc.updateLabel(1, { visible: true });
    doc.undo();
    expect(doc.label(1)).toMatchObject({ name: 'Lesion', color: [213, 94, 0], visible: true, display: 'outline' });
    doc.updateLabel(2, { code: LUMBAR_SPINE_TEMPLATE.labels[0]!.code });
    doc.undo();
    expect(doc.label(2)!.code).toEqual(GENERIC_TEMPLATE.labels[1]!.code);
    expect(doc.updateLabel(2, { name: 'Tissue' })).toBe(doc.label(2)); // no change: no step
    expect(doc.canUndo).toBe(false);
  });

  it('adds labels with the next free id, templates as one step, and refuses taken ids', () => {
    const { doc } = setup();
    const added = doc.addLabel({ name: 'Nerve root' });
    expect([added.id, doc.labels.map((l) => l.id)]).toEqual([3, [1, 2, 3]]);
    expect(() => doc.addLabels(labelsFromTemplate(LUMBAR_SPINE_TEMPLATE))).toThrow(expect.objectContaining({ code: 'label-exists' }));
    expect(doc.labels.length).toBe(3);
    const empty = new AnnotationDocument({ series: SERIES, ops: maskOps });
    empty.addLabels(labelsFromTemplate(LUMBAR_SPINE_TEMPLATE), 'Lumbar spine template');
    expect(empty.labels.length).toBe(11);
    empty.undo();
    expect(empty.labels.length).toBe(0);
  });

  it('reorders as an undo step; locked labels cannot be deleted', () => {
    const { doc } = setup();
    doc.addLabel();
    doc.moveLabel(3, 0);
    expect(doc.labels.map((l) => l.id)).toEqual([3, 1, 2]);
    doc.undo();
    expect(doc.labels.map((l) => l.id)).toEqual([1, 2, 3]);
    doc.updateLabel(2, { locked: true });
    expect(() => doc.deleteLabel(2)).toThrow(expect.objectContaining({ code: 'label-locked' }));
  });
});

describe('document: snapshot (getDocument)', () => {
  function populated() {
    const { doc } = setup({ labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE) });
    doc.setRegion(4, 1, { rings: [[1.25, 1.5, 7.75, 1.5, 7.75, 6.125, 1.25, 6.125], [3, 3, 4, 3, 4, 4, 3, 4]] }, draw);
    doc.setRegion(4, 2, rect(2, 2, 6, 6), { kind: 'interpolate' });
    doc.setRegion(11, 1, rect(10, 10, 14, 14), { kind: 'import', verified: true });
    doc.updateLabel(6, { visible: false, display: 'outline', opacity: 0.25 });
    doc.paintMode = 'background-only';
    return doc;
  }

  it('has the ARCHITECTURE shape and survives structuredClone exactly', () => {
    const doc = populated();
    const snap = doc.snapshot();
    expect(snap.version).toBe(DOCUMENT_SCHEMA_VERSION);
    expect(snap.series).toEqual(SERIES);
    expect(snap.labels[3]).toMatchObject({ id: 4, name: 'L4/L5 disc', color: [204, 121, 167] });
    expect(snap.labels[3]!.code.type.codeValue).toBe('84020006');
    expect(snap.regions.map((r) => [r.labelId, r.slice, r.origin, r.verified])).toEqual([
      [4, 1, 'drawn', false],
      [4, 2, 'interpolated', false],
      [11, 1, 'imported', true],
    ]);
    expect(snap.regions[0]!.rings[0]).toEqual([1.25, 1.5, 7.75, 1.5, 7.75, 6.125, 1.25, 6.125]);
    const cloned = structuredClone(snap);
    expect(cloned).toEqual(snap);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap); // plain data only
  });

  it('fromSnapshot restores it exactly, without re-applying the overlap rule or keeping history', () => {
    const doc = populated();
    const snap = doc.snapshot();
    const restored = AnnotationDocument.fromSnapshot(structuredClone(snap), maskOps);
    expect(restored.snapshot()).toEqual(snap);
    expect(restored.label(6)).toEqual(doc.label(6));
    expect(restored.regionAt(4, 1)).toEqual(doc.regionAt(4, 1));
    expect([restored.paintMode, restored.canUndo]).toEqual(['background-only', false]);
  });

  it('is detached: changing the snapshot does not change the document', () => {
    const doc = populated();
    const snap = doc.snapshot();
    snap.regions[0]!.rings[0]![0] = 99;
    snap.labels[0]!.color[0] = 1;
    snap.series.sopInstanceUIDs.pop();
    expect(doc.snapshot()).not.toEqual(snap);
    expect(doc.regionAt(4, 1).rings[0]![0]).toBe(1.25);
  });

  it('checks the version and the content', () => {
    const snap = populated().snapshot();
    const tweak = (f: (s: DocumentSnapshot) => void) => {
      const s = structuredClone(snap);
      f(s);
      return () => AnnotationDocument.fromSnapshot(s, maskOps);
    };
    expect(tweak((s) => (s.version = 2))).toThrow(expect.objectContaining({ code: 'schema-version' }));
    expect(tweak((s) => delete (s as Partial<DocumentSnapshot>).version)).toThrow(expect.objectContaining({ code: 'bad-snapshot' }));
    expect(tweak((s) => (s.regions[0]!.labelId = 99))).toThrow(expect.objectContaining({ code: 'label-not-found' }));
    expect(tweak((s) => (s.regions[0]!.slice = 4))).toThrow(expect.objectContaining({ code: 'slice-out-of-range' }));
    expect(tweak((s) => s.regions.push(structuredClone(s.regions[0]!)))).toThrow(expect.objectContaining({ code: 'bad-snapshot' }));
    expect(tweak((s) => s.series.sopInstanceUIDs.pop())).toThrow(expect.objectContaining({ code: 'invalid-series' }));
    expect(tweak((s) => (s.labels[0]!.name = ''))).toThrow(expect.objectContaining({ code: 'invalid-label' }));
  });
});

describe('document: template labels follow the interface language until renamed', () => {
  const names = (doc: AnnotationDocument) => doc.labels.map((l) => l.name);

  it('REQ-I18N-5: switching the locale renames template labels on screen and in the snapshot, announced and not undoable', () => {
    const { doc, changes } = setup({ labels: labelsFromTemplate(LUMBAR_SPINE_TEMPLATE, 'en') });
    expect(doc.labels[0]).toMatchObject({ name: 'L1/L2 disc', template: 'lumbar-spine/1' });
    doc.locale = 'zh-CN';
    expect(names(doc).slice(0, 2)).toEqual(['L1/L2 椎间盘', 'L2/L3 椎间盘']);
    expect(doc.label(11)!.name).toBe('椎管');
    expect(doc.snapshot().labels[10]).toMatchObject({ name: '椎管', template: 'lumbar-spine/11' });
    expect(changes).toHaveLength(11);
    expect(changes.every((c) => c.kind === 'label' && c.slice === null)).toBe(true);
    expect(doc.canUndo).toBe(false);
    doc.locale = 'en';
    expect(names(doc)[10]).toBe('Spinal canal');
  });

  it('REQ-I18N-5: a rename wins for good; undoing it brings back the name that follows the language', () => {
    const { doc } = setup({ labels: labelsFromTemplate(GENERIC_TEMPLATE, 'en') });
    doc.updateLabel(1, { name: 'Tumour' });
    expect(doc.label(1)!.template).toBeUndefined();
    doc.locale = 'zh-CN';
    expect(names(doc)).toEqual(['Tumour', '组织']);
    doc.undo();
    expect(names(doc)).toEqual(['病灶', '组织']);
    doc.redo();
    expect(names(doc)).toEqual(['Tumour', '组织']);
  });

  it('REQ-I18N-5: giving a label the name it shows is no rename', () => {
    const { doc } = setup({ labels: labelsFromTemplate(GENERIC_TEMPLATE, 'en'), locale: 'zh-CN' });
    expect(names(doc)).toEqual(['病灶', '组织']);
    doc.updateLabel(2, { name: '组织', color: [1, 2, 3] });
    expect(doc.label(2)).toMatchObject({ name: '组织', template: 'generic/2', color: [1, 2, 3] });
    doc.locale = 'en';
    expect(doc.label(2)!.name).toBe('Tissue');
  });

  it('REQ-I18N-5: a snapshot keeps which labels follow their template, in any language', () => {
    const { doc } = setup({ labels: labelsFromTemplate(GENERIC_TEMPLATE, 'zh-CN') });
    doc.updateLabel(2, { name: 'Muscle' });
    const copy = AnnotationDocument.fromSnapshot(structuredClone(doc.snapshot()), maskOps, { locale: 'en' });
    expect(names(copy)).toEqual(['Lesion', 'Muscle']);
    copy.locale = 'zh-CN';
    expect(names(copy)).toEqual(['病灶', 'Muscle']);
  });
});
