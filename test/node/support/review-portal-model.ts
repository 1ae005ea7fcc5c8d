/**
 * A model's pre-label for the review portal test (review-portal.test.ts): a
 * DICOM SEG of the committed sample series, written by our SEG writer from
 * the sample's ground-truth discs, L3/L4 and L4/L5 only, each segment named
 * as the output of an automatic model — what an annotator imports to
 * correct instead of drawing from scratch.
 */
import { LUMBAR_SPINE_TEMPLATE } from '../../../src/core/annotation/templates.js';
import { writeSeg } from '../../../src/core/formats/seg.js';
import { sampleSeg } from './seg-sample.js';

export const MODEL = 'SpineNet v2';
/** Template label ids the model segments (L3/L4 and L4/L5 disc). */
export const MODEL_LABELS = [3, 4] as const;

/** The SEG file's bytes and, per label, the slices it outlines (from the ground truth). */
export function modelPrelabel(): { bytes: Uint8Array; slices: Map<number, number[]> } {
  const { input, truth } = sampleSeg();
  // The sample's masks are its labelmap slices: each segment takes the pixels of its template id.
  const segments = MODEL_LABELS.map((id) => {
    const entry = LUMBAR_SPINE_TEMPLATE.labels.find((l) => l.id === id)!;
    return { label: entry.name, code: entry.code, color: entry.color, algorithm: { type: 'AUTOMATIC' as const, name: MODEL }, maskValue: id };
  });
  const bytes = writeSeg({ ...input, segments, content: { label: 'SPINENET', creatorName: 'SpineNet^Model', description: 'Model pre-label' } });
  const plane = input.geometry.rows * input.geometry.columns;
  const slices = new Map<number, number[]>();
  for (const id of MODEL_LABELS) {
    const ks: number[] = [];
    for (let k = 0; k < input.slices.length; k++) if (truth.subarray(k * plane, (k + 1) * plane).includes(id)) ks.push(k);
    slices.set(id, ks);
  }
  return { bytes, slices };
}
