/**
 * The annotation document: the series it belongs to, its labels, and one
 * region per (label, slice) with flags saying where the region came from.
 *
 * One mutation path (STYLE 9): state is read through getters and changed only
 * by the methods below, each of which records a delta in the history and then
 * announces `{ labelId, slice, kind }` to subscribers (`slice` is null when a
 * label as a whole changed). The document never renders.
 *
 * Labels do not overlap (ARCHITECTURE "One source of truth"): committing a
 * region for one label cuts it from the other labels on that slice
 * (`paintMode` 'over-others'), or trims the new region to the background
 * ('background-only'). Locked labels are never cut, in either mode. Polygon
 * booleans come from an injected `RegionOps`, so this file does not depend on
 * the clipping library.
 */
import { copySegmentCode } from './codes.js';
import {
  DOCUMENT_SCHEMA_VERSION,
  REJECT_REASONS,
  boundsOf,
  deltaBytes,
  copyMeta,
  makeEntry,
  overlaps,
  ownRegion,
  parseMeta,
  parseSnapshot,
  reviewStateOf,
  sameEntry,
  sameRegion,
  validateSeries,
  type AnnotationChange,
  type Bounds,
  type ChangeKind,
  type Delta,
  type DocumentSnapshot,
  type Entry,
  type LabelFields,
  type PaintMode,
  type RegionChangeKind,
  type RegionMeta,
  type RegionOps,
  type RegionOrigin,
  type RegionProvenance,
  type RegionReview,
  type RejectReason,
  type ReviewState,
  type SeriesIdentity,
  type SetRegionOptions,
  type SliceFlags,
} from './document-data.js';
import { History, type HistoryOptions } from './history.js';
import { SegmarkError } from '../errors.js';
import { createLabel, getLabel, indexOfLabel, insertLabel, localizeLabel, removeLabel, updateLabel } from './labels.js';
import type { Locale } from '../text.js';
import type { Label, LabelPatch } from './labels.js';
import { editedBy, madeBy, withEditor } from './provenance.js';
import { EMPTY_REGION, type Region } from './region.js';

export { DOCUMENT_SCHEMA_VERSION, REJECT_REASONS };
export type {
  AnnotationChange,
  ChangeKind,
  DocumentSnapshot,
  PaintMode,
  RegionChangeKind,
  RegionOps,
  RegionOrigin,
  RegionProvenance,
  RegionReview,
  RejectReason,
  ReviewState,
  SeriesIdentity,
  SetRegionOptions,
  SliceFlags,
};

/** A (label, slice) that changed; slice null when the label as a whole changed. */
export interface ChangedPair {
  readonly labelId: number;
  readonly slice: number | null;
}

export interface DocumentOptions {
  series: SeriesIdentity;
  ops: RegionOps;
  labels?: readonly Label[];
  paintMode?: PaintMode;
  history?: HistoryOptions;
  /** The person whose edits and reviews are recorded (see `user`). */
  user?: string;
  /** The interface language, which names template labels the user has not renamed (see `locale`). */
  locale?: Locale;
  /** Milliseconds since the epoch, for review times; default `Date.now`. */
  clock?: () => number;
}

/** What a reviewer decides on a (label, slice); a rejection says why. */
export interface ReviewDecision {
  state: ReviewState;
  /** Rejected: from the short list (default 'other'). */
  reason?: RejectReason;
  /** Rejected: free text. */
  note?: string;
}

const VERB: Record<RegionChangeKind, string> = {
  draw: 'Draw', erase: 'Erase', edit: 'Edit', interpolate: 'Interpolate', import: 'Import', assist: 'Assist',
};
const DEFAULT_ORIGIN: Record<RegionChangeKind, RegionOrigin> = {
  draw: 'drawn', erase: 'drawn', edit: 'drawn', interpolate: 'interpolated', import: 'imported', assist: 'assisted',
};
const PERSON_KINDS: ReadonlySet<RegionChangeKind> = new Set(['draw', 'erase', 'edit']);
/** Label fields that only change the view: announced but not undo steps, so undo undoes work, not looks. */
const VIEW_FIELDS: ReadonlySet<string> = new Set(['visible', 'opacity', 'display']);

export class AnnotationDocument {
  readonly series: SeriesIdentity;
  readonly #ops: RegionOps;
  readonly #history: History<Delta>;
  #labels: readonly Label[] = Object.freeze([]);
  readonly #regions = new Map<number, Map<number, Entry>>();
  readonly #listeners = new Set<(change: AnnotationChange) => void>();
  #pending: AnnotationChange[] = [];
  /** The record beside the regions as a replayed 'record' delta left it, until announced. */
  #pendingRecord: { value: unknown } | undefined;
  readonly #recordListeners = new Set<(record: unknown) => void>();
  #revision = 0;
  /** What the latest revision changed: (label, slice) pairs, slice null for a label as a whole. */
  #lastChanged: readonly ChangedPair[] = Object.freeze([]);
  /** The next revision is at least this (opening a document adopts its count when it is higher). */
  #revisionFloor = 0;
  #replay: 'undo' | 'redo' = 'undo';
  #paintMode: PaintMode = 'over-others';
  #user = '';
  #locale: Locale = 'en';
  /** The labels as shown (template names in `#locale`), kept until the list or the language changes. */
  #shown: { from: readonly Label[]; locale: Locale; labels: readonly Label[] } | undefined;
  readonly #clock: () => number;

  constructor(options: DocumentOptions) {
    this.series = validateSeries(options.series);
    this.#ops = options.ops;
    this.user = options.user ?? '';
    this.#locale = options.locale ?? 'en';
    this.#clock = options.clock ?? Date.now;
    this.paintMode = options.paintMode ?? 'over-others';
    for (const label of options.labels ?? []) this.#labels = insertLabel(this.#labels, label);
    this.#history = new History<Delta>(
      { apply: (d) => this.#play(d, true), revert: (d) => this.#play(d, false), sizeOf: deltaBytes },
      options.history,
    );
  }

  // ── reading ────────────────────────────────────────────────────────────

  /** The labels in display order, as the interface shows and exports them (template names in `locale`). */
  get labels(): readonly Label[] {
    const shown = this.#shown;
    if (shown && shown.from === this.#labels && shown.locale === this.#locale) return shown.labels;
    const labels = Object.freeze(this.#labels.map((l) => localizeLabel(l, this.#locale)));
    this.#shown = { from: this.#labels, locale: this.#locale, labels };
    return labels;
  }
  get paintMode(): PaintMode { return this.#paintMode; }
  /** A setting, not an edit: neither recorded nor announced. */
  set paintMode(mode: PaintMode) {
    if (mode !== 'over-others' && mode !== 'background-only') throw new RangeError(`paint mode ${String(mode)}`);
    this.#paintMode = mode;
  }
  /**
   * The person working on the document (the annotator's `user`): named as who
   * drew, edited, imported or reviewed what they touch from now on. A
   * setting, neither recorded nor announced.
   */
  get user(): string { return this.#user; }
  set user(name: string) {
    if (typeof name !== 'string') throw new TypeError('user must be a string');
    this.#user = name;
  }
  /**
   * The interface language. Template labels the user has not renamed are
   * named in it — on screen, in `snapshot()` and so in every export. A
   * setting, not an edit: not recorded; labels whose name changes are
   * announced (kind 'label') so views redraw.
   */
  get locale(): Locale { return this.#locale; }
  set locale(locale: Locale) {
    if (locale === this.#locale) return;
    const before = this.labels;
    this.#locale = locale;
    this.labels.forEach((l, i) => {
      if (l.name !== before[i]!.name) this.#pending.push({ labelId: l.id, slice: null, kind: 'label' });
    });
    // A language is a view of the document, not a change of it: no new revision.
    this.#flush(false);
  }
  /**
   * How many changes the document has had: one more after every change that
   * is announced (an edit, a label change, a verification, an undo or redo, a
   * restore) and after `noteRecordChange`; never less. Carried by `snapshot()`
   * and restored by `fromSnapshot`, so it survives storing and reloading.
   */
  get revision(): number { return this.#revision; }
  /** The (label, slice) pairs the latest revision changed (empty when only the record beside them did). */
  get lastChanged(): readonly ChangedPair[] { return this.#lastChanged; }
  /**
   * The record kept beside the regions (the review record: status, comments,
   * audit) changed: a new revision that changed no region. Returns it.
   */
  noteRecordChange(): number {
    this.#revision++;
    this.#lastChanged = Object.freeze([]);
    return this.#revision;
  }
  /**
   * Calls `listener` with the record beside the regions when a 'record' delta
   * (from `restore` with a record) is applied, undone or redone; the owner
   * puts that record in place. Returns the unsubscribe function.
   */
  subscribeRecord(listener: (record: unknown) => void): () => void {
    this.#recordListeners.add(listener);
    return () => void this.#recordListeners.delete(listener);
  }
  get canUndo(): boolean { return this.#history.canUndo; }
  get canRedo(): boolean { return this.#history.canRedo; }
  get undoLabel(): string | undefined { return this.#history.undoCommand?.label; }
  get redoLabel(): string | undefined { return this.#history.redoCommand?.label; }
  get historyBytes(): number { return this.#history.bytes; }

  label(id: number): Label | undefined { return this.labels.find((l) => l.id === id); }

  /** The region of (label, slice), deeply frozen; EMPTY_REGION when there is none. */
  regionAt(labelId: number, slice: number): Region { return this.#entry(labelId, slice)?.region ?? EMPTY_REGION; }

  flagsAt(labelId: number, slice: number): SliceFlags | undefined {
    const e = this.#entry(labelId, slice);
    return e ? { origin: e.origin, verified: e.verified } : undefined;
  }

  /** Verified, unverified or rejected; undefined where (label, slice) has no region. */
  reviewStateAt(labelId: number, slice: number): ReviewState | undefined {
    const e = this.#entry(labelId, slice);
    return e ? reviewStateOf(e) : undefined;
  }

  /** Who or what made the region, and the latest review decision on it (plain copies). */
  metaAt(labelId: number, slice: number): RegionMeta | undefined {
    const e = this.#entry(labelId, slice);
    return e ? copyMeta(e) : undefined;
  }

  /** The region's bounding box [x0, y0, x1, y1] in pixel coordinates, or undefined where there is none. */
  boundsAt(labelId: number, slice: number): Bounds | undefined {
    return this.#entry(labelId, slice)?.bounds;
  }

  /** How many (label, slice) regions there are (of one label, or all), and how many are verified and rejected. */
  regionCounts(labelId?: number): { regions: number; verified: number; rejected: number } {
    let regions = 0;
    let verified = 0;
    let rejected = 0;
    const maps = labelId === undefined ? [...this.#regions.values()] : [this.#regions.get(labelId) ?? new Map<number, Entry>()];
    for (const slices of maps) {
      for (const e of slices.values()) {
        regions++;
        const state = reviewStateOf(e);
        if (state === 'verified') verified++;
        else if (state === 'rejected') rejected++;
      }
    }
    return { regions, verified, rejected };
  }

  /** Slices where the label has a region, ascending. */
  slicesOf(labelId: number): number[] {
    return [...(this.#regions.get(labelId)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Labels with a region on the slice, in label order. */
  labelsOnSlice(slice: number): number[] {
    return this.#labels.filter((l) => this.#regions.get(l.id)?.has(slice)).map((l) => l.id);
  }

  /** Calls `listener` after every change, once the state is whole; returns the unsubscribe function. */
  subscribe(listener: (change: AnnotationChange) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  // ── regions ────────────────────────────────────────────────────────────

  /**
   * Sets the whole region of (label, slice) — the one way regions change.
   * Applies the non-overlap rule, records one undo step (or joins the open
   * stroke), and announces every (label, slice) it touched.
   *
   * Provenance: a draw, edit or erase is the user's — a new region is theirs
   * (`by`); over an existing one it becomes 'drawn', keeps who or what made
   * it, adds the user to `editedBy` and, over machine work, records
   * `editedFrom`. Interpolate, import and assist take `options.provenance`
   * (file, algorithm, an assisted method's parameters) with the user as `by`. An edit made on a sagittal or coronal
   * view passes `options.drawnOn` (see `RegionProvenance.drawnOn`). Every
   * change starts unverified with no review decision, corrections during
   * review included: the corrected shape is one nobody has checked yet, and
   * accepting it is one key (V).
   */
  setRegion(labelId: number, slice: number, region: Region, options: SetRegionOptions): void {
    const label = this.#editable(labelId);
    this.#checkSlice(slice);
    if (!Object.hasOwn(VERB, options.kind)) throw new RangeError(`region change kind ${String(options.kind)}`);
    // What is stored must load again: the given provenance passes the snapshot's checks.
    if (options.provenance !== undefined) parseMeta({ provenance: options.provenance }, (why) => { throw new RangeError(why); });
    let wanted = ownRegion(region);
    const others = this.#labels.filter((l) => l.id !== labelId && this.#entry(l.id, slice));
    if (!this.#ops.isEmpty(wanted)) {
      // Locked labels, and in background-only mode all others, are kept out of the new region.
      const box = boundsOf(wanted);
      let guard: Region | undefined;
      for (const l of others) {
        const e = this.#entry(l.id, slice)!;
        if (!(l.locked || this.#paintMode === 'background-only') || !overlaps(e.bounds, box)) continue;
        guard = guard ? this.#ops.union(guard, e.region) : e.region;
      }
      if (guard) wanted = ownRegion(this.#ops.difference(wanted, guard));
    }
    const empty = this.#ops.isEmpty(wanted);
    const origin = options.origin ?? DEFAULT_ORIGIN[options.kind];
    const before = this.#entry(labelId, slice);
    const verified = options.verified ?? false;
    // An edit is a new shape nobody has checked: it starts unverified, with no review decision.
    const meta: RegionMeta = {
      provenance: PERSON_KINDS.has(options.kind) ? editedBy(this.#user, before, options.drawnOn) : madeBy(this.#user, options.provenance),
      ...(verified ? { review: this.#decision('verified') } : {}),
    };
    const after = empty ? undefined : makeEntry(wanted, origin, verified, meta);
    this.#history.begin(options.label ?? `${VERB[options.kind]} ${label.name}`);
    try {
      if (!sameEntry(before, after)) this.#change({ type: 'region', labelId, slice, before, after }, options.kind);
      if (after && this.#paintMode === 'over-others') {
        for (const l of others) {
          const e = this.#entry(l.id, slice)!;
          if (l.locked || !overlaps(e.bounds, after.bounds)) continue;
          const cut = ownRegion(this.#ops.difference(e.region, after.region));
          if (sameRegion(cut, e.region)) continue;
          // The cut shape is no longer what anyone checked: it needs verifying again.
          const next = this.#ops.isEmpty(cut) ? undefined : makeEntry(cut, e.origin, false, { provenance: withEditor(e.provenance, this.#user) });
          this.#change({ type: 'region', labelId: l.id, slice, before: e, after: next }, options.kind);
        }
      }
    } finally {
      this.#history.commit();
      this.#flush();
    }
  }

  /** Marks the region of (label, slice) as checked by a person, or not. */
  setVerified(labelId: number, slice: number, verified: boolean): void {
    this.setReview(labelId, slice, { state: verified ? 'verified' : 'unverified' });
  }

  /**
   * Records a reviewer's decision on (label, slice) — verified, unverified or
   * rejected with a reason — with the document's user and the time, as one
   * undo step (or part of the open one), announced as 'verify'. Deciding what
   * is already decided (same state, reason and note) changes nothing.
   */
  setReview(labelId: number, slice: number, decision: ReviewDecision): void {
    const label = this.#editable(labelId);
    const before = this.#entry(labelId, slice);
    if (!before) {
      throw new SegmarkError('invalid-region', `label ${labelId} has no region on slice ${slice}`, { params: { labelId, slice } });
    }
    const { state } = decision;
    if (state !== 'verified' && state !== 'unverified' && state !== 'rejected') throw new RangeError(`review state ${String(state)}`);
    const reason = state === 'rejected' ? (decision.reason ?? 'other') : undefined;
    const note = state === 'rejected' ? decision.note?.trim() || undefined : undefined;
    const was = reviewStateOf(before);
    if (was === state && (state !== 'rejected' || (before.review?.reason === reason && before.review?.note === note))) return;
    const { review: _old, ...rest } = before;
    const review = state === 'unverified' ? undefined : this.#decision(state, reason, note);
    const after: Entry = Object.freeze({ ...rest, verified: state === 'verified', ...(review ? { review } : {}) });
    const text = state === 'verified' ? 'Mark verified' : state === 'rejected' ? `Reject ${label.name}` : 'Mark unverified';
    this.#change({ type: 'region', labelId, slice, before, after }, 'verify', text);
    this.#flush();
  }

  // ── strokes and history ────────────────────────────────────────────────

  /** Groups every change until `commitStroke` into one undo step. */
  beginStroke(label: string): void { this.#history.begin(label); }
  commitStroke(): void { this.#history.commit(); }
  /** Abandons the open stroke, restoring what it changed (announced as 'undo'). */
  cancelStroke(): void { this.#replaying('undo', () => this.#history.rollback()); }
  /** Reverts the last step; false (a no-op) at the start of history. */
  undo(): boolean { return this.#replaying('undo', () => this.#history.undo()); }
  /** Re-applies the last undone step; false (a no-op) at the end of history. */
  redo(): boolean { return this.#replaying('redo', () => this.#history.redo()); }

  // ── labels ─────────────────────────────────────────────────────────────

  /** Adds a label (next free id and unused colour unless given) at `index` (default: last). */
  addLabel(init: LabelPatch & { id?: number } = {}, index = this.#labels.length): Label {
    const label = createLabel(this.#labels, init);
    this.addLabels([label], `Add label ${label.name}`, index);
    return this.label(label.id)!;
  }

  /** Adds several labels (e.g. `labelsFromTemplate(...)`) as one undo step; refuses all if one id is taken. */
  addLabels(labels: readonly Label[], historyLabel = 'Add labels', index = this.#labels.length): void {
    let check = this.#labels;
    for (const l of labels) check = insertLabel(check, l);
    const at = Math.max(0, Math.min(this.#labels.length, Math.trunc(index)));
    this.#history.begin(historyLabel);
    try {
      labels.forEach((l, i) => {
        this.#change({ type: 'add-label', label: getLabel(check, l.id), index: at + i, entries: [] }, 'label');
      });
    } finally {
      this.#history.commit();
      this.#flush();
    }
  }

  /**
   * Changes a label's name, colour, code, lock or look. Changes to the look
   * alone (visible, opacity, display) are announced but are not undo steps.
   */
  updateLabel(id: number, patch: LabelPatch): Label {
    const current = getLabel(this.#labels, id);
    // The name shown is the one the user sees: giving it again is no rename; another name is.
    const shownName = this.label(id)!.name;
    let change: LabelPatch = patch;
    if (patch.name !== undefined && !('template' in patch)) {
      const { name, ...rest } = patch;
      change = name.trim() === shownName ? rest : current.template === undefined ? patch : { ...patch, template: undefined };
    }
    const next = getLabel(updateLabel(this.#labels, id, change), id);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of Object.keys(change) as (keyof LabelFields)[]) {
      if ((!(key in next) && key !== 'template') || JSON.stringify(current[key]) === JSON.stringify(next[key])) continue;
      before[key] = current[key];
      after[key] = next[key];
    }
    const keys = Object.keys(after);
    if (keys.length === 0) return this.label(id)!;
    const delta: Delta = { type: 'label', id, before: before as LabelFields, after: after as LabelFields };
    if (keys.every((k) => VIEW_FIELDS.has(k))) this.#play(delta, true, 'label');
    else this.#change(delta, 'label', `Change label ${current.name}`);
    this.#flush();
    return this.label(id)!;
  }

  /** Deletes a label and all its regions, as one undo step that restores both. Refused while locked. */
  deleteLabel(id: number): void {
    const label = this.#editable(id);
    const entries = [...(this.#regions.get(id) ?? [])].sort((a, b) => a[0] - b[0]);
    const index = indexOfLabel(this.#labels, id);
    this.#change({ type: 'remove-label', label, index, entries }, 'label', `Delete label ${label.name}`);
    this.#flush();
  }

  /** Moves a label to `toIndex` in the display order (clamped). */
  moveLabel(id: number, toIndex: number): void {
    const label = getLabel(this.#labels, id);
    const from = indexOfLabel(this.#labels, id);
    const to = Math.max(0, Math.min(this.#labels.length - 1, Math.trunc(toIndex)));
    if (from === to) return;
    this.#change({ type: 'move-label', id, from, to }, 'label', `Move label ${label.name}`);
    this.#flush();
  }

  // ── snapshots ──────────────────────────────────────────────────────────

  /**
   * The public `getDocument()` shape: plain data, detached from the document.
   * With `only`, just the regions it accepts (autosave copies what changed, not every ring).
   * It holds the content only, not `revision` (a count of changes, not part of
   * what the document says): undo gives back an equal snapshot. `fromSnapshot`
   * reads a `revision` when the snapshot has one (stored and exchanged documents do).
   */
  snapshot(only?: (labelId: number, slice: number) => boolean): DocumentSnapshot {
    const regions: DocumentSnapshot['regions'] = [];
    for (const l of this.#labels) {
      for (const slice of this.slicesOf(l.id)) {
        if (only && !only(l.id, slice)) continue;
        const e = this.#entry(l.id, slice)!;
        const rings = e.region.rings.map((r) => r.slice());
        regions.push({ labelId: l.id, slice, rings, origin: e.origin, verified: e.verified, ...copyMeta(e) });
      }
    }
    return {
      version: DOCUMENT_SCHEMA_VERSION,
      series: { ...this.series, sopInstanceUIDs: [...this.series.sopInstanceUIDs] },
      labels: this.labels.map((l) => ({
        id: l.id, name: l.name, color: [l.color[0], l.color[1], l.color[2]], code: copySegmentCode(l.code),
        opacity: l.opacity, visible: l.visible, locked: l.locked, display: l.display,
        ...(l.template !== undefined ? { template: l.template } : {}),
      })),
      regions,
      settings: { paintMode: this.#paintMode },
    };
  }

  /** Restores a snapshot exactly (the overlap rule is not re-applied), with an empty history. */
  static fromSnapshot(
    snapshot: DocumentSnapshot,
    ops: RegionOps,
    options: Pick<DocumentOptions, 'history' | 'user' | 'clock' | 'locale'> = {},
  ): AnnotationDocument {
    const { series, labels, paintMode, regions, revision } = parseSnapshot(snapshot);
    const doc = new AnnotationDocument({ series, ops, labels, paintMode, ...options });
    doc.#revision = revision;
    for (const r of regions) {
      getLabel(doc.#labels, r.labelId);
      doc.#checkSlice(r.slice);
      if (doc.#entry(r.labelId, r.slice)) {
        const params = { labelId: r.labelId, slice: r.slice };
        throw new SegmarkError('bad-snapshot', `two regions for label ${r.labelId} on slice ${r.slice}`, { params });
      }
      if (!ops.isEmpty(r.region)) doc.#set(r.labelId, r.slice, makeEntry(r.region, r.origin, r.verified, r), null);
    }
    return doc;
  }

  /**
   * Makes the document equal to `snapshot` (labels, their order and fields,
   * regions and their flags) as one undo step, so restoring an earlier
   * version can itself be undone. Locks do not stop it: it replaces the whole
   * document. The snapshot must be of this series.
   *
   * `options.record` replaces the record kept beside the regions in the same
   * step (see `subscribeRecord`); `options.revision` makes the new revision at
   * least that (opening a document adopts its count when it is higher).
   */
  restore(
    snapshot: DocumentSnapshot,
    historyLabel = 'Restore version',
    options: { record?: { before: unknown; after: unknown }; revision?: number } = {},
  ): void {
    const target = AnnotationDocument.fromSnapshot(snapshot, this.#ops);
    const a = target.series;
    const b = this.series;
    if (a.seriesInstanceUID !== b.seriesInstanceUID || a.slices !== b.slices || a.rows !== b.rows || a.columns !== b.columns) {
      throw new SegmarkError('bad-snapshot', 'the snapshot belongs to another series or geometry');
    }
    const wanted = new Map(target.#labels.map((l) => [l.id, l]));
    this.#history.begin(historyLabel);
    try {
      for (const label of this.#labels) {
        if (wanted.has(label.id)) continue;
        const entries = [...(this.#regions.get(label.id) ?? [])].sort((x, y) => x[0] - y[0]);
        this.#change({ type: 'remove-label', label, index: indexOfLabel(this.#labels, label.id), entries }, 'restore');
      }
      for (const label of target.#labels) {
        const current = this.#labels.find((l) => l.id === label.id);
        if (!current) {
          const entries = [...(target.#regions.get(label.id) ?? [])].sort((x, y) => x[0] - y[0]);
          this.#change({ type: 'add-label', label, index: this.#labels.length, entries }, 'restore');
          continue;
        }
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        for (const key of Object.keys(label) as (keyof Label)[]) {
          if (key === 'id' || JSON.stringify(current[key]) === JSON.stringify(label[key])) continue;
          before[key] = current[key];
          after[key] = label[key];
        }
        if (Object.keys(after).length) {
          this.#change({ type: 'label', id: label.id, before: before as LabelFields, after: after as LabelFields }, 'restore');
        }
        const slices = new Set([...(this.#regions.get(label.id)?.keys() ?? []), ...(target.#regions.get(label.id)?.keys() ?? [])]);
        for (const slice of [...slices].sort((x, y) => x - y)) {
          const was = this.#entry(label.id, slice);
          const now = target.#entry(label.id, slice);
          if (!sameEntry(was, now)) this.#change({ type: 'region', labelId: label.id, slice, before: was, after: now }, 'restore');
        }
      }
      target.#labels.forEach((label, to) => {
        const from = indexOfLabel(this.#labels, label.id);
        if (from !== to) this.#change({ type: 'move-label', id: label.id, from, to }, 'restore');
      });
      this.#paintMode = target.#paintMode;
      const record = options.record;
      if (record && JSON.stringify(record.before) !== JSON.stringify(record.after)) {
        this.#change({ type: 'record', before: record.before, after: record.after }, 'restore');
      }
      this.#revisionFloor = options.revision ?? 0;
    } finally {
      this.#history.commit();
      this.#flush();
      this.#revisionFloor = 0;
    }
  }

  // ── internals ──────────────────────────────────────────────────────────

  #editable(labelId: number): Label {
    const label = getLabel(this.#labels, labelId);
    if (label.locked) throw new SegmarkError('label-locked', `label ${label.name} is locked`, { params: { labelId } });
    return label;
  }

  #decision(state: 'verified' | 'rejected', reason?: RejectReason, note?: string): RegionReview {
    return { state, by: this.#user, at: this.#clock(), ...(reason ? { reason } : {}), ...(note ? { note } : {}) };
  }

  #checkSlice(slice: number): void {
    if (!Number.isInteger(slice) || slice < 0 || slice >= this.series.slices) {
      throw new SegmarkError('slice-out-of-range', `slice ${slice} is outside 0..${this.series.slices - 1}`, { params: { slice } });
    }
  }

  #entry(labelId: number, slice: number): Entry | undefined {
    return this.#regions.get(labelId)?.get(slice);
  }

  /** Makes a change, then records it (in the open transaction, or as its own step). */
  #change(delta: Delta, kind: ChangeKind, historyLabel?: string): void {
    this.#play(delta, true, kind);
    this.#history.record(delta, historyLabel);
  }

  /** Applies (forward) or reverts a delta and queues its announcement; history replays come here too. */
  #play(d: Delta, forward: boolean, kind: ChangeKind = this.#replay): void {
    if (d.type === 'region') {
      this.#set(d.labelId, d.slice, forward ? d.after : d.before, kind);
      return;
    }
    if (d.type === 'record') {
      this.#pendingRecord = { value: forward ? d.after : d.before };
      return;
    }
    if (d.type === 'label') {
      this.#labels = updateLabel(this.#labels, d.id, forward ? d.after : d.before);
    } else if (d.type === 'move-label') {
      const { labels, removed } = removeLabel(this.#labels, d.id);
      const at = forward ? d.to : d.from;
      this.#labels = Object.freeze([...labels.slice(0, at), removed, ...labels.slice(at)]);
    } else if (forward === (d.type === 'add-label')) {
      this.#labels = insertLabel(this.#labels, d.label, d.index);
      for (const [slice, e] of d.entries) this.#set(d.label.id, slice, e, null);
    } else {
      this.#labels = removeLabel(this.#labels, d.label.id).labels;
      this.#regions.delete(d.label.id);
    }
    this.#pending.push({ labelId: 'label' in d ? d.label.id : d.id, slice: null, kind });
  }

  #set(labelId: number, slice: number, entry: Entry | undefined, kind: ChangeKind | null): void {
    let slices = this.#regions.get(labelId);
    if (entry) {
      if (!slices) this.#regions.set(labelId, (slices = new Map()));
      slices.set(slice, entry);
    } else if (slices) {
      slices.delete(slice);
      if (slices.size === 0) this.#regions.delete(labelId);
    }
    if (kind) this.#pending.push({ labelId, slice, kind });
  }

  #replaying(kind: 'undo' | 'redo', run: () => boolean | void): boolean {
    this.#replay = kind;
    try {
      return run() !== false;
    } finally {
      this.#flush();
    }
  }

  /**
   * Announces queued changes, each (label, slice, kind) once, after counting
   * them as one new revision (`counts` false: a view change, no revision).
   */
  #flush(counts = true): void {
    const pending = this.#pending;
    const record = this.#pendingRecord;
    this.#pending = [];
    this.#pendingRecord = undefined;
    if (counts && (pending.length > 0 || record || this.#revisionFloor > this.#revision)) {
      this.#revision = Math.max(this.#revision + 1, this.#revisionFloor);
      const pairs = new Map<string, ChangedPair>();
      for (const c of pending) pairs.set(`${c.labelId}:${String(c.slice)}`, Object.freeze({ labelId: c.labelId, slice: c.slice }));
      this.#lastChanged = Object.freeze([...pairs.values()]);
    }
    const seen = new Set<string>();
    for (const change of pending) {
      const key = `${change.labelId}:${String(change.slice)}:${change.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const listener of [...this.#listeners]) {
        try {
          listener(Object.freeze(change));
        } catch (error) {
          // A failing view must not leave the others unannounced; report it the way EventTarget does.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    if (record) for (const listener of [...this.#recordListeners]) listener(record.value);
  }
}
