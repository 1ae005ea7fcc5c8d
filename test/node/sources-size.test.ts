/**
 * A local load asks each file its size once: for a picked File the answer can
 * cost a trip to the browser process (~0.3 ms each), and a 300-file series
 * used to ask every file three times (progress total, read plan, batch split).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleSeries, readInstances } from '../../src/core/dicom/loader.js';
import type { NamedBlob } from '../../src/core/dicom/sources.js';

const SAMPLE = 'sample-dicom';

/**
 * A real Blob that counts how often its size is asked. Node's Blob answers at
 * no cost, so the count is the only way to see what a browser's File would cost.
 */
class CountingBlob extends Blob {
  asked = 0;
  override get size(): number {
    this.asked++;
    return super.size;
  }
}

describe('file sizes in a local load', () => {
  it('asks each file of the sample series its size once, and still reads every file whole', async () => {
    const names = readdirSync(SAMPLE).filter((n) => n.endsWith('.dcm')).sort();
    const blobs = names.map((name) => new CountingBlob([readFileSync(join(SAMPLE, name))]));
    const sources: NamedBlob[] = names.map((name, i) => ({ name, blob: blobs[i]! }));
    const read = await readInstances(sources);
    expect(read.failed).toBe(0);
    expect(read.instances).toHaveLength(names.length);
    const [series] = assembleSeries(read.instances);
    expect(series!.slices).toHaveLength(names.length);
    // Each instance holds exactly its own file's bytes (the batch was split at the right places).
    for (const instance of read.instances) {
      expect(instance.bytes.byteLength).toBe(readFileSync(join(SAMPLE, instance.fileName)).byteLength);
    }
    // Node's own Blob constructor asks each part its size when the batch is concatenated
    // (a browser's does not go through the getter): count that apart.
    const probe = new CountingBlob([new Uint8Array(4)]);
    void new Blob([probe]);
    const byNode = probe.asked;
    expect(blobs.map((b) => b.asked - byNode).filter((n) => n > 1)).toEqual([]);
  });
});
