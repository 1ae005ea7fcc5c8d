/**
 * A dataset definition: what stays fixed across every export of one
 * nnU-Net v2 dataset built from many cases, kept in IndexedDB
 * (`store/datasets.ts`) and exportable as JSON.
 *
 * - The folder is `Dataset<NNN>_<name>` (nnU-Net's id 1..999).
 * - Labels are mapped **by code** (category aside: the property type and its
 *   modifiers, e.g. SCT 80064006 "L1/L2 disc"), not by name or list
 *   position, so a label has one value in every case — whatever the
 *   annotator called it, in whichever language. A new code takes the next
 *   value; a value is never reused nor renumbered. A label taken out is
 *   *retired*: it keeps its value and stays in dataset.json (no case has
 *   it), because nnU-Net wants the values consecutive from 0 and renumbering
 *   would change every earlier export.
 * - Each series has a pseudonym, `<name>_NNNN`, allocated in order and
 *   remembered: the same on every export; a removed case's number is not
 *   given again.
 * - The train/test split is by patient: a patient is on the test side when
 *   the hash of the seed and the patient's key falls below the test
 *   fraction, so every series of a patient lands on one side, the answer
 *   never changes, and adding patients never moves the ones already there.
 * - `secret` keys the patient keys (a keyed hash, so the JSON holds no
 *   patient ID) and the de-identification of every case (`Deidentifier`),
 *   so replacement UIDs are the same on every export.
 *
 * The full definition links pseudonyms to series UIDs: it is the key file
 * of the dataset, kept in the browser or by the team lead. `publicDefinition`
 * is the part that may travel with the data.
 *
 * Every function returns a new, validated definition; the input is never
 * changed. Errors are `dataset-export-invalid` with the field at fault
 * (`schema-version` for a definition written by a newer version).
 */
import { GENERIC_TYPE, copySegmentCode, isSegmentCode, sameConcept, type SegmentCode } from '../annotation/codes.js';
import { SegmarkError } from '../errors.js';
import {
  DEFINITION_FILE_ENDING,
  DEFINITION_FORMAT,
  DEFINITION_VERSION,
  MAX_LABEL_VALUE,
  caseId,
  codeKey,
  invalid,
  validateDefinition,
} from './dataset-definition-check.js';
import { sha256 } from './sha256.js';

export { DEFINITION_FILE_ENDING, DEFINITION_FORMAT, DEFINITION_VERSION, MAX_LABEL_VALUE, caseId, codeKey, validateDefinition };

export interface DefinitionLabel {
  /** The voxel value in every label image of the dataset, 1..255; never changes. */
  readonly value: number;
  /** `codeKey(code)`: what identifies the label. */
  readonly key: string;
  readonly code: SegmentCode;
  /** Its name in dataset.json: unique, not "background". */
  readonly name: string;
  /** Taken out of the dataset: the value stays reserved and listed, no case writes it. */
  readonly retired?: boolean;
}

export interface DefinitionCase {
  /** The pseudonym, `<name>_NNNN`: the nnU-Net case identifier and the de-identified patient name. */
  readonly id: string;
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  /** The keyed hash of the patient (`patientKey`): what the split goes by. */
  readonly patient: string;
  /** The stored document (series and user, `store/schema.ts` `documentId`) the case takes its labels from. */
  readonly docId?: string;
}

export interface DatasetSplit {
  /** Fixed when the definition is made. */
  readonly seed: string;
  /** Expected share of patients on the test side, 0..1 (0: no test set). */
  readonly testFraction: number;
}

export interface DatasetDefinition {
  readonly format: typeof DEFINITION_FORMAT;
  readonly version: typeof DEFINITION_VERSION;
  /** nnU-Net dataset id, 1..999. */
  readonly id: number;
  /** Letters, digits, '_' and '-'. */
  readonly name: string;
  readonly description: string;
  /** In value order. */
  readonly labels: readonly DefinitionLabel[];
  /** In the order they were added. */
  readonly cases: readonly DefinitionCase[];
  /** The number the next case's pseudonym gets. */
  readonly nextCase: number;
  readonly split: DatasetSplit;
  readonly fileEnding: typeof DEFINITION_FILE_ENDING;
  /** nnU-Net's `channel_names`: channel index → name; "CT" selects its CT normalisation. */
  readonly channelNames: Readonly<Record<string, string>>;
  /** Hex; keys patient keys and de-identification. Keep it out of shared data. */
  readonly secret: string;
}

export interface CreateDefinitionOptions {
  id: number;
  name: string;
  description?: string;
  /** Default 0.2. */
  testFraction?: number;
  /** Default: drawn at random, then fixed. */
  seed?: string;
  /** Default: 32 random bytes. */
  secret?: string;
  /** Default `{ "0": "CT" }`. */
  channelNames?: Readonly<Record<string, string>>;
}

/** A label as a case carries it: its name and code. */
export interface LabelToAdd {
  readonly name: string;
  readonly code: SegmentCode;
}

/** A series picked for the dataset. */
export interface CaseToAdd {
  readonly studyInstanceUID: string;
  readonly seriesInstanceUID: string;
  /**
   * Who the patient is: Patient ID (with its issuer where there is one).
   * Only its keyed hash is kept. A source without one should pass the study
   * UID, which keeps a study's series together but cannot join two studies
   * of one patient.
   */
  readonly patientId: string;
  readonly docId?: string;
  /** The labels of its document; codes not yet in the definition are added. */
  readonly labels?: readonly LabelToAdd[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const encoder = new TextEncoder();

/** A new definition with no labels and no cases. */
export function createDefinition(options: CreateDefinitionOptions): DatasetDefinition {
  return validateDefinition({
    format: DEFINITION_FORMAT,
    version: DEFINITION_VERSION,
    id: options.id,
    name: options.name,
    description: options.description ?? '',
    labels: [],
    cases: [],
    nextCase: 1,
    split: { seed: options.seed ?? randomHex(16), testFraction: options.testFraction ?? 0.2 },
    fileEnding: DEFINITION_FILE_ENDING,
    channelNames: { ...(options.channelNames ?? { '0': 'CT' }) },
    secret: options.secret ?? randomHex(32),
  });
}

/** `Dataset<NNN>_<name>`. */
export function datasetFolder(def: Pick<DatasetDefinition, 'id' | 'name'>): string {
  return `Dataset${String(def.id).padStart(3, '0')}_${def.name}`;
}

/** The label of the definition with that code (retired ones included), or undefined. */
export function labelOfCode(def: DatasetDefinition, code: SegmentCode): DefinitionLabel | undefined {
  const key = codeKey(code);
  return def.labels.find((l) => l.key === key);
}

/**
 * The definition with every code of `labels` in it: a new code gets the
 * next value (one more than the highest ever given) and the label's name
 * (made unique); a known code keeps its value and name, and a retired one
 * comes back. A label with only the generic "Tissue" meaning is refused: it
 * cannot be told from another such label in the next case.
 */
export function addLabels(def: DatasetDefinition, labels: readonly LabelToAdd[], field = 'labels'): DatasetDefinition {
  const out: Mutable<DefinitionLabel>[] = def.labels.map((l) => ({ ...l }));
  labels.forEach((label, i) => {
    const where = `${field}[${i}]`;
    if (!isSegmentCode(label.code)) invalid(`${where}.code`, 'needs a complete category and type (value, scheme, meaning)');
    if (sameConcept(label.code.type, GENERIC_TYPE.tissue)) {
      invalid(`${where}.code`, `"${label.name}" has only the generic meaning "Tissue": pick its structure before it joins a dataset`);
    }
    const key = codeKey(label.code);
    const known = out.find((l) => l.key === key);
    if (known) {
      delete known.retired;
      return;
    }
    const value = out.reduce((max, l) => Math.max(max, l.value), 0) + 1;
    if (value > MAX_LABEL_VALUE) invalid(where, `the dataset has ${MAX_LABEL_VALUE} labels, the most a uint8 label image holds`);
    out.push({ value, key, code: copySegmentCode(label.code), name: uniqueName(label.name.trim() || label.code.type.codeMeaning, label.code, out) });
  });
  return validateDefinition({ ...def, labels: out });
}

/** The definition with the label of `key` retired: its value stays reserved (see the module comment). */
export function retireLabel(def: DatasetDefinition, key: string): DatasetDefinition {
  if (!def.labels.some((l) => l.key === key)) invalid('labels', `no label has the code ${key}`);
  return validateDefinition({ ...def, labels: def.labels.map((l) => (l.key === key ? { ...l, retired: true } : l)) });
}

/** The definition with a label renamed (the name dataset.json gives it; its value stays). */
export function renameDefinitionLabel(def: DatasetDefinition, key: string, name: string): DatasetDefinition {
  if (!def.labels.some((l) => l.key === key)) invalid('labels', `no label has the code ${key}`);
  return validateDefinition({ ...def, labels: def.labels.map((l) => (l.key === key ? { ...l, name: name.trim() } : l)) });
}

/**
 * The definition with the series added as cases, each with the next
 * pseudonym, and their labels' codes added. A series already in the
 * definition keeps its pseudonym (its document may change with `docId`).
 */
export function addCases(def: DatasetDefinition, cases: readonly CaseToAdd[]): DatasetDefinition {
  let next = def.nextCase;
  let labelled = def;
  const out: Mutable<DefinitionCase>[] = def.cases.map((c) => ({ ...c }));
  cases.forEach((c, i) => {
    const where = `cases[${i}]`;
    if (!c.studyInstanceUID || !c.seriesInstanceUID) invalid(where, 'a case needs its study and series UIDs');
    if (typeof c.patientId !== 'string' || c.patientId.trim() === '') invalid(`${where}.patientId`, 'is empty (pass the study UID when the source has no Patient ID)');
    if (c.labels) labelled = addLabels(labelled, c.labels, `${where}.labels`);
    const known = out.find((k) => k.seriesInstanceUID === c.seriesInstanceUID && k.studyInstanceUID === c.studyInstanceUID);
    if (known) {
      if (c.docId !== undefined) known.docId = c.docId;
      return;
    }
    out.push({
      id: caseId(def.name, next++),
      studyInstanceUID: c.studyInstanceUID,
      seriesInstanceUID: c.seriesInstanceUID,
      patient: patientKey(def, c.patientId),
      ...(c.docId !== undefined ? { docId: c.docId } : {}),
    });
  });
  return validateDefinition({ ...labelled, cases: out, nextCase: next });
}

/** The definition without the case (its pseudonym is not given again). */
export function removeCase(def: DatasetDefinition, id: string): DatasetDefinition {
  if (!def.cases.some((c) => c.id === id)) invalid('cases', `no case ${id}`);
  return validateDefinition({ ...def, cases: def.cases.filter((c) => c.id !== id) });
}

/** The keyed hash a patient is known by in the definition (hex, 128 bits). */
export function patientKey(def: Pick<DatasetDefinition, 'secret'>, patientId: string): string {
  return hex(sha256(encoder.encode(`segmark patient\u0000${def.secret}\u0000${patientId.trim()}`)).subarray(0, 16));
}

/**
 * Which side a patient is on: test when the first 32 bits of
 * SHA-256(`seed` NUL `patient`) divided by 2³² are below the test fraction.
 * Stated so exactly that a script can check it (the tools test does).
 */
export function patientSplit(split: DatasetSplit, patient: string): 'train' | 'test' {
  const h = sha256(encoder.encode(`${split.seed}\u0000${patient}`));
  const u = (((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0) / 2 ** 32;
  return u < split.testFraction ? 'test' : 'train';
}

export function caseSplit(def: DatasetDefinition, c: Pick<DefinitionCase, 'patient'>): 'train' | 'test' {
  return patientSplit(def.split, c.patient);
}

/** The definition as JSON text (the whole key file, secret included). */
export function definitionToJson(def: DatasetDefinition): string {
  return `${JSON.stringify(validateDefinition(def), null, 2)}\n`;
}

/** A definition from JSON text; throws `dataset-export-invalid` naming the field, or `schema-version`. */
export function definitionFromJson(text: string): DatasetDefinition {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SegmarkError('dataset-export-invalid', `not JSON: ${String(error)}`, { params: { field: 'json' }, cause: error });
  }
  return validateDefinition(value);
}

/** What of a definition may travel with the data: no series UIDs, patient keys nor secret. */
export interface PublicDefinition {
  readonly format: typeof DEFINITION_FORMAT;
  readonly version: typeof DEFINITION_VERSION;
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly labels: readonly DefinitionLabel[];
  readonly split: DatasetSplit;
  readonly fileEnding: string;
  readonly channelNames: Readonly<Record<string, string>>;
}

export function publicDefinition(def: DatasetDefinition): PublicDefinition {
  return {
    format: def.format,
    version: def.version,
    id: def.id,
    name: def.name,
    description: def.description,
    labels: def.labels.map((l) => ({ ...l, code: copySegmentCode(l.code) })),
    split: { ...def.split },
    fileEnding: def.fileEnding,
    channelNames: { ...def.channelNames },
  };
}

/** `name`, or with the code's meaning, or numbered, so no two labels share a name in dataset.json. */
function uniqueName(name: string, code: SegmentCode, labels: readonly DefinitionLabel[]): string {
  const taken = new Set(['background', ...labels.map((l) => l.name)]);
  if (!taken.has(name)) return name;
  const withMeaning = `${name} (${code.type.codeMeaning})`;
  if (!taken.has(withMeaning)) return withMeaning;
  for (let n = 2; ; n++) if (!taken.has(`${withMeaning} ${n}`)) return `${withMeaning} ${n}`;
}

function randomHex(bytes: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(bytes)));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
