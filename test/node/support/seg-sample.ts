/**
 * The SEG writer's input for the committed sample series, built the way the
 * annotator will build it: files parsed and assembled into a sorted series,
 * labels from the lumbar template, masks from a labelmap (here the sample's
 * ground-truth disc labelmap, passed slice by slice with each label's id as
 * its mask value).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { LUMBAR_SPINE_TEMPLATE } from '../../../src/core/annotation/templates.js';
import { parseInstance } from '../../../src/core/dicom/parse.js';
import { assembleSeries } from '../../../src/core/dicom/series.js';
import { segSourceOf, type SegAlgorithm, type SegWriteInput } from '../../../src/core/formats/seg.js';

export const SAMPLE_DIR = 'sample-dicom';

export interface SampleSeg {
  input: SegWriteInput;
  /** Ground-truth label ids, index k·rows·cols + r·cols + c. */
  truth: Uint8Array;
  /** Template label id of each segment, in segment order. */
  labelIds: number[];
  /** Slice index k of each source SOP Instance UID. */
  sliceOf: Map<string, number>;
}

/** Three discs (L1/L2 by interpolation), and one vertebral body the disc labelmap never paints. */
const EXPORTED: readonly { id: number; algorithm: SegAlgorithm }[] = [
  { id: 1, algorithm: { type: 'SEMIAUTOMATIC', name: 'Segmark interpolation' } },
  { id: 3, algorithm: { type: 'MANUAL' } },
  { id: 5, algorithm: { type: 'MANUAL' } },
  { id: 8, algorithm: { type: 'MANUAL' } },
];

export function sampleSeg(): SampleSeg {
  const instances = readdirSync(SAMPLE_DIR)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => parseInstance(new Uint8Array(readFileSync(join(SAMPLE_DIR, f))), f));
  const [series] = assembleSeries(instances);
  if (!series) throw new Error('the sample series did not assemble');
  const truth = gunzipSync(new Uint8Array(readFileSync(join(SAMPLE_DIR, 'ground-truth', 'discs.u8.gz'))));
  const plane = series.rows * series.columns;
  const labels = EXPORTED.map(({ id, algorithm }) => {
    const entry = LUMBAR_SPINE_TEMPLATE.labels.find((l) => l.id === id)!;
    return { label: entry.name, code: entry.code, color: entry.color, algorithm, maskValue: id };
  });
  const first = series.slices[0]!;
  const input: SegWriteInput = {
    source: segSourceOf(first.instance),
    slices: series.slices.map((s) => ({ sopInstanceUID: s.instance.sopInstanceUID, position: s.plane.position })),
    geometry: {
      rows: series.rows,
      columns: series.columns,
      rowCosine: series.rowCosine,
      columnCosine: series.columnCosine,
      pixelSpacing: series.pixelSpacing,
      sliceThickness: first.instance.frames[0]!.sliceThickness ?? series.sliceSpacing,
      spacingBetweenSlices: series.sliceSpacing,
    },
    segments: labels,
    masks: (_segment, k) => truth.subarray(k * plane, (k + 1) * plane),
    content: { label: 'Lumbar discs', creatorName: 'Test^Annotator', description: 'Sample discs' },
  };
  return {
    input,
    truth,
    labelIds: EXPORTED.map((e) => e.id),
    sliceOf: new Map(series.slices.map((s, k) => [s.instance.sopInstanceUID, k])),
  };
}
