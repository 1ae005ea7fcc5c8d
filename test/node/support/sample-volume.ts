/** The committed sample series (sample-dicom/), read and decoded by our own loader on this thread. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SameThreadDecoder } from '../../../src/core/dicom/decoder-pool.js';
import { assembleSeries, loadVolume, readInstances } from '../../../src/core/dicom/loader.js';
import type { Volume } from '../../../src/core/dicom/volume.js';

export const SAMPLE_DIR = 'sample-dicom';

/** The sample's volume; with `slices`, only its first files. */
export async function sampleVolume(slices?: number): Promise<Volume> {
  const sources = readdirSync(SAMPLE_DIR)
    .filter((n) => n.endsWith('.dcm'))
    .sort()
    .slice(0, slices)
    .map((name) => ({ name, blob: new Blob([readFileSync(join(SAMPLE_DIR, name))]) }));
  const [series] = assembleSeries((await readInstances(sources)).instances);
  if (!series) throw new Error('the sample series did not assemble');
  return (await loadVolume(series, new SameThreadDecoder())).volume;
}
