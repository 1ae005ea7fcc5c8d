/**
 * The one mutation path of a document's review record: status steps (checked
 * by the workflow), comments, audit entries and active time. Listeners hear
 * every change (to redraw, store, tell the host); the state never renders or
 * stores by itself.
 */
import { ActivityClock } from './active-time.js';
import { addReply, createComment, setResolved, type Actor, type CommentThread, type NewComment } from './comments.js';
import { emptyReview, sortMissed, withMissed, type AuditEntry, type MissedFlag, type OpenCounts, type ReviewRecord } from './record.js';
import { checkStep, type ReviewStatus } from './workflow.js';

/** What changed: `loaded` (a stored record replaced this one; nothing to store), else an edit of the record. */
/** What changed in the record; 'export' is an export's audit entry, the one audit entry that comes with no other change. */
export type ReviewChangeKind = 'loaded' | 'status' | 'comment' | 'audit' | 'export' | 'time' | 'missed';

/** A status step, as `segmark-status` reports it. */
export interface StatusStep {
  status: ReviewStatus;
  previous: ReviewStatus;
  user: string;
  role: string;
  at: string;
  note?: string;
}

let idCounter = 0;

export class ReviewState {
  #record: ReviewRecord = emptyReview();
  readonly #listeners = new Set<(kind: ReviewChangeKind) => void>();
  readonly #clock: ActivityClock;
  /** The verification entry of this session, updated as verifications come. */
  #session: AuditEntry | undefined;

  /** @param now the clock (ms since the epoch), for tests. */
  constructor(private readonly now: () => number = () => Date.now(), idleGapMs?: number) {
    this.#clock = new ActivityClock(idleGapMs);
  }

  get status(): ReviewStatus {
    return this.#record.status;
  }

  get record(): Readonly<ReviewRecord> {
    return this.#record;
  }

  /** A deep copy, structured-clone and JSON safe. */
  snapshot(): ReviewRecord {
    return structuredClone(this.#record);
  }

  subscribe(listener: (kind: ReviewChangeKind) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes a stored record (or a fresh one); the session's clock and verification counts start again. */
  load(record: ReviewRecord): void {
    this.#record = structuredClone(record);
    this.#clock.reset();
    this.#session = undefined;
    this.emit('loaded');
  }

  /**
   * Moves the status; throws `review-step-refused` when the actor's role may
   * not. `open`: the review items still open at an approval (the caller
   * checked them and the user approved anyway), kept in the audit entry.
   */
  setStatus(to: ReviewStatus, actor: Actor, note?: string, open?: OpenCounts): StatusStep {
    const previous = this.#record.status;
    checkStep(previous, to, actor.role);
    const at = this.iso();
    const trimmed = note?.trim();
    this.#record.status = to;
    this.#record.audit.push({
      action: 'status',
      user: actor.user,
      role: actor.role,
      at,
      from: previous,
      to,
      ...(trimmed ? { note: trimmed } : {}),
      ...(open ? { open: { ...open } } : {}),
    });
    this.emit('status');
    return { status: to, previous, user: actor.user, role: actor.role, at, ...(trimmed ? { note: trimmed } : {}) };
  }

  /** Records an import, export or restore. */
  log(actor: Actor, entry: Pick<AuditEntry, 'action' | 'file' | 'format' | 'revision'>): void {
    this.#record.audit.push({ ...entry, user: actor.user, role: actor.role, at: this.iso() });
    this.emit(entry.action === 'export' ? 'export' : 'audit');
  }

  /** Counts one region marked verified (or not verified) into this session's entry. */
  verification(actor: Actor, verified: boolean): void {
    let s = this.#session;
    if (!s || s.user !== actor.user) {
      s = { action: 'verification', user: actor.user, role: actor.role, at: this.iso(), verified: 0, rejected: 0 };
      this.#session = s;
      this.#record.audit.push(s);
    }
    if (verified) s.verified = (s.verified ?? 0) + 1;
    else s.rejected = (s.rejected ?? 0) + 1;
    this.emit('audit');
  }

  /** The missed-structure flag on (label, slice), if any. */
  missedAt(labelId: number, slice: number): MissedFlag | undefined {
    return this.#record.missed?.find((f) => f.labelId === labelId && f.slice === slice);
  }

  /** Flags (label, slice) as a missed structure (replacing an earlier flag there), with who, when and why. */
  flagMissed(actor: Actor, labelId: number, slice: number, reason: string, note?: string): MissedFlag {
    if (!Number.isInteger(labelId) || !Number.isInteger(slice) || slice < 0) throw new RangeError(`no place (${labelId}, ${slice})`);
    const at = this.iso();
    const trimmed = note?.trim();
    const flag: MissedFlag = { labelId, slice, user: actor.user, role: actor.role, at, reason: reason || 'missed-structure', ...(trimmed ? { note: trimmed } : {}) };
    const others = (this.#record.missed ?? []).filter((f) => f.labelId !== labelId || f.slice !== slice);
    this.#record.missed = sortMissed([...others, flag]);
    this.#record.audit.push({ action: 'missed', user: actor.user, role: actor.role, at, labelId, slice, reason: flag.reason });
    this.emit('missed');
    return flag;
  }

  /** Clears the flag on (label, slice) — un-flagged, or an outline was drawn there; false when there was none. */
  clearMissed(actor: Actor, labelId: number, slice: number): boolean {
    if (!this.missedAt(labelId, slice)) return false;
    const { missed: _old, ...rest } = this.#record;
    this.#record = { ...rest, ...withMissed((this.#record.missed ?? []).filter((f) => f.labelId !== labelId || f.slice !== slice)) };
    this.#record.audit.push({ action: 'missed-cleared', user: actor.user, role: actor.role, at: this.iso(), labelId, slice });
    this.emit('missed');
    return true;
  }

  addComment(actor: Actor, comment: NewComment): CommentThread {
    const thread = createComment(actor, comment, newId(), this.iso());
    this.#record.comments = [...this.#record.comments, thread];
    this.#record.audit.push({ action: 'comment', user: actor.user, role: actor.role, at: thread.at, comment: thread.id });
    this.emit('comment');
    return thread;
  }

  reply(actor: Actor, threadId: string, text: string): void {
    const at = this.iso();
    this.#record.comments = addReply(this.#record.comments, threadId, actor, text, newId(), at);
    this.#record.audit.push({ action: 'reply', user: actor.user, role: actor.role, at, comment: threadId });
    this.emit('comment');
  }

  resolve(actor: Actor, threadId: string, resolved: boolean): void {
    const at = this.iso();
    this.#record.comments = setResolved(this.#record.comments, threadId, resolved, actor, at);
    this.#record.audit.push({ action: resolved ? 'resolve' : 'reopen-comment', user: actor.user, role: actor.role, at, comment: threadId });
    this.emit('comment');
  }

  /** An editing activity on (label, slice); returns the active milliseconds it added. */
  activity(labelId: number, slice: number): number {
    const added = this.#clock.activity(this.#record.activeTime, this.now(), labelId, slice);
    if (added > 0) this.emit('time');
    return added;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private emit(kind: ReviewChangeKind): void {
    for (const l of this.#listeners) l(kind);
  }
}

function newId(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2);
  return `${Date.now().toString(36)}-${(++idCounter).toString(36)}-${random.slice(0, 8)}`;
}
