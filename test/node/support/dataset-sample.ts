/**
 * A dataset-package input for the committed sample series, built the way the
 * annotator will build it: the volume loaded by our loader, the sample's
 * ground-truth disc labelmap as the labelmap, and a document snapshot whose
 * label list has gaps and a custom order (so ids need remapping), with one
 * region per (disc, slice) of the truth and varied origins and review flags.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { DOCUMENT_SCHEMA_VERSION, type DocumentSnapshot, type RegionOrigin } from '../../../src/core/annotation/document-data.js';
import { LUMBAR_SPINE_TEMPLATE } from '../../../src/core/annotation/templates.js';
import { SameThreadDecoder } from '../../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, readInstances } from '../../../src/core/dicom/loader.js';
import type { Volume } from '../../../src/core/dicom/volume.js';
import type { DatasetInput } from '../../../src/core/formats/dataset.js';
import { segSourceOf } from '../../../src/core/formats/seg.js';

export const SAMPLE_DIR = 'sample-dicom';
export const TRUTH_GZ = join(SAMPLE_DIR, 'ground-truth', 'discs.u8.gz');

/** Label ids in list order: the five discs (the truth's ids 1..5) out of order, a gap, and two labels never painted. */
export const LABEL_ORDER = [3, 1, 2, 5, 4, 11, 8] as const;
const ORIGINS: readonly RegionOrigin[] = ['drawn', 'interpolated', 'imported', 'assisted'];
/** What the sample's assisted regions record: a method and its parameters. */
export const SAMPLE_ASSIST = { algorithm: 'grow-from-seeds', parameters: { marginMm: 5, seeds: 3, huMin: 50, huMax: 150 } } as const;

export interface DatasetSample {
  input: DatasetInput;
  volume: Volume;
}

export async function datasetSample(): Promise<DatasetSample> {
  const sources = readdirSync(SAMPLE_DIR)
    .filter((n) => n.endsWith('.dcm'))
    .sort()
    .map((name) => ({ name, blob: new Blob([readFileSync(join(SAMPLE_DIR, name))]) }));
  const read = await readInstances(sources);
  const [series] = assembleSeries(read.instances);
  if (!series) throw new Error('the sample series did not assemble');
  const { volume } = await loadVolume(series, new SameThreadDecoder());
  const truth = gunzipSync(new Uint8Array(readFileSync(TRUTH_GZ)));
  const plane = volume.rows * volume.columns;
  const labelmap = Array.from({ length: volume.slices }, (_, k) => truth.subarray(k * plane, (k + 1) * plane));

  const regions: DocumentSnapshot['regions'] = [];
  labelmap.forEach((slice, k) => {
    for (const id of new Set(slice)) {
      if (id === 0) continue;
      // A square ring stands in for the traced outline: the package reads only origins and review flags.
      const origin = ORIGINS[(k + id) % ORIGINS.length]!;
      const provenance = origin === 'assisted' ? { provenance: { algorithm: SAMPLE_ASSIST.algorithm, parameters: { ...SAMPLE_ASSIST.parameters } } } : {};
      regions.push({ labelId: id, slice: k, rings: [[10, 10, 20, 10, 20, 20, 10, 20]], origin, verified: (k * id) % 4 === 1, ...provenance });
    }
  });
  const document: DocumentSnapshot = {
    version: DOCUMENT_SCHEMA_VERSION,
    series: {
      studyInstanceUID: volume.studyInstanceUID,
      seriesInstanceUID: volume.seriesInstanceUID,
      sopInstanceUIDs: [...volume.sopInstanceUIDs],
      rows: volume.rows,
      columns: volume.columns,
      slices: volume.slices,
    },
    labels: LABEL_ORDER.map((id) => {
      const e = LUMBAR_SPINE_TEMPLATE.labels.find((l) => l.id === id)!;
      return { id, name: e.name, color: [...e.color], code: e.code, opacity: 0.5, visible: true, locked: false, display: 'filled' };
    }),
    regions,
    settings: { paintMode: 'over-others' },
  };
  const input: DatasetInput = {
    geometry: volume,
    image: { slices: volume.sliceData },
    labelmap,
    document,
    source: segSourceOf(series.slices[0]!.instance),
    annotator: { user: 'Dr. Test Annotator', role: 'radiologist' },
    created: new Date(Date.UTC(2026, 0, 2, 8, 0, 0)),
    updated: new Date(Date.UTC(2026, 0, 3, 9, 30, 0)),
    now: new Date(Date.UTC(2026, 0, 4, 10, 0, 0)),
  };
  return { input, volume };
}
