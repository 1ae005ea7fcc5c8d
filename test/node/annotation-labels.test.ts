/**
 * Label model and templates: coded meaning complete and from the right
 * schemes, ids and colours unique, colours apart for every colour vision,
 * and label edits that never mutate their input.
 */
import { describe, expect, it } from 'vitest';
import {
  CATEGORY,
  LUMBAR_DISC,
  LUMBAR_VERTEBRAL_BODY,
  SPINAL_CANAL,
  isCodedConcept,
  isSegmentCode,
  sameConcept,
  type CodedConcept,
} from '../../src/core/annotation/codes.js';
import { SegmarkError } from '../../src/core/errors.js';
import {
  MAX_LABEL_ID,
  createLabel,
  insertLabel,
  labelsFromTemplate,
  moveLabel,
  nextFreeId,
  recolorLabel,
  removeLabel,
  renameLabel,
  setLabelLocked,
  setLabelVisible,
  updateLabel,
  type Label,
  type Rgb,
} from '../../src/core/annotation/labels.js';
import {
  GENERIC_TEMPLATE,
  LUMBAR_SPINE_NEIGHBOURS,
  LUMBAR_SPINE_TEMPLATE,
  TEMPLATES,
  templateById,
} from '../../src/core/annotation/templates.js';

// ── colour science for the checks (CIE 1976 ΔE; Machado et al. 2009 CVD simulation, severity 1) ──
const toLinear = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toGamma = (c: number) => {
  const v = Math.min(1, Math.max(0, c));
  return 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
};
function lab(rgb: readonly number[]): [number, number, number] {
  const [r, g, b] = rgb.map(toLinear) as [number, number, number];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
const deltaE = (a: readonly number[], b: readonly number[]) => {
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
};
const CVD: Record<string, number[][]> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};
const simulate = (rgb: readonly number[], m: number[][]) => {
  const l = rgb.map(toLinear);
  return m.map((row) => toGamma(row[0]! * l[0]! + row[1]! * l[1]! + row[2]! * l[2]!));
};

const allConcepts = (code: Label['code']): CodedConcept[] =>
  [code.category, code.type, code.typeModifier, code.anatomicRegion, code.anatomicRegionModifier].filter(
    (c): c is CodedConcept => c !== undefined,
  );

describe('templates', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s: ids are unique labelmap values 1..255', (_, t) => {
    const ids = t.labels.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(Number.isInteger(id) && id >= 1 && id <= MAX_LABEL_ID).toBe(true);
  });

  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s: colours are unique and names are unique', (_, t) => {
    expect(new Set(t.labels.map((l) => l.color.join(','))).size).toBe(t.labels.length);
    expect(new Set(t.labels.map((l) => l.name)).size).toBe(t.labels.length);
  });

  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s: every code has value, scheme and meaning, from SCT or DCM', (_, t) => {
    for (const entry of t.labels) {
      expect(isSegmentCode(entry.code)).toBe(true);
      for (const c of allConcepts(entry.code)) {
        expect(isCodedConcept(c)).toBe(true);
        expect(['SCT', 'DCM']).toContain(c.codingSchemeDesignator);
        expect(c.codeValue).toMatch(/^\d+$/); // SNOMED CT ids and DCM codes are digits only
      }
    }
  });

  it('lumbar spine: every type is distinct and in the Anatomical Structure category (SCT 91723000)', () => {
    const types = LUMBAR_SPINE_TEMPLATE.labels.map((l) => `${l.code.type.codingSchemeDesignator}:${l.code.type.codeValue}`);
    expect(new Set(types).size).toBe(types.length);
    for (const l of LUMBAR_SPINE_TEMPLATE.labels) {
      expect(l.code.category).toEqual({ codeValue: '91723000', codingSchemeDesignator: 'SCT', codeMeaning: 'Anatomical Structure' });
    }
  });

  it('lumbar spine: pins the looked-up codes (DICOM CID 7604 discs, TG-263 map bodies, CID 6115 canal)', () => {
    const byName = new Map(LUMBAR_SPINE_TEMPLATE.labels.map((l) => [l.name, l.code.type.codeValue]));
    expect(Object.fromEntries(byName)).toEqual({
      'L1/L2 disc': '80064006',
      'L2/L3 disc': '67459009',
      'L3/L4 disc': '62551000',
      'L4/L5 disc': '84020006',
      'L5/S1 disc': '715056000',
      'L1 vertebral body': '61032001',
      'L2 vertebral body': '53983007',
      'L3 vertebral body': '55492004',
      'L4 vertebral body': '71996003',
      'L5 vertebral body': '21799000',
      'Spinal canal': '61853006',
    });
    expect(LUMBAR_DISC['L4/L5'].codeMeaning).toBe('L4/L5 disc');
    expect(LUMBAR_VERTEBRAL_BODY.L4.codeMeaning).toBe('Structure of body of fourth lumbar vertebra');
    expect(SPINAL_CANAL.codeMeaning).toBe('Vertebral canal');
  });

  it('lumbar spine: discs are labels 1..5 in cranio-caudal order', () => {
    expect(LUMBAR_SPINE_TEMPLATE.labels.slice(0, 5).map((l) => [l.id, l.name])).toEqual([
      [1, 'L1/L2 disc'], [2, 'L2/L3 disc'], [3, 'L3/L4 disc'], [4, 'L4/L5 disc'], [5, 'L5/S1 disc'],
    ]);
  });

  it('lumbar spine: all colours differ clearly (ΔE ≥ 20) for normal colour vision', () => {
    const labels = LUMBAR_SPINE_TEMPLATE.labels;
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        expect(deltaE(labels[i]!.color, labels[j]!.color), `${labels[i]!.name} vs ${labels[j]!.name}`).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it('lumbar spine: anatomical neighbours stay apart (ΔE ≥ 15) under protanopia, deuteranopia and tritanopia', () => {
    const color = (id: number) => LUMBAR_SPINE_TEMPLATE.labels.find((l) => l.id === id)!.color;
    expect(LUMBAR_SPINE_NEIGHBOURS.length).toBe(19);
    for (const [a, b] of LUMBAR_SPINE_NEIGHBOURS) {
      for (const [name, m] of Object.entries(CVD)) {
        expect(deltaE(simulate(color(a), m), simulate(color(b), m)), `${a} vs ${b} (${name})`).toBeGreaterThanOrEqual(15);
      }
    }
  });

  it('generic: a lesion (Morphologically Abnormal Structure / Lesion) and a tissue label', () => {
    const [lesion, tissue] = GENERIC_TEMPLATE.labels;
    expect(sameConcept(lesion!.code.category, CATEGORY.morphologicallyAbnormalStructure)).toBe(true);
    expect(lesion!.code.type).toEqual({ codeValue: '52988006', codingSchemeDesignator: 'SCT', codeMeaning: 'Lesion' });
    expect(tissue!.code.category.codeValue).toBe('85756007');
    expect(tissue!.code.type.codeValue).toBe('85756007');
  });

  it('templates are frozen, and looked up by id', () => {
    expect(templateById('lumbar-spine')).toBe(LUMBAR_SPINE_TEMPLATE);
    expect(Object.isFrozen(LUMBAR_SPINE_TEMPLATE.labels)).toBe(true);
    expect(Object.isFrozen(LUMBAR_SPINE_TEMPLATE.labels[0]!.code.type)).toBe(true);
  });
});

describe('labels', () => {
  const base = labelsFromTemplate(GENERIC_TEMPLATE);

  it('builds labels from a template with defaults for the look', () => {
    const labels = labelsFromTemplate(LUMBAR_SPINE_TEMPLATE);
    expect(labels.map((l) => l.id)).toEqual(LUMBAR_SPINE_TEMPLATE.labels.map((l) => l.id));
    expect(labels[3]).toMatchObject({ name: 'L4/L5 disc', opacity: 0.5, visible: true, locked: false, display: 'filled' });
    expect(labels[3]!.code).toEqual(LUMBAR_SPINE_TEMPLATE.labels[3]!.code);
    expect(Object.isFrozen(labels) && Object.isFrozen(labels[3]) && Object.isFrozen(labels[3]!.code.type)).toBe(true);
  });

  it('creates a label with the lowest free id and an unused colour', () => {
    const label = createLabel(base, { name: 'Nerve root' });
    expect(label.id).toBe(3);
    expect(base.map((l) => l.color.join())).not.toContain(label.color.join());
    const withGap = removeLabel(insertLabel(base, label), 1).labels;
    expect(nextFreeId(withGap)).toBe(1);
  });

  it('refuses a 256th label with label-limit', () => {
    let labels: readonly Label[] = [];
    for (let i = 0; i < MAX_LABEL_ID; i++) labels = insertLabel(labels, createLabel(labels));
    expect(labels.length).toBe(255);
    expect(() => nextFreeId(labels)).toThrow(expect.objectContaining({ code: 'label-limit' }));
  });

  it('renames (trimmed), recolours, hides and locks without touching the input', () => {
    const before = JSON.stringify(base);
    let labels = renameLabel(base, 1, '  Disc herniation ');
    labels = recolorLabel(labels, 1, [1, 2, 3]);
    labels = setLabelVisible(labels, 1, false);
    labels = setLabelLocked(labels, 1, true);
    expect(labels[0]).toMatchObject({ id: 1, name: 'Disc herniation', color: [1, 2, 3], visible: false, locked: true });
    expect(JSON.stringify(base)).toBe(before);
  });

  it.each([
    ['empty name', { name: '   ' }, 'name'],
    ['colour out of range', { color: [0, 0, 256] as unknown as Rgb }, 'color'],
    ['fractional colour', { color: [0.5, 0, 0] as unknown as Rgb }, 'color'],
    ['opacity above 1', { opacity: 1.5 }, 'opacity'],
    ['unknown display', { display: 'dotted' as 'filled' }, 'display'],
    ['code without meaning', { code: { ...base[0]!.code, type: { codeValue: '1', codingSchemeDesignator: 'SCT', codeMeaning: '' } } }, 'code'],
  ])('rejects %s with invalid-label', (_, patch, field) => {
    let error: unknown;
    try {
      updateLabel(base, 1, patch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SegmarkError);
    expect(error).toMatchObject({ code: 'invalid-label', params: { field } });
  });

  it('refuses unknown ids and taken ids', () => {
    expect(() => renameLabel(base, 9, 'x')).toThrow(expect.objectContaining({ code: 'label-not-found' }));
    expect(() => insertLabel(base, createLabel([], { id: 2 }))).toThrow(expect.objectContaining({ code: 'label-exists' }));
    expect(() => createLabel(base, { id: 256 })).toThrow(expect.objectContaining({ code: 'invalid-label' }));
  });

  it('removes and reorders', () => {
    const three = insertLabel(base, createLabel(base, { name: 'C' }));
    expect(moveLabel(three, 3, 0).map((l) => l.id)).toEqual([3, 1, 2]);
    expect(moveLabel(three, 1, 99).map((l) => l.id)).toEqual([2, 3, 1]);
    const { labels, removed, index } = removeLabel(three, 2);
    expect([labels.map((l) => l.id), removed.id, index]).toEqual([[1, 3], 2, 1]);
  });
});
