/**
 * Labels of a dataset package: nnU-Net wants the values of a segmentation
 * consecutive from 0 (background), so our label ids (1..255, with gaps where
 * labels were deleted) become 1..n in label-list order, and the labelmap is
 * rewritten through that table. The table is recorded in the provenance.
 */
import type { DocumentSnapshot } from '../annotation/document-data.js';
import { SegmarkError } from '../errors.js';

export interface DatasetLabel {
  /** The voxel value in the package's label image. */
  readonly value: number;
  /** The label's id in the document (its value in our labelmap). */
  readonly originalId: number;
  readonly name: string;
}

/** Each document label's dataset value, in list order; names must be unique and not "background". */
export function datasetLabels(labels: DocumentSnapshot['labels']): DatasetLabel[] {
  const seen = new Set<string>(['background']);
  return labels.map((l, i) => {
    const name = l.name.trim();
    if (!name || seen.has(name)) {
      throw new SegmarkError('dataset-export-invalid', `label ${l.id}: the name "${l.name}" is empty, "background" or taken`, {
        params: { field: `labels[${i}].name` },
      });
    }
    seen.add(name);
    return { value: i + 1, originalId: l.id, name };
  });
}

/**
 * The labelmap with every id replaced by its dataset value (0 stays 0;
 * an undefined, empty slice stays undefined).
 * A voxel whose id no label has means the labelmap and the document
 * disagree: that is refused rather than written as background.
 */
export function remapLabelmap(labelmap: readonly (Uint8Array | undefined)[], labels: readonly DatasetLabel[]): (Uint8Array | undefined)[] {
  const table = new Int16Array(256).fill(-1);
  table[0] = 0;
  for (const l of labels) table[l.originalId] = l.value;
  // Ids already the dataset's values (the usual case): the slices are only checked, not copied.
  const identity = labels.every((l) => l.value === l.originalId);
  return labelmap.map((slice, k) => {
    if (!slice) return undefined;
    const out = identity ? slice : new Uint8Array(slice.length);
    // Most of a slice is background: whole zero words are skipped.
    const words = slice.byteOffset % 4 === 0 ? new Uint32Array(slice.buffer, slice.byteOffset, slice.length >>> 2) : undefined;
    const from = words ? words.length << 2 : 0;
    let bad = -1;
    if (words) {
      for (let w = 0; w < words.length && bad < 0; w++) {
        if (words[w] === 0) continue;
        for (let i = w << 2, end = i + 4; i < end; i++) {
          const v = table[slice[i]!]!;
          if (v < 0) bad = i;
          else out[i] = v;
        }
      }
    }
    for (let i = from; i < slice.length && bad < 0; i++) {
      const v = table[slice[i]!]!;
      if (v < 0) bad = i;
      else out[i] = v;
    }
    if (bad >= 0) {
      throw new SegmarkError('dataset-export-invalid', `slice ${k} holds label id ${slice[bad]}, which no label has`, {
        params: { field: `labelmap[${k}]` },
      });
    }
    return out;
  });
}
