/**
 * The annotation document as plain data, and the changes that make one
 * document equal to another: the labels and regions of `snapshot()`, and the
 * deltas of `restore()`. Split from `document.ts`, which records those
 * deltas in its history and announces them.
 */
import { copySegmentCode } from './codes.js';
import { copyMeta, sameEntry, type Delta, type DocumentSnapshot, type LabelFields } from './document-data.js';
import { indexOfLabel, type Label } from './labels.js';
import type { RegionTable } from './region-table.js';

type LabelDelta = Extract<Delta, { type: 'label' }>;

/** A label as the snapshot carries it: a plain copy. */
export function snapshotLabel(l: Label): DocumentSnapshot['labels'][number] {
  return {
    id: l.id, name: l.name, color: [l.color[0], l.color[1], l.color[2]], code: copySegmentCode(l.code),
    opacity: l.opacity, visible: l.visible, locked: l.locked, display: l.display,
    ...(l.template !== undefined ? { template: l.template } : {}),
  };
}

/** The regions of `labels`, in label then slice order, as plain copies; with `only`, just those it accepts. */
export function snapshotRegions(labels: readonly Label[], table: RegionTable, only?: (labelId: number, slice: number) => boolean): DocumentSnapshot['regions'] {
  const regions: DocumentSnapshot['regions'] = [];
  for (const l of labels) {
    for (const [slice, e] of table.entriesOf(l.id)) {
      if (only && !only(l.id, slice)) continue;
      const rings = e.region.rings.map((r) => r.slice());
      regions.push({ labelId: l.id, slice, rings, origin: e.origin, verified: e.verified, ...copyMeta(e) });
    }
  }
  return regions;
}

/** The label delta from `current` to `next` over `keys`: the fields whose values differ; undefined when none does. */
export function labelDelta(id: number, current: Label, next: Label, keys: readonly string[]): LabelDelta | undefined {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const key of keys as (keyof Label)[]) {
    if (JSON.stringify(current[key]) === JSON.stringify(next[key])) continue;
    before[key] = current[key];
    after[key] = next[key];
  }
  return Object.keys(after).length ? { type: 'label', id, before: before as LabelFields, after: after as LabelFields } : undefined;
}

/** One side of a restore: a document's labels in display order (as they are when asked) and its regions. */
export interface DocumentState {
  labels(): readonly Label[];
  readonly regions: RegionTable;
}

/**
 * Makes `live` equal to `target` (labels, their order and fields, regions
 * and their flags) through `change`, which applies each delta, so that
 * `live` shows it, before the next is worked out: labels the target lacks
 * go with their regions, new ones come with theirs, the fields and regions
 * of the others change, and last the labels move into the target's order.
 */
export function restoreChanges(live: DocumentState, target: DocumentState, change: (delta: Delta) => void): void {
  const wanted = new Set(target.labels().map((l) => l.id));
  for (const label of live.labels()) {
    if (wanted.has(label.id)) continue;
    change({ type: 'remove-label', label, index: indexOfLabel(live.labels(), label.id), entries: live.regions.entriesOf(label.id) });
  }
  for (const label of target.labels()) {
    const current = live.labels().find((l) => l.id === label.id);
    if (!current) {
      change({ type: 'add-label', label, index: live.labels().length, entries: target.regions.entriesOf(label.id) });
      continue;
    }
    const fields = labelDelta(label.id, current, label, Object.keys(label).filter((k) => k !== 'id'));
    if (fields) change(fields);
    const slices = new Set([...live.regions.slicesOf(label.id), ...target.regions.slicesOf(label.id)]);
    for (const slice of [...slices].sort((x, y) => x - y)) {
      const was = live.regions.get(label.id, slice);
      const now = target.regions.get(label.id, slice);
      if (!sameEntry(was, now)) change({ type: 'region', labelId: label.id, slice, before: was, after: now });
    }
  }
  target.labels().forEach((label, to) => {
    const from = indexOfLabel(live.labels(), label.id);
    if (from !== to) change({ type: 'move-label', id: label.id, from, to });
  });
}
