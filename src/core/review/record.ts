/**
 * The review record kept with each stored document, apart from the undoable
 * region document: the status, the audit trail (who did what, when), the
 * comments, and the active editing time. Plain JSON, so it is stored in the
 * document's IndexedDB record, returned by `getDocument()` as `review`, and
 * summarised into an export's provenance.
 */
import type { JsonValue } from '../formats/deidentify-json.js';
import { emptyActiveTime, IDLE_GAP_MS, parseActiveTime, type ActiveTime } from './active-time.js';
import { parseComments, type CommentThread } from './comments.js';
import { isReviewStatus, type ReviewStatus } from './workflow.js';

/**
 * What an audit entry records. Status steps and comment actions each get one;
 * verification is counted per session (one entry, updated), not per click.
 */
export type AuditAction =
  | 'status'
  | 'import'
  | 'export'
  | 'restore'
  | 'verification'
  | 'comment'
  | 'reply'
  | 'resolve'
  | 'reopen-comment'
  | 'missed'
  | 'missed-cleared';

export interface AuditEntry {
  action: AuditAction;
  user: string;
  role: string;
  /** ISO 8601 instant. */
  at: string;
  /** Status steps: from and to. */
  from?: ReviewStatus;
  to?: ReviewStatus;
  /** The note given with a status step. */
  note?: string;
  /** Imports: the file's name. */
  file?: string;
  /** Exports: the format. */
  format?: string;
  /** Restores: the version's id. */
  revision?: number;
  /** Verification: (label, slice) regions marked verified and marked not verified in the session. */
  verified?: number;
  rejected?: number;
  /** Comment actions: the thread's id. */
  comment?: string;
  /** Missed-structure flags: the (label, slice) flagged or cleared, and the reason of a flag. */
  labelId?: number;
  slice?: number;
  reason?: string;
  /** Approval with review items still open (counts at that moment), approved anyway with a note. */
  open?: OpenCounts;
}

/** Outlines still rejected (not corrected since), not yet verified, and slices flagged as missed. */
export interface OpenCounts {
  rejected: number;
  unverified: number;
  missed: number;
}

/**
 * A reviewer's flag on a (label, slice) that has no outline although the
 * structure is there: the model (or the annotator) missed it. Kept like a
 * rejection — who, when, why — until an outline is drawn there or someone
 * clears it.
 */
export interface MissedFlag {
  labelId: number;
  /** Slice index in the series. */
  slice: number;
  user: string;
  role: string;
  /** ISO 8601 instant. */
  at: string;
  /** One of the reject reasons (`missed-structure` unless the reviewer chose another). */
  reason: string;
  note?: string;
}

export interface ReviewRecord {
  status: ReviewStatus;
  audit: AuditEntry[];
  comments: CommentThread[];
  activeTime: ActiveTime;
  /** Missed-structure flags, by label then slice; absent when there are none (as in records from before them). */
  missed?: MissedFlag[];
}

export function emptyReview(): ReviewRecord {
  return { status: 'draft', audit: [], comments: [], activeTime: emptyActiveTime() };
}

/**
 * A stored (or missing) record as a ReviewRecord: records written before
 * reviews existed (`{}`) load as draft, and records from before missed flags
 * as having none; a malformed flag is left out.
 */
export function parseReview(value: unknown): ReviewRecord {
  const v = (value && typeof value === 'object' ? value : {}) as Partial<Record<keyof ReviewRecord, unknown>>;
  const audit = Array.isArray(v.audit)
    ? (v.audit as AuditEntry[]).filter((e) => e && typeof e === 'object' && typeof e.action === 'string' && typeof e.at === 'string').map((e) => ({ ...e }))
    : [];
  return {
    status: isReviewStatus(v.status) ? v.status : 'draft',
    audit,
    comments: parseComments(v.comments),
    activeTime: parseActiveTime(v.activeTime),
    ...withMissed(parseMissed(v.missed)),
  };
}

/** `{ missed }` when there are flags, else nothing: a record without flags looks as it always did. */
export function withMissed(missed: MissedFlag[]): { missed?: MissedFlag[] } {
  return missed.length ? { missed } : {};
}

function parseMissed(value: unknown): MissedFlag[] {
  if (!Array.isArray(value)) return [];
  const out: MissedFlag[] = [];
  const seen = new Set<string>();
  for (const f of value as Partial<MissedFlag>[]) {
    if (!f || typeof f !== 'object' || !Number.isInteger(f.labelId) || !Number.isInteger(f.slice) || (f.slice as number) < 0) continue;
    if (typeof f.at !== 'string' || typeof f.user !== 'string') continue;
    const key = `${f.labelId}:${f.slice}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      labelId: f.labelId as number,
      slice: f.slice as number,
      user: f.user,
      role: typeof f.role === 'string' ? f.role : '',
      at: f.at,
      reason: typeof f.reason === 'string' && f.reason ? f.reason : 'missed-structure',
      ...(typeof f.note === 'string' && f.note ? { note: f.note } : {}),
    });
  }
  return sortMissed(out);
}

/** Flags in label, then slice order. */
export function sortMissed(flags: MissedFlag[]): MissedFlag[] {
  return flags.sort((a, b) => a.labelId - b.labelId || a.slice - b.slice);
}

/**
 * The record as the provenance of an export carries it: status, the audit
 * trail without free text (notes and comments may name people or patients),
 * comment counts, and active time in seconds. Person names stay under `user`
 * and instants under `at`, so de-identification (`deidentify-json.ts`)
 * pseudonymises and removes or shifts them like the rest.
 */
export function reviewProvenance(r: ReviewRecord): JsonValue {
  const seconds = (ms: number) => Math.round(ms) / 1000;
  const audit: JsonValue[] = r.audit.map((e) => {
    const { note: _note, ...rest } = e;
    return { ...rest } as unknown as { [key: string]: JsonValue };
  });
  const resolved = r.comments.filter((c) => c.resolved).length;
  return {
    status: r.status,
    audit: audit as JsonValue[],
    // Exported like rejections (region-provenance.ts): where, why, who and when; the free-text note stays here.
    missed: (r.missed ?? []).map((f) => ({ labelId: f.labelId, slice: f.slice, reason: f.reason, user: f.user, at: f.at })),
    comments: { threads: r.comments.length, open: r.comments.length - resolved, resolved, replies: r.comments.reduce((n, c) => n + c.replies.length, 0) },
    activeTime: {
      idleGapSeconds: IDLE_GAP_MS / 1000,
      totalSeconds: seconds(r.activeTime.totalMs),
      byLabel: Object.entries(r.activeTime.byLabel).map(([id, ms]) => ({ labelId: Number(id), seconds: seconds(ms) })),
      bySlice: Object.entries(r.activeTime.bySlice).map(([k, ms]) => ({ slice: Number(k), seconds: seconds(ms) })),
    },
  };
}
