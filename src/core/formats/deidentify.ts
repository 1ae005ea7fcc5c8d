/**
 * De-identification of what our exports carry, after DICOM PS3.15 Annex E,
 * the Basic Application Level Confidentiality Profile (Table E.1-1 actions,
 * with their options). A `Deidentifier` holds one case's choices and
 * replacements; `deidentify-seg.ts` applies them to a SEG and
 * `deidentify-json.ts` to JSON sidecars and provenance.
 *
 * What the profile says about the attributes we write:
 * - Patient's Name, Patient ID: Z (empty or a dummy). We write the case id,
 *   so a dataset still groups a case's files.
 * - Patient's Birth Date, Accession Number, Study ID, Referring Physician's
 *   Name: Z. Written empty.
 * - Patient's Sex: Z; K under the Retain Patient Characteristics Option
 *   (113108), which `retainPatientCharacteristics` claims.
 * - Study Description, Series Description: X (C only under the Clean
 *   Descriptors Option, which we do not claim). Left out.
 * - Content Creator's Name: Z/D; Content Description is free text, cleared too.
 * - Study Date/Time: Z; Series Date/Time, Instance Creation Date/Time: X/D;
 *   Content Date/Time: Z/D (Type 1 in a SEG, so D). Under the Retain
 *   Longitudinal Temporal Information Full Dates Option (113106) all are
 *   kept; under the Modified Dates Option (113107) they are "cleaned" —
 *   here, every date moves back by the same whole number of days, so
 *   intervals (study to segmentation) survive and times of day are kept.
 * - Study, Series, SOP Instance, Frame of Reference and Referenced SOP
 *   Instance UIDs: U, "replace with a non-zero length UID that is internally
 *   consistent within a set of Instances". See `uid`; an empty source UID
 *   gets a fresh replacement per role, never one shared between roles.
 */
import type { CodedConcept } from '../annotation/codes.js';
import { SegmarkError } from '../errors.js';
import { sha256 } from './sha256.js';

/** What happens to dates and times: removed (default), shifted back by a per-secret offset, or kept. */
export type DateHandling = 'remove' | 'shift' | 'keep';

export interface DeidentifierOptions {
  /** Replaces Patient's Name and Patient ID; letters, digits, '_' and '-', 64 at most. */
  caseId: string;
  /**
   * Keys the UID mapping and the date offset: the same secret gives the same
   * replacements in every export, so a case exported twice (or its SEG and
   * its dataset package) still links up. Keep it out of the exported data.
   * Without one, a random secret is drawn: replacements then hold within
   * this de-identifier only and cannot be linked to the source by anyone.
   */
  secret?: Uint8Array | string;
  dates?: DateHandling;
  /** Keep Patient's Sex (Retain Patient Characteristics Option). Default false. */
  retainPatientCharacteristics?: boolean;
}

/**
 * What a UID identifies. An empty source UID (de-identified or broken files
 * leave some empty) says nothing about what it stands for, so its
 * replacement is chosen by role, never by the empty value.
 */
export type UidRole = 'study' | 'series' | 'sop-instance' | 'frame-of-reference';

/** Longitudinal Temporal Information Modified (0028,0303). */
export type TemporalInformation = 'REMOVED' | 'MODIFIED' | 'UNMODIFIED';

/** PS3.16 CID 7050 "De-identification Method" (as pydicom's concept tables, built from PS3.16, list them). */
export const DEIDENTIFICATION_CODES = Object.freeze({
  basicProfile: concept('113100', 'Basic Application Confidentiality Profile'),
  retainFullDates: concept('113106', 'Retain Longitudinal Temporal Information Full Dates Option'),
  retainModifiedDates: concept('113107', 'Retain Longitudinal Temporal Information Modified Dates Option'),
  retainPatientCharacteristics: concept('113108', 'Retain Patient Characteristics Option'),
});

/** Dates move back between 1 and 11 years: far enough to hide the season and year, close enough to stay plausible. */
const SHIFT_MIN_DAYS = 366;
const SHIFT_SPAN_DAYS = 3653;
const DAY_MS = 86_400_000;
/**
 * The clock a de-identified SEG shows where a Type 1 date must be written
 * but dates are removed (D: "a dummy value consistent with the VR"). 1980
 * is also the earliest time a zip entry can carry.
 */
export const DUMMY_INSTANT = new Date(1980, 0, 1, 0, 0, 0);
const CASE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const encoder = new TextEncoder();

export class Deidentifier {
  readonly caseId: string;
  readonly dates: DateHandling;
  readonly retainPatientCharacteristics: boolean;
  /** Days every date moves back under 'shift'; 0 otherwise. */
  readonly dateOffsetDays: number;
  readonly #secret: Uint8Array;
  readonly #uids = new Map<string, string>();

  constructor(options: DeidentifierOptions) {
    if (!CASE_ID.test(options.caseId)) {
      throw new SegmarkError('deidentify-invalid', `case id "${options.caseId}": letters, digits, _ and - only, 64 at most`, {
        params: { field: 'caseId' },
      });
    }
    this.caseId = options.caseId;
    this.dates = options.dates ?? 'remove';
    this.retainPatientCharacteristics = options.retainPatientCharacteristics ?? false;
    const { secret } = options;
    this.#secret = secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : typeof secret === 'string' ? encoder.encode(secret) : secret.slice();
    if (this.#secret.length === 0) throw new SegmarkError('deidentify-invalid', 'the secret is empty', { params: { field: 'secret' } });
    // Keyed on a label no UID can equal (UIDs are digits and dots), so it is independent of every UID's replacement.
    const h = this.#keyed('segmark date offset');
    this.dateOffsetDays = this.dates === 'shift' ? SHIFT_MIN_DAYS + (((h[0]! << 8) | h[1]!) % SHIFT_SPAN_DAYS) : 0;
  }

  /**
   * The replacement of a UID: `2.25.` and the decimal value of a UUID (PS3.5
   * §B.2) made of the first 128 bits of SHA-256(secret ∥ uid), with the
   * version (8, "custom", RFC 9562) and variant bits set. 122 hashed bits
   * make a collision between different UIDs as unlikely as between random
   * UUIDs; without the secret the source UID cannot be recovered or tested.
   *
   * An empty `source` is no UID: hashing it would give every empty UID one
   * replacement, so a SEG whose source left Study and Series Instance UID
   * empty named one UID as its study and as the series it references. It
   * gets a random UID instead, the same for the same `role` (and `index`,
   * e.g. the slice of an empty SOP Instance UID) within this de-identifier,
   * so the files of one export agree; without a role, a new one each call.
   * Random, not keyed by the secret: two cases exported with one secret
   * must not share a study because both left it empty.
   */
  uid(source: string, role?: UidRole, index?: number): string {
    if (!source.trim()) {
      if (role === undefined) return randomUid();
      const key = `\0${role}${index === undefined ? '' : `#${index}`}`;
      let out = this.#uids.get(key);
      if (out === undefined) this.#uids.set(key, (out = randomUid()));
      return out;
    }
    let out = this.#uids.get(source);
    if (out === undefined) {
      out = uidOf(this.#keyed(source).subarray(0, 16), 0x80);
      this.#uids.set(source, out);
    }
    return out;
  }

  /** A DICOM date (DA, YYYYMMDD) as the date handling says; '' when removed or not a valid date. */
  date(value: string): string {
    if (this.dates === 'keep') return value;
    if (this.dates === 'remove') return '';
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
    if (!m) return '';
    const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(t);
    if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return '';
    const shifted = new Date(t - this.dateOffsetDays * DAY_MS);
    return `${shifted.getUTCFullYear()}${pad(shifted.getUTCMonth() + 1)}${pad(shifted.getUTCDate())}`;
  }

  /** A DICOM time (TM): kept when dates are shifted (whole days move), '' when removed. */
  time(value: string): string {
    return this.dates === 'remove' ? '' : value;
  }

  /** An instant (a creation or export time): shifted, kept, or undefined when dates are removed. */
  instant(value: Date): Date | undefined {
    if (this.dates === 'remove') return undefined;
    return new Date(value.getTime() - this.dateOffsetDays * DAY_MS);
  }

  /** Longitudinal Temporal Information Modified (0028,0303) for the date handling. */
  get temporalInformation(): TemporalInformation {
    return this.dates === 'remove' ? 'REMOVED' : this.dates === 'shift' ? 'MODIFIED' : 'UNMODIFIED';
  }

  /** De-identification Method Code Sequence items: the profile, then the options used. */
  get methodCodes(): CodedConcept[] {
    const codes = [DEIDENTIFICATION_CODES.basicProfile];
    if (this.dates === 'keep') codes.push(DEIDENTIFICATION_CODES.retainFullDates);
    if (this.dates === 'shift') codes.push(DEIDENTIFICATION_CODES.retainModifiedDates);
    if (this.retainPatientCharacteristics) codes.push(DEIDENTIFICATION_CODES.retainPatientCharacteristics);
    return codes;
  }

  /** De-identification Method (0012,0063): a short label of the same (LO, 64 characters). */
  get method(): string {
    const dates = { remove: 'dates removed', shift: 'dates shifted', keep: 'dates kept' }[this.dates];
    return `Segmark PS3.15 E basic profile; ${dates}${this.retainPatientCharacteristics ? '; sex kept' : ''}`;
  }

  /**
   * A stable pseudonym for a person's name (an annotator): 'person-' and 16
   * hex digits of SHA-256(secret ∥ name), so one annotator's work can be
   * told apart across cases without naming them.
   */
  pseudonym(name: string): string {
    const h = this.#keyed(`segmark person ${name}`);
    return `person-${Array.from(h.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }

  #keyed(text: string): Uint8Array {
    const value = encoder.encode(text);
    const message = new Uint8Array(this.#secret.length + value.length);
    message.set(this.#secret);
    message.set(value, this.#secret.length);
    return sha256(message);
  }
}

/** `2.25.` and the decimal value of 16 bytes made a UUID of `version` (0x40 random, 0x80 custom), PS3.5 §B.2. */
function uidOf(bytes: Uint8Array, version: number): string {
  bytes[6] = (bytes[6]! & 0x0f) | version;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return `2.25.${value.toString(10)}`;
}

/** A new random (version 4) UID. */
function randomUid(): string {
  return uidOf(crypto.getRandomValues(new Uint8Array(16)), 0x40);
}

function concept(codeValue: string, codeMeaning: string): CodedConcept {
  return Object.freeze({ codeValue, codingSchemeDesignator: 'DCM', codeMeaning });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
