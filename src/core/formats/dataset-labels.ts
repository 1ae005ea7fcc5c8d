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
  return labelmap.map((slice, k) => {
    // An empty slice (undefined) stays empty.
    if (!slice) return undefined;
    const out = new Uint8Array(slice.length);
    for (let i = 0; i < slice.length; i++) {
      const v = table[slice[i]!]!;
      if (v < 0) {
        throw new SegmarkError('dataset-export-invalid', `slice ${k} holds label id ${slice[i]}, which no label has`, {
          params: { field: `labelmap[${k}]` },
        });
      }
      out[i] = v;
    }
    return out;
  });
}
