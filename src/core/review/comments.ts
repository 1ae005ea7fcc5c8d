/**
 * Comments pinned to a point of a slice (pixel coordinates, as regions use),
 * with replies, resolved and reopened by anyone who may comment. The
 * functions return new arrays and threads and never change their input, so
 * a stored or shown list stays as it was.
 */

/** Who did something, as the host page names them. */
export interface Actor {
  readonly user: string;
  readonly role: string;
}

export interface CommentReply {
  id: string;
  user: string;
  role: string;
  /** ISO 8601 instant. */
  at: string;
  text: string;
}

export interface CommentThread {
  id: string;
  /** 0-based slice index. */
  slice: number;
  /** Pixel coordinates on the slice (continuous; pixel (c, r) covers [c, c+1) × [r, r+1)). */
  x: number;
  y: number;
  user: string;
  role: string;
  at: string;
  text: string;
  resolved: boolean;
  /** Who resolved or reopened it last, and when. */
  resolvedBy?: string;
  resolvedAt?: string;
  replies: CommentReply[];
}

export interface NewComment {
  slice: number;
  x: number;
  y: number;
  text: string;
}

/** Comment texts longer than this are cut (a note, not a report). */
export const MAX_COMMENT_LENGTH = 2000;

/** A new thread; throws RangeError for an empty text or a point that is not finite. */
export function createComment(actor: Actor, c: NewComment, id: string, at: string): CommentThread {
  const text = cleanText(c.text);
  if (!Number.isInteger(c.slice) || c.slice < 0) throw new RangeError(`slice must be a non-negative integer, not ${c.slice}`);
  if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) throw new RangeError('a comment needs a finite point');
  return { id, slice: c.slice, x: c.x, y: c.y, user: actor.user, role: actor.role, at, text, resolved: false, replies: [] };
}

/** The list with a reply added to thread `threadId`; throws RangeError when there is no such thread. */
export function addReply(threads: readonly CommentThread[], threadId: string, actor: Actor, text: string, id: string, at: string): CommentThread[] {
  const reply: CommentReply = { id, user: actor.user, role: actor.role, at, text: cleanText(text) };
  return update(threads, threadId, (t) => ({ ...t, replies: [...t.replies, reply] }));
}

/** The list with thread `threadId` resolved (or reopened); throws RangeError when there is no such thread. */
export function setResolved(threads: readonly CommentThread[], threadId: string, resolved: boolean, actor: Actor, at: string): CommentThread[] {
  return update(threads, threadId, (t) => ({ ...t, resolved, resolvedBy: actor.user, resolvedAt: at }));
}

/** Open threads first, then by slice, then by time. */
export function sortComments(threads: readonly CommentThread[]): CommentThread[] {
  return [...threads].sort((a, b) => Number(a.resolved) - Number(b.resolved) || a.slice - b.slice || a.at.localeCompare(b.at));
}

/** Checks stored threads' shape; malformed ones are dropped rather than crash a load. */
export function parseComments(value: unknown): CommentThread[] {
  if (!Array.isArray(value)) return [];
  const str = (v: unknown): v is string => typeof v === 'string';
  return value.filter(
    (t): t is CommentThread =>
      !!t &&
      typeof t === 'object' &&
      str(t.id) &&
      Number.isInteger(t.slice) &&
      Number.isFinite(t.x) &&
      Number.isFinite(t.y) &&
      str(t.user) &&
      str(t.at) &&
      str(t.text) &&
      typeof t.resolved === 'boolean' &&
      Array.isArray(t.replies),
  ).map((t) => ({ ...t, role: str(t.role) ? t.role : '', replies: t.replies.filter((r) => r && str(r.id) && str(r.text) && str(r.at) && str(r.user)) }));
}

function update(threads: readonly CommentThread[], id: string, f: (t: CommentThread) => CommentThread): CommentThread[] {
  const i = threads.findIndex((t) => t.id === id);
  if (i < 0) throw new RangeError(`no comment ${id}`);
  return threads.map((t, j) => (j === i ? f(t) : t));
}

function cleanText(text: string): string {
  const t = String(text ?? '').trim();
  if (!t) throw new RangeError('a comment needs text');
  return t.slice(0, MAX_COMMENT_LENGTH);
}
