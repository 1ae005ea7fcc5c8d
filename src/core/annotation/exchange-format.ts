/**
 * The document as an exchange format: the whole work on a series (regions as
 * outlines, labels with codes, provenance, review decisions, the review
 * record, the revision) as versioned plain JSON, so an annotator and a
 * reviewer at different machines hand one document back and forth through
 * their portal. `getDocument()` writes it; `openDocument()` reads it with
 * `readExchange` and `checkSeries`, which name the field at fault.
 *
 * The JSON Schema (`document.schema.json`, shipped as
 * `dist/segmark-document.schema.json`) is the contract; `readExchange`
 * validates against that very schema (the subset of draft 2020-12 it uses,
 * `validateSchema` below), so the two cannot drift apart. What a schema
 * cannot say (ring lengths, one region per (label, slice), labels that
 * exist, slices inside the series) is checked after it.
 */
import { SegmarkError } from '../errors.js';
import type { ReviewRecord } from '../review/record.js';
import { DOCUMENT_SCHEMA_VERSION, type DocumentSnapshot, type SeriesIdentity } from './document-data.js';
import schema from './document.schema.json';

export const EXCHANGE_FORMAT = 'segmark-document';
/** The exchange form's version: readers refuse a newer one (`schema-version`). */
export const EXCHANGE_FORMAT_VERSION = 1;

/** `getDocument()`: the whole document, as `document.schema.json` describes it. */
export interface ExchangeDocument extends DocumentSnapshot {
  format: typeof EXCHANGE_FORMAT;
  formatVersion: number;
  /** How many changes the document has had (see `AnnotationDocument.revision`). */
  revision: number;
  /** The revision the sender started from; `openDocument` compares it (else `revision`) with the host's current one. */
  baseRevision?: number;
  review: ReviewRecord;
}

/** A document read back: the snapshot for `AnnotationDocument`, the review record, and its revisions. */
export interface ReadExchange {
  snapshot: DocumentSnapshot;
  review: ReviewRecord;
  revision: number;
  baseRevision: number;
}

/** The exchange form of a snapshot with its review record and revision (plain, detached copies). */
export function toExchange(snapshot: DocumentSnapshot, review: ReviewRecord, revision: number): ExchangeDocument {
  const { review: _r, revision: _v, ...content } = snapshot;
  return {
    format: EXCHANGE_FORMAT,
    formatVersion: EXCHANGE_FORMAT_VERSION,
    ...structuredClone(content),
    revision,
    review: structuredClone(review),
  };
}

function invalid(field: string, why: string): never {
  throw new SegmarkError('document-invalid', `document: ${field} ${why}`, { params: { field } });
}

/**
 * Checks a document against the schema and the rules around it; throws
 * `document-invalid` naming the field (a JSON path such as
 * `regions[2].rings[0]`), or `schema-version` for a newer format.
 */
export function readExchange(value: unknown): ReadExchange {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('(document)', 'must be an object');
  const v = value as Partial<ExchangeDocument>;
  if (v.format !== EXCHANGE_FORMAT) invalid('format', `must be "${EXCHANGE_FORMAT}"`);
  if (!Number.isInteger(v.formatVersion)) invalid('formatVersion', 'must be a whole number');
  if (v.formatVersion! > EXCHANGE_FORMAT_VERSION) {
    throw new SegmarkError('schema-version', `document format ${v.formatVersion}; this build reads ${EXCHANGE_FORMAT_VERSION}`, {
      params: { found: v.formatVersion!, expected: EXCHANGE_FORMAT_VERSION, field: 'formatVersion' },
    });
  }
  const problem = validateSchema(value, schema as SchemaNode);
  if (problem) invalid(problem.field, problem.why);
  const doc = value as ExchangeDocument;
  const { slices } = doc.series;
  if (doc.series.sopInstanceUIDs.length !== slices) invalid('series.sopInstanceUIDs', 'must hold one UID per slice');
  const ids = new Set<number>();
  doc.labels.forEach((l, i) => {
    if (ids.has(l.id)) invalid(`labels[${i}].id`, `repeats label ${l.id}`);
    ids.add(l.id);
  });
  const seen = new Set<string>();
  doc.regions.forEach((r, i) => {
    if (!ids.has(r.labelId)) invalid(`regions[${i}].labelId`, `names label ${r.labelId}, which the document does not have`);
    if (r.slice >= slices) invalid(`regions[${i}].slice`, `is outside 0..${slices - 1}`);
    const key = `${r.labelId}:${r.slice}`;
    if (seen.has(key)) invalid(`regions[${i}]`, `is a second region of label ${r.labelId} on slice ${r.slice}`);
    seen.add(key);
    r.rings.forEach((ring, j) => {
      if (ring.length % 2 !== 0) invalid(`regions[${i}].rings[${j}]`, 'must be x, y pairs (an even count)');
      if (!ring.every(Number.isFinite)) invalid(`regions[${i}].rings[${j}]`, 'must hold finite numbers');
    });
  });
  (doc.review?.missed ?? []).forEach((m, i) => {
    if (!ids.has(m.labelId)) invalid(`review.missed[${i}].labelId`, `names label ${m.labelId}, which the document does not have`);
    if (m.slice >= slices) invalid(`review.missed[${i}].slice`, `is outside 0..${slices - 1}`);
  });
  const { format: _f, formatVersion: _fv, revision, baseRevision, review, ...rest } = doc;
  const snapshot: DocumentSnapshot = { ...structuredClone(rest), version: DOCUMENT_SCHEMA_VERSION, revision };
  return {
    snapshot,
    review: structuredClone(review ?? { status: 'draft', audit: [], comments: [], activeTime: { totalMs: 0, byLabel: {}, bySlice: {} } }),
    revision,
    baseRevision: baseRevision ?? revision,
  };
}

/**
 * Whether the document annotates `series` on its grid: the same Study,
 * Series and SOP Instance UIDs in the same order, rows and columns. Throws
 * `document-other-series` naming the first field that differs.
 */
export function checkSeries(doc: DocumentSnapshot, series: SeriesIdentity): void {
  const differs = (field: string): never => {
    throw new SegmarkError('document-other-series', `document: ${field} differs from the open series`, { params: { field } });
  };
  const s = doc.series;
  if (s.studyInstanceUID !== series.studyInstanceUID) differs('series.studyInstanceUID');
  if (s.seriesInstanceUID !== series.seriesInstanceUID) differs('series.seriesInstanceUID');
  for (const key of ['rows', 'columns', 'slices'] as const) if (s[key] !== series[key]) differs(`series.${key}`);
  const at = s.sopInstanceUIDs.findIndex((uid, i) => uid !== series.sopInstanceUIDs[i]);
  if (at >= 0) differs(`series.sopInstanceUIDs[${at}]`);
}

/** Refuses (`document-conflict`) a document based on a revision older than the host's current one. */
export function checkRevision(read: Pick<ReadExchange, 'baseRevision'>, current: number | undefined): void {
  if (current === undefined) return;
  if (!Number.isSafeInteger(current) || current < 0) {
    throw new SegmarkError('bad-argument', `currentRevision ${String(current)} is not a whole number`, { params: { argument: 'currentRevision' } });
  }
  if (read.baseRevision < current) {
    throw new SegmarkError('document-conflict', `document based on revision ${read.baseRevision}; the host's current revision is ${current}`, {
      params: { revision: read.baseRevision, current },
    });
  }
}

// ── the schema subset ──────────────────────────────────────────────────────

/** The keywords of draft 2020-12 that `document.schema.json` uses. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  $defs?: Record<string, SchemaNode>;
}

const KNOWN = new Set([
  '$schema', '$id', '$ref', '$defs', 'title', 'description', 'type', 'const', 'enum', 'required', 'properties',
  'additionalProperties', 'items', 'minItems', 'maxItems', 'minimum', 'maximum', 'minLength',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : Number.isFinite(value) ? 'number' : 'non-finite';
  return typeof value;
}

/**
 * The first place `value` breaks `root` (a JSON path and why), or undefined
 * when it follows it. Refuses a schema keyword outside the subset, so the
 * schema cannot grow a rule this reader would silently skip.
 */
export function validateSchema(value: unknown, root: SchemaNode): { field: string; why: string } | undefined {
  const walk = (v: unknown, node: SchemaNode, path: string): { field: string; why: string } | undefined => {
    const field = path || '(document)';
    for (const key of Object.keys(node)) if (!KNOWN.has(key)) throw new Error(`schema keyword ${key} is not supported`);
    if (node.$ref) {
      const name = node.$ref.replace('#/$defs/', '');
      const target = root.$defs?.[name];
      if (!target) throw new Error(`schema reference ${node.$ref} not found`);
      return walk(v, target, path);
    }
    const t = typeOf(v);
    if (node.type !== undefined) {
      const types = Array.isArray(node.type) ? node.type : [node.type];
      if (!types.some((want) => want === t || (want === 'number' && t === 'integer'))) return { field, why: `must be ${types.join(' or ')}` };
    }
    if ('const' in node && v !== node.const) return { field, why: `must be ${JSON.stringify(node.const)}` };
    if (node.enum && !node.enum.includes(v)) return { field, why: `must be one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}` };
    if (typeof v === 'number') {
      if (node.minimum !== undefined && v < node.minimum) return { field, why: `must be at least ${node.minimum}` };
      if (node.maximum !== undefined && v > node.maximum) return { field, why: `must be at most ${node.maximum}` };
    }
    if (typeof v === 'string' && node.minLength !== undefined && v.length < node.minLength) return { field, why: 'must not be empty' };
    if (Array.isArray(v)) {
      if (node.minItems !== undefined && v.length < node.minItems) return { field, why: `must have at least ${node.minItems} items` };
      if (node.maxItems !== undefined && v.length > node.maxItems) return { field, why: `must have at most ${node.maxItems} items` };
      if (node.items) {
        for (let i = 0; i < v.length; i++) {
          const p = walk(v[i], node.items, `${path}[${i}]`);
          if (p) return p;
        }
      }
    }
    if (t === 'object') {
      const o = v as Record<string, unknown>;
      for (const key of node.required ?? []) if (!(key in o) || o[key] === undefined) return { field: path ? `${path}.${key}` : key, why: 'is missing' };
      for (const [key, item] of Object.entries(o)) {
        if (item === undefined) continue;
        const sub = path ? `${path}.${key}` : key;
        const own = node.properties?.[key];
        const rule = own ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
        if (!own && node.additionalProperties === false) return { field: sub, why: 'is not a field of the format' };
        if (rule) {
          const p = walk(item, rule, sub);
          if (p) return p;
        }
      }
    }
    return undefined;
  };
  return walk(value, root, '');
}
