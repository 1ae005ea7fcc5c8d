/**
 * Active editing time: the expert's time on a document, per label and per
 * slice, without the pauses. Each activity (an edit, a pointer press or a
 * key while editing) adds the time since the previous activity, when that
 * gap is at most `IDLE_GAP_MS`; a longer gap counts as idle and adds
 * nothing. The gap is booked to the label and slice of the activity that
 * ends it (the time spent getting to that edit). The first activity of a
 * session adds nothing, so a session's time starts with its second activity.
 * Totals accumulate across sessions in the stored record.
 */

/** A gap between two activities longer than this (60 s) is idle time, not work. */
export const IDLE_GAP_MS = 60_000;

/** Milliseconds of active time; label ids and slice indices as object keys (JSON-safe). */
export interface ActiveTime {
  totalMs: number;
  byLabel: Record<string, number>;
  bySlice: Record<string, number>;
}

export function emptyActiveTime(): ActiveTime {
  return { totalMs: 0, byLabel: {}, bySlice: {} };
}

/** The clock of one session: remembers the previous activity, and books gaps into an `ActiveTime`. */
export class ActivityClock {
  private last: number | undefined;

  constructor(readonly idleGapMs: number = IDLE_GAP_MS) {
    if (!(idleGapMs > 0)) throw new RangeError(`idle gap must be positive, not ${idleGapMs}`);
  }

  /**
   * One activity at `now` (ms) on (label, slice); adds the active part of the
   * gap since the previous one to `time` and returns it (0 when idle or first).
   * A clock that goes backwards adds nothing and restarts from `now`.
   */
  activity(time: ActiveTime, now: number, labelId: number, slice: number): number {
    const last = this.last;
    this.last = now;
    if (last === undefined) return 0;
    const gap = now - last;
    if (gap <= 0 || gap > this.idleGapMs) return 0;
    time.totalMs += gap;
    time.byLabel[labelId] = (time.byLabel[labelId] ?? 0) + gap;
    time.bySlice[slice] = (time.bySlice[slice] ?? 0) + gap;
    return gap;
  }

  /** Forgets the previous activity (a new session, or the document was switched). */
  reset(): void {
    this.last = undefined;
  }
}

/** Checks a stored value's shape; anything else becomes empty (never a crash on old or damaged records). */
export function parseActiveTime(value: unknown): ActiveTime {
  const v = value as Partial<ActiveTime> | null | undefined;
  const map = (m: unknown): Record<string, number> => {
    const out: Record<string, number> = {};
    if (m && typeof m === 'object') {
      for (const [k, n] of Object.entries(m)) if (typeof n === 'number' && Number.isFinite(n) && n >= 0) out[k] = n;
    }
    return out;
  };
  const total = typeof v?.totalMs === 'number' && Number.isFinite(v.totalMs) && v.totalMs >= 0 ? v.totalMs : 0;
  return { totalMs: total, byLabel: map(v?.byLabel), bySlice: map(v?.bySlice) };
}
