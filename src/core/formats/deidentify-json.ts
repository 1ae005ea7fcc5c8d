/**
 * De-identification of the JSON our exports write next to images and masks
 * (provenance, sidecars), by key, with the same choices and replacements as
 * the DICOM exports (`deidentify.ts`), so a de-identified SEG and a
 * de-identified package of the same case name the same UIDs.
 *
 * Rules, for a key anywhere in the tree:
 * - ends in `UID` or `UIDs` (but not `ClassUID(s)`, which names a standard
 *   SOP class): each UID is replaced;
 * - `patientName`, `patientID`: the case id;
 * - `patientSex`: kept only with the Retain Patient Characteristics Option;
 * - patient and study identifiers and free-text descriptions
 *   (`IDENTIFYING_KEYS`): left out;
 * - people (`PERSON_KEYS`): a stable pseudonym;
 * - DICOM dates and times (`studyDate`, `studyTime`, …) and ISO instants
 *   (`created`, `updated`, `exported`, a review step's `at`, …): as the date handling says, left
 *   out when removed.
 * Everything else is copied as it is.
 */
import type { Deidentifier } from './deidentify.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const UID_KEY = /UIDs?$/;
const CLASS_UID_KEY = /ClassUIDs?$/;
const IDENTIFYING_KEYS = new Set([
  'patientBirthDate',
  'referringPhysicianName',
  'accessionNumber',
  'studyID',
  'studyDescription',
  'seriesDescription',
  'description',
  // A region's imported file name and a reviewer's free-text note, on a rejection or a missed-structure flag (region-provenance.ts).
  'file',
  'note',
]);
const PERSON_KEYS = new Set(['user', 'creatorName', 'contentCreatorName']);
const DICOM_DATE_KEYS = new Set(['studyDate', 'seriesDate', 'contentDate']);
const DICOM_TIME_KEYS = new Set(['studyTime', 'seriesTime', 'contentTime']);
const INSTANT_KEYS = new Set(['created', 'updated', 'exported', 'createdAt', 'updatedAt', 'exportedAt', 'at', 'resolvedAt']);

/** A de-identified copy of `value` (plain JSON data); the input is not changed. */
export function deidentifyJson(value: JsonValue, d: Deidentifier): JsonValue {
  if (Array.isArray(value)) return value.map((v) => deidentifyJson(v, d));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, v] of Object.entries(value)) {
    const replaced = replaceEntry(key, v, d);
    if (replaced !== undefined) out[key] = replaced;
  }
  return out;
}

/** The value `key` keeps, or undefined to leave it out. */
function replaceEntry(key: string, value: JsonValue, d: Deidentifier): JsonValue | undefined {
  if (UID_KEY.test(key) && !CLASS_UID_KEY.test(key)) return mapStrings(value, (uid) => (uid ? d.uid(uid) : uid));
  if (key === 'patientName' || key === 'patientID') return d.caseId;
  if (key === 'patientSex') return d.retainPatientCharacteristics ? value : undefined;
  if (IDENTIFYING_KEYS.has(key)) return undefined;
  if (PERSON_KEYS.has(key)) return typeof value === 'string' && value ? d.pseudonym(value) : value;
  if (DICOM_DATE_KEYS.has(key) && typeof value === 'string') return d.dates === 'remove' ? undefined : d.date(value);
  if (DICOM_TIME_KEYS.has(key) && typeof value === 'string') return d.dates === 'remove' ? undefined : d.time(value);
  if (INSTANT_KEYS.has(key) && typeof value === 'string') {
    const t = Date.parse(value);
    const moved = Number.isNaN(t) ? undefined : d.instant(new Date(t));
    return moved?.toISOString();
  }
  return deidentifyJson(value, d);
}

/** Applies `f` to a string or to each string of an array; other values pass unchanged. */
function mapStrings(value: JsonValue, f: (s: string) => string): JsonValue {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? f(v) : v));
  return value;
}
