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
 * ('background-only'); see `overlap-rule.ts`.
 *
 * Beside it: `document-data.ts` (the data and its checks), `region-table.ts`
 * (where regions are kept), `document-changes.ts` (announcements and the
 * revision count), `document-snapshot.ts` (plain data and restore),
 * `region-review.ts` (review decisions), `history.ts` (undo).
 */
import { ChangeFeed, type ChangedPair } from './document-changes.js';
import {
  DOCUMENT_SCHEMA_VERSION,
  REJECT_REASONS,
  deltaBytes,
  copyMeta,
  makeEntry,
  ownRegion,
  parseMeta,
  parseSnapshot,
  reviewStateOf,
  sameEntry,
  validateSeries,
  type AnnotationChange,
  type Bounds,
  type ChangeKind,
  type Delta,
  type DocumentSnapshot,
  type Entry,
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
import { labelDelta, restoreChanges, snapshotLabel, snapshotRegions } from './document-snapshot.js';
import { History, type HistoryOptions } from './history.js';
import { cutsBy, keepOut } from './overlap-rule.js';
import { SegmarkError } from '../errors.js';
import { createLabel, getLabel, indexOfLabel, insertLabel, localizeLabel, removeLabel, updateLabel } from './labels.js';
import type { Locale } from '../text.js';
import type { Label, LabelPatch } from './labels.js';
import { editedBy, madeBy } from './provenance.js';
import { EMPTY_REGION, type Region } from './region.js';
import { decidedEntry, type ReviewDecision } from './region-review.js';
import { RegionTable } from './region-table.js';

export { DOCUMENT_SCHEMA_VERSION, REJECT_REASONS };
export type {
  AnnotationChange,
  ChangedPair,
  ChangeKind,
  DocumentSnapshot,
  PaintMode,
  RegionChangeKind,
  RegionOps,
  RegionOrigin,
  RegionProvenance,
  RegionReview,
  RejectReason,
  ReviewDecision,
  ReviewState,
  SeriesIdentity,
  SetRegionOptions,
  SliceFlags,
};

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
  readonly #regions = new RegionTable();
  /** Announcements and the revision count. */
  readonly #feed = new ChangeFeed();
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
      if (l.name !== before[i]!.name) this.#feed.push({ labelId: l.id, slice: null, kind: 'label' });
    });
    // A language is a view of the document, not a change of it: no new revision.
    this.#feed.flush(false);
  }
  /**
   * How many changes the document has had: one more after every change that
   * is announced (an edit, a label change, a verification, an undo or redo, a
   * restore) and after `noteRecordChange`; never less. Carried by `snapshot()`
   * and restored by `fromSnapshot`, so it survives storing and reloading.
   */
  get revision(): number { return this.#feed.revision; }
  /** The (label, slice) pairs the latest revision changed (empty when only the record beside them did). */
  get lastChanged(): readonly ChangedPair[] { return this.#feed.lastChanged; }
  /**
   * The record kept beside the regions (the review record: status, comments,
   * audit) changed: a new revision that changed no region. Returns it.
   */
  noteRecordChange(): number { return this.#feed.noteRecordChange(); }
  /**
   * Calls `listener` with the record beside the regions when a 'record' delta
   * (from `restore` with a record) is applied, undone or redone; the owner
   * puts that record in place. Returns the unsubscribe function.
   */
  subscribeRecord(listener: (record: unknown) => void): () => void { return this.#feed.subscribeRecord(listener); }
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
  regionCounts(labelId?: number): { regions: number; verified: number; rejected: number } { return this.#regions.counts(labelId); }

  /** Slices where the label has a region, ascending. */
  slicesOf(labelId: number): number[] { return this.#regions.slicesOf(labelId); }

  /** Labels with a region on the slice, in label order. */
  labelsOnSlice(slice: number): number[] {
    return this.#labels.filter((l) => this.#regions.has(l.id, slice)).map((l) => l.id);
  }

  /** Calls `listener` after every change, once the state is whole; returns the unsubscribe function. */
  subscribe(listener: (change: AnnotationChange) => void): () => void { return this.#feed.subscribe(listener); }

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
    const others = this.#labels.flatMap((label) => {
      const entry = label.id === labelId ? undefined : this.#entry(label.id, slice);
      return entry ? [{ label, entry }] : [];
    });
    const wanted = keepOut(ownRegion(region), others, this.#paintMode, this.#ops);
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
      if (after) {
        for (const cut of cutsBy(after, others, this.#paintMode, this.#ops, this.#user)) this.#change({ type: 'region', slice, ...cut }, options.kind);
      }
    } finally {
      this.#history.commit();
      this.#feed.flush();
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
    const after = decidedEntry(before, decision, (state, reason, note) => this.#decision(state, reason, note));
    if (!after) return;
    const { state } = decision;
    const text = state === 'verified' ? 'Mark verified' : state === 'rejected' ? `Reject ${label.name}` : 'Mark unverified';
    this.#change({ type: 'region', labelId, slice, before, after }, 'verify', text);
    this.#feed.flush();
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
      this.#feed.flush();
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
    const delta = labelDelta(id, current, next, Object.keys(change).filter((k) => k in next || k === 'template'));
    if (!delta) return this.label(id)!;
    if (Object.keys(delta.after).every((k) => VIEW_FIELDS.has(k))) this.#play(delta, true, 'label');
    else this.#change(delta, 'label', `Change label ${current.name}`);
    this.#feed.flush();
    return this.label(id)!;
  }

  /** Deletes a label and all its regions, as one undo step that restores both. Refused while locked. */
  deleteLabel(id: number): void {
    const label = this.#editable(id);
    const entries = this.#regions.entriesOf(id);
    const index = indexOfLabel(this.#labels, id);
    this.#change({ type: 'remove-label', label, index, entries }, 'label', `Delete label ${label.name}`);
    this.#feed.flush();
  }

  /** Moves a label to `toIndex` in the display order (clamped). */
  moveLabel(id: number, toIndex: number): void {
    const label = getLabel(this.#labels, id);
    const from = indexOfLabel(this.#labels, id);
    const to = Math.max(0, Math.min(this.#labels.length - 1, Math.trunc(toIndex)));
    if (from === to) return;
    this.#change({ type: 'move-label', id, from, to }, 'label', `Move label ${label.name}`);
    this.#feed.flush();
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
    return {
      version: DOCUMENT_SCHEMA_VERSION,
      series: { ...this.series, sopInstanceUIDs: [...this.series.sopInstanceUIDs] },
      labels: this.labels.map(snapshotLabel),
      regions: snapshotRegions(this.#labels, this.#regions, only),
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
    doc.#feed.revision = revision;
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
    this.#history.begin(historyLabel);
    try {
      restoreChanges(
        { labels: () => this.#labels, regions: this.#regions },
        { labels: () => target.#labels, regions: target.#regions },
        (delta) => this.#change(delta, 'restore'),
      );
      this.#paintMode = target.#paintMode;
      const record = options.record;
      if (record && JSON.stringify(record.before) !== JSON.stringify(record.after)) {
        this.#change({ type: 'record', before: record.before, after: record.after }, 'restore');
      }
      this.#feed.floor = options.revision ?? 0;
    } finally {
      this.#history.commit();
      this.#feed.flush();
      this.#feed.floor = 0;
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
    return this.#regions.get(labelId, slice);
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
      this.#feed.pushRecord(forward ? d.after : d.before);
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
      this.#regions.deleteLabel(d.label.id);
    }
    this.#feed.push({ labelId: 'label' in d ? d.label.id : d.id, slice: null, kind });
  }

  #set(labelId: number, slice: number, entry: Entry | undefined, kind: ChangeKind | null): void {
    this.#regions.set(labelId, slice, entry);
    if (kind) this.#feed.push({ labelId, slice, kind });
  }

  #replaying(kind: 'undo' | 'redo', run: () => boolean | void): boolean {
    this.#replay = kind;
    try {
      return run() !== false;
    } finally {
      this.#feed.flush();
    }
  }
}
