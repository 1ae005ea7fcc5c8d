/**
 * The dataset definition (issue 16, "A dataset across many cases"): labels
 * mapped by code keep their value in every case and every later export,
 * series keep their pseudonyms, the split goes by patient and never moves
 * a patient, and a definition read from JSON is checked field by field.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORY, GENERIC_TYPE, LUMBAR_DISC, LUMBAR_VERTEBRAL_BODY, type SegmentCode } from '../../src/core/annotation/codes.js';
import {
  addCases,
  addLabels,
  caseSplit,
  codeKey,
  createDefinition,
  datasetFolder,
  definitionFromJson,
  definitionToJson,
  labelOfCode,
  patientKey,
  patientSplit,
  publicDefinition,
  removeCase,
  renameDefinitionLabel,
  retireLabel,
  validateDefinition,
  type DatasetDefinition,
} from '../../src/core/formats/dataset-definition.js';
import { expectSegmarkError as expectCode } from './support/expect-error.js';

const disc = (level: keyof typeof LUMBAR_DISC): SegmentCode => ({ category: CATEGORY.anatomicalStructure, type: LUMBAR_DISC[level] });
const body = (level: keyof typeof LUMBAR_VERTEBRAL_BODY): SegmentCode => ({ category: CATEGORY.anatomicalStructure, type: LUMBAR_VERTEBRAL_BODY[level] });

function base(): DatasetDefinition {
  return createDefinition({ id: 7, name: 'LumbarDiscs', seed: 'fixed-seed', secret: '00112233445566778899aabbccddeeff' });
}

function series(n: number, patientId: string, labels: { name: string; code: SegmentCode }[] = []) {
  return { studyInstanceUID: `1.2.826.0.1.${n}`, seriesInstanceUID: `1.2.826.0.1.${n}.1`, patientId, labels };
}

describe('dataset definition', () => {
  it('is made with the nnU-Net folder name, .nii.gz, channel 0 = CT, a seed and a secret', () => {
    const def = createDefinition({ id: 7, name: 'LumbarDiscs' });
    expect(datasetFolder(def)).toBe('Dataset007_LumbarDiscs');
    expect(def.fileEnding).toBe('.nii.gz');
    expect(def.channelNames).toEqual({ '0': 'CT' });
    expect(def.split.testFraction).toBe(0.2);
    expect(def.split.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(def.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.isFrozen(def)).toBe(true);
  });

  it('gives each code a value once: the same disc has the same value whatever it is called, and a new code appends', () => {
    let def = addLabels(base(), [
      { name: 'L4/L5 disc', code: disc('L4/L5') },
      { name: 'L5/S1 disc', code: disc('L5/S1') },
    ]);
    // The next case names the disc in Chinese, lists it second, and brings a body.
    def = addLabels(def, [
      { name: 'L1 椎体', code: body('L1') },
      { name: 'L4/L5 椎间盘', code: disc('L4/L5') },
    ]);
    expect(def.labels.map((l) => [l.value, l.name])).toEqual([
      [1, 'L4/L5 disc'],
      [2, 'L5/S1 disc'],
      [3, 'L1 椎体'],
    ]);
    expect(labelOfCode(def, disc('L4/L5'))!.value).toBe(1);
    // A category chosen differently does not make another label.
    expect(labelOfCode(def, { category: CATEGORY.tissue, type: LUMBAR_DISC['L4/L5'] })!.value).toBe(1);
  });

  it('never renumbers: a retired label keeps its value, stays listed, and a later code takes the next value', () => {
    let def = addLabels(base(), [
      { name: 'L3/L4 disc', code: disc('L3/L4') },
      { name: 'L4/L5 disc', code: disc('L4/L5') },
    ]);
    def = retireLabel(def, codeKey(disc('L3/L4')));
    def = addLabels(def, [{ name: 'L5/S1 disc', code: disc('L5/S1') }]);
    expect(def.labels.map((l) => [l.value, l.name, l.retired ?? false])).toEqual([
      [1, 'L3/L4 disc', true],
      [2, 'L4/L5 disc', false],
      [3, 'L5/S1 disc', false],
    ]);
    // Brought back by a case that has it: same value.
    def = addLabels(def, [{ name: 'L3/L4', code: disc('L3/L4') }]);
    expect(def.labels[0]).toMatchObject({ value: 1, name: 'L3/L4 disc' });
    expect(def.labels[0]!.retired).toBeUndefined();
    def = renameDefinitionLabel(def, codeKey(disc('L5/S1')), ' Disc L5-S1 ');
    expect(def.labels[2]).toMatchObject({ value: 3, name: 'Disc L5-S1' });
  });

  it('keeps names unique in dataset.json: a second code with a taken name gets its code meaning', () => {
    const def = addLabels(base(), [
      { name: 'Disc', code: disc('L4/L5') },
      { name: 'Disc', code: disc('L5/S1') },
      { name: 'background', code: body('L5') },
    ]);
    expect(def.labels.map((l) => l.name)).toEqual(['Disc', 'Disc (L5/S1 disc)', 'background (Structure of body of fifth lumbar vertebra)']);
  });

  it('refuses a label with only the generic "Tissue" meaning, naming the label', () => {
    const e = expectCode(() => addLabels(base(), [{ name: 'L4/L5', code: disc('L4/L5') }, { name: 'Something', code: { category: CATEGORY.tissue, type: GENERIC_TYPE.tissue } }]), 'dataset-export-invalid');
    expect(e.params['field']).toBe('labels[1].code');
    expect(e.message).toContain('Something');
  });

  it('gives series pseudonyms in order, keeps them when a series is added again, and never reuses a removed one', () => {
    let def = addCases(base(), [series(1, 'P1'), series(2, 'P1'), series(3, 'P2')]);
    expect(def.cases.map((c) => c.id)).toEqual(['LumbarDiscs_0001', 'LumbarDiscs_0002', 'LumbarDiscs_0003']);
    def = addCases(def, [{ ...series(2, 'P1'), docId: 'doc-b' }, series(4, 'P3')]);
    expect(def.cases.map((c) => [c.id, c.docId])).toEqual([
      ['LumbarDiscs_0001', undefined],
      ['LumbarDiscs_0002', 'doc-b'],
      ['LumbarDiscs_0003', undefined],
      ['LumbarDiscs_0004', undefined],
    ]);
    def = removeCase(def, 'LumbarDiscs_0004');
    def = addCases(def, [series(5, 'P4')]);
    expect(def.cases.map((c) => c.id)).toEqual(['LumbarDiscs_0001', 'LumbarDiscs_0002', 'LumbarDiscs_0003', 'LumbarDiscs_0005']);
  });

  it('adds the labels of the cases it adds, and keeps only a keyed hash of the patient', () => {
    const def = addCases(base(), [series(1, 'MRN-12345', [{ name: 'L5/S1 disc', code: disc('L5/S1') }])]);
    expect(def.labels.map((l) => l.name)).toEqual(['L5/S1 disc']);
    expect(def.cases[0]!.patient).toBe(patientKey(def, 'MRN-12345'));
    expect(def.cases[0]!.patient).toMatch(/^[0-9a-f]{32}$/);
    expect(definitionToJson(def)).not.toContain('MRN-12345');
    // Another secret, another key: the key cannot be looked up without it.
    expect(patientKey({ secret: 'ff'.repeat(16) }, 'MRN-12345')).not.toBe(def.cases[0]!.patient);
  });

  it('splits by patient: every series of a patient on one side, the same answer on every call, and new patients move no one', () => {
    const patients = Array.from({ length: 40 }, (_, i) => `P${i}`);
    let def = base();
    def = addCases(def, patients.flatMap((p, i) => [series(2 * i, p), series(2 * i + 1, p)]));
    const side = new Map<string, string>();
    for (const c of def.cases) {
      const s = caseSplit(def, c);
      if (side.has(c.patient)) expect(s).toBe(side.get(c.patient));
      side.set(c.patient, s);
    }
    const test = [...side.values()].filter((s) => s === 'test').length;
    expect(test).toBeGreaterThan(0);
    expect(test).toBeLessThan(20);
    const more = addCases(def, Array.from({ length: 20 }, (_, i) => series(100 + i, `Q${i}`)));
    for (const c of def.cases) expect(caseSplit(more, c)).toBe(caseSplit(def, c));
    // The seed decides: another seed gives another split of the same patients.
    const other = { ...def.split, seed: 'another-seed' };
    expect(def.cases.some((c) => patientSplit(other, c.patient) !== caseSplit(def, c))).toBe(true);
    expect(def.cases.every((c) => patientSplit({ ...def.split, testFraction: 0 }, c.patient) === 'train')).toBe(true);
    expect(def.cases.every((c) => patientSplit({ ...def.split, testFraction: 1 }, c.patient) === 'test')).toBe(true);
  });

  it('round-trips through JSON exactly, and the public part has no UIDs, patient keys or secret', () => {
    const def = addCases(base(), [series(1, 'P1', [{ name: 'L4/L5 disc', code: disc('L4/L5') }]), series(2, 'P2')]);
    const text = definitionToJson(def);
    expect(definitionFromJson(text)).toEqual(def);
    const shared = JSON.stringify(publicDefinition(def));
    for (const secretPart of [def.secret, def.cases[0]!.patient, def.cases[0]!.seriesInstanceUID]) expect(shared).not.toContain(secretPart);
    expect(publicDefinition(def).labels).toEqual(def.labels);
  });

  it('validates a definition field by field with coded errors', () => {
    const good = JSON.parse(definitionToJson(addCases(base(), [series(1, 'P1', [{ name: 'L4/L5 disc', code: disc('L4/L5') }])]))) as Record<string, unknown>;
    const bad = (patch: (d: Record<string, any>) => void): string => {
      const copy = structuredClone(good) as Record<string, any>;
      patch(copy);
      return expectCode(() => validateDefinition(copy), 'dataset-export-invalid').params['field'] as string;
    };
    expect(bad((d) => (d['id'] = 1000))).toBe('id');
    expect(bad((d) => (d['id'] = 0))).toBe('id');
    expect(bad((d) => (d['name'] = 'Lumbar discs'))).toBe('name');
    expect(bad((d) => (d['format'] = 'other'))).toBe('format');
    expect(bad((d) => (d['fileEnding'] = '.nrrd'))).toBe('fileEnding');
    expect(bad((d) => (d['secret'] = 'short'))).toBe('secret');
    expect(bad((d) => (d['split'].testFraction = 1.5))).toBe('split.testFraction');
    expect(bad((d) => (d['split'].seed = ''))).toBe('split.seed');
    expect(bad((d) => (d['channelNames'] = { '1': 'CT' }))).toBe('channelNames');
    expect(bad((d) => (d['labels'][0].value = 2))).toBe('labels[0].value');
    expect(bad((d) => (d['labels'][0].key = 'SCT:1'))).toBe('labels[0].key');
    expect(bad((d) => delete d['labels'][0].code.type)).toBe('labels[0].code');
    expect(bad((d) => (d['labels'][0].name = 'background'))).toBe('labels');
    expect(bad((d) => (d['cases'][0].patient = 'MRN 12345'))).toBe('cases[0].patient');
    expect(bad((d) => (d['cases'][0].id = 'a b'))).toBe('cases[0].id');
    expect(bad((d) => (d['nextCase'] = 1))).toBe('nextCase');
    expect(bad((d) => d['cases'].push({ ...d['cases'][0], id: 'other' }))).toBe('cases');
    expectCode(() => validateDefinition({ ...good, version: 2 }), 'schema-version');
    expect(expectCode(() => definitionFromJson('{'), 'dataset-export-invalid').params['field']).toBe('json');
    expect(expectCode(() => addCases(base(), [series(1, ' ')]), 'dataset-export-invalid').params['field']).toBe('cases[0].patientId');
  });
});
