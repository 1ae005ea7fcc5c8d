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
export type AuditAction = 'status' | 'import' | 'export' | 'restore' | 'verification' | 'comment' | 'reply' | 'resolve' | 'reopen-comment';

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
}

export interface ReviewRecord {
  status: ReviewStatus;
  audit: AuditEntry[];
  comments: CommentThread[];
  activeTime: ActiveTime;
}

export function emptyReview(): ReviewRecord {
  return { status: 'draft', audit: [], comments: [], activeTime: emptyActiveTime() };
}

/** A stored (or missing) record as a ReviewRecord: records written before reviews existed (`{}`) load as draft. */
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
  };
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
    return { ...rest } as { [key: string]: JsonValue };
  });
  const resolved = r.comments.filter((c) => c.resolved).length;
  return {
    status: r.status,
    audit,
    comments: { threads: r.comments.length, open: r.comments.length - resolved, resolved, replies: r.comments.reduce((n, c) => n + c.replies.length, 0) },
    activeTime: {
      idleGapSeconds: IDLE_GAP_MS / 1000,
      totalSeconds: seconds(r.activeTime.totalMs),
      byLabel: Object.entries(r.activeTime.byLabel).map(([id, ms]) => ({ labelId: Number(id), seconds: seconds(ms) })),
      bySlice: Object.entries(r.activeTime.bySlice).map(([k, ms]) => ({ slice: Number(k), seconds: seconds(ms) })),
    },
  };
}
