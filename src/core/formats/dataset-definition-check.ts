/**
 * The checks of a dataset definition (`dataset-definition.ts`): what a
 * stored or imported definition must be before anything reads it, and the
 * two names every definition function agrees on (a label's code key, a
 * case's pseudonym). Split from the definition's operations, which call
 * `validateDefinition` on everything they return.
 */
import { copySegmentCode, isSegmentCode, type CodedConcept, type SegmentCode } from '../annotation/codes.js';
import { SegmarkError } from '../errors.js';
import type { DatasetDefinition, DefinitionCase, DefinitionLabel } from './dataset-definition.js';

export const DEFINITION_FORMAT = 'segmark-dataset-definition';
export const DEFINITION_VERSION = 1;
/** nnU-Net v2 reads other endings too; Segmark writes gzipped NIfTI only. */
export const DEFINITION_FILE_ENDING = '.nii.gz';
/** The label image is uint8: values 1..255. */
export const MAX_LABEL_VALUE = 255;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const HEX = /^[0-9a-f]+$/;

/**
 * What identifies a label's meaning: the property type and, when present,
 * its modifier and anatomic region (with modifier), each as
 * `scheme:value`. The category follows from the type and is left out, so a
 * label recoded to a more fitting category keeps its value.
 */
export function codeKey(code: SegmentCode): string {
  const c = (x: CodedConcept) => `${x.codingSchemeDesignator}:${x.codeValue}`;
  let key = c(code.type);
  if (code.typeModifier) key += `|modifier=${c(code.typeModifier)}`;
  if (code.anatomicRegion) key += `|region=${c(code.anatomicRegion)}`;
  if (code.anatomicRegionModifier) key += `|regionModifier=${c(code.anatomicRegionModifier)}`;
  return key;
}

/** The pseudonym of case number `n`. */
export function caseId(name: string, n: number): string {
  return `${name}_${String(n).padStart(4, '0')}`;
}

/**
 * Checks a definition (from storage, a file, or a function here) and returns
 * a plain, frozen copy. Throws `dataset-export-invalid` naming the first
 * field at fault, `schema-version` for a newer version.
 */
export function validateDefinition(value: unknown): DatasetDefinition {
  const v = object(value, 'definition');
  if (v['format'] !== DEFINITION_FORMAT) invalid('format', `must be "${DEFINITION_FORMAT}"`);
  if (v['version'] !== DEFINITION_VERSION) {
    if (typeof v['version'] === 'number' && v['version'] > DEFINITION_VERSION) {
      throw new SegmarkError('schema-version', `dataset definition version ${v['version']} is newer than this Segmark reads (${DEFINITION_VERSION})`, {
        params: { version: v['version'] },
      });
    }
    invalid('version', `must be ${DEFINITION_VERSION}`);
  }
  const id = v['id'];
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 999) invalid('id', `${String(id)} is not 1..999`);
  const name = v['name'];
  if (typeof name !== 'string' || !NAME.test(name)) invalid('name', `"${String(name)}": letters, digits, _ and - only, 64 at most`);
  const description = v['description'] ?? '';
  if (typeof description !== 'string') invalid('description', 'must be text');
  if (v['fileEnding'] !== DEFINITION_FILE_ENDING) invalid('fileEnding', `must be "${DEFINITION_FILE_ENDING}"`);
  const secret = v['secret'];
  if (typeof secret !== 'string' || secret.length < 32 || !HEX.test(secret)) invalid('secret', 'must be at least 16 bytes as lower-case hex');

  const split = object(v['split'], 'split');
  if (typeof split['seed'] !== 'string' || split['seed'] === '') invalid('split.seed', 'must be non-empty text');
  const fraction = split['testFraction'];
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) invalid('split.testFraction', `${String(fraction)} is not in 0..1`);

  const channels = object(v['channelNames'], 'channelNames');
  const channelKeys = Object.keys(channels);
  if (channelKeys.length === 0) invalid('channelNames', 'needs at least channel "0"');
  channelKeys.forEach((k, i) => {
    if (k !== String(i)) invalid('channelNames', `channels must be "0", "1", … in order; found "${k}"`);
    if (typeof channels[k] !== 'string' || channels[k] === '') invalid(`channelNames.${k}`, 'must be a name');
  });

  const labels = array(v['labels'], 'labels').map((item, i): DefinitionLabel => {
    const where = `labels[${i}]`;
    const l = object(item, where);
    if (!isSegmentCode(l['code'])) invalid(`${where}.code`, 'needs a complete category and type (value, scheme, meaning)');
    const code = copySegmentCode(l['code']);
    if (l['key'] !== codeKey(code)) invalid(`${where}.key`, `must be "${codeKey(code)}", the key of its code`);
    if (l['value'] !== i + 1) invalid(`${where}.value`, `must be ${i + 1}: values run 1, 2, … with no gap (retired labels keep theirs)`);
    const labelName = l['name'];
    if (typeof labelName !== 'string' || labelName.trim() === '' || labelName !== labelName.trim()) invalid(`${where}.name`, 'must be non-empty, trimmed text');
    if (l['retired'] !== undefined && typeof l['retired'] !== 'boolean') invalid(`${where}.retired`, 'must be true or false');
    return { value: i + 1, key: codeKey(code), code, name: labelName, ...(l['retired'] === true ? { retired: true } : {}) };
  });
  if (labels.length > MAX_LABEL_VALUE) invalid('labels', `${labels.length} labels; a uint8 label image holds ${MAX_LABEL_VALUE}`);
  duplicates(labels.map((l) => l.key), 'labels', 'key');
  duplicates(['background', ...labels.map((l) => l.name)], 'labels', 'name');

  const nextCase = v['nextCase'];
  if (typeof nextCase !== 'number' || !Number.isInteger(nextCase) || nextCase < 1) invalid('nextCase', 'must be a whole number ≥ 1');
  const cases = array(v['cases'], 'cases').map((item, i): DefinitionCase => {
    const where = `cases[${i}]`;
    const c = object(item, where);
    const id = c['id'];
    if (typeof id !== 'string' || !NAME.test(id)) invalid(`${where}.id`, `"${String(id)}": letters, digits, _ and - only, 64 at most`);
    for (const uid of ['studyInstanceUID', 'seriesInstanceUID'] as const) {
      if (typeof c[uid] !== 'string' || c[uid] === '') invalid(`${where}.${uid}`, 'must be a UID');
    }
    if (typeof c['patient'] !== 'string' || !HEX.test(c['patient'])) invalid(`${where}.patient`, 'must be a patient key (hex)');
    if (c['docId'] !== undefined && typeof c['docId'] !== 'string') invalid(`${where}.docId`, 'must be text');
    const n = /_(\d+)$/.exec(id);
    if (n && Number(n[1]) >= nextCase && id === caseId(name, Number(n[1]))) invalid('nextCase', `${nextCase} would give ${id} again`);
    return {
      id,
      studyInstanceUID: c['studyInstanceUID'] as string,
      seriesInstanceUID: c['seriesInstanceUID'] as string,
      patient: c['patient'],
      ...(c['docId'] !== undefined ? { docId: c['docId'] } : {}),
    };
  });
  duplicates(cases.map((c) => c.id), 'cases', 'id');
  duplicates(cases.map((c) => `${c.studyInstanceUID}|${c.seriesInstanceUID}`), 'cases', 'series');

  return deepFreeze({
    format: DEFINITION_FORMAT,
    version: DEFINITION_VERSION,
    id,
    name,
    description,
    labels,
    cases,
    nextCase,
    split: { seed: split['seed'], testFraction: fraction },
    fileEnding: DEFINITION_FILE_ENDING,
    channelNames: Object.fromEntries(channelKeys.map((k) => [k, channels[k] as string])),
    secret,
  });
}

function duplicates(values: readonly string[], field: string, what: string): void {
  const seen = new Set<string>();
  values.forEach((value) => {
    if (seen.has(value)) invalid(field, `two entries share the ${what} "${value}"`);
    seen.add(value);
  });
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(field, 'must be an object');
  return value as Record<string, unknown>;
}

function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) invalid(field, 'must be a list');
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Throws `dataset-export-invalid` naming the field. */
export function invalid(field: string, detail: string): never {
  throw new SegmarkError('dataset-export-invalid', `dataset definition: ${field}: ${detail}`, { params: { field } });
}
