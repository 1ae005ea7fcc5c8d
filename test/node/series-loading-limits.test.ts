/**
 * The loading workflow keeps the host's budgets (issue 17): `limits` reaches
 * both reading (per frame) and the volume (per series), and a cancelled load
 * ends the decoder's threads so a frame still decoding stops; the next load
 * makes a new decoder.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SameThreadDecoder } from '../../src/core/dicom/decoder-pool.js';
import type { NamedBlob } from '../../src/core/dicom/sources.js';
import type { SegmarkError } from '../../src/core/errors.js';
import { SeriesLoading, type SeriesLoadingListener } from '../../src/session/series-loading.js';

const SAMPLE = 'sample-dicom';

function sample(limit?: number): NamedBlob[] {
  const names = readdirSync(SAMPLE).filter((n) => n.endsWith('.dcm')).sort().slice(0, limit);
  return names.map((name) => ({ name, blob: new Blob([readFileSync(join(SAMPLE, name))]) }));
}

/** The real same-thread decoder, its disposals counted. */
class CountedDecoder extends SameThreadDecoder {
  static disposed = 0;
  override dispose(): void {
    CountedDecoder.disposed++;
    super.dispose();
  }
}

function listen(overrides: Partial<SeriesLoadingListener> = {}): { errors: SegmarkError[]; listener: SeriesLoadingListener } {
  const errors: SegmarkError[] = [];
  const listener: SeriesLoadingListener = {
    onError: (e) => errors.push(e),
    onProgress: () => {},
    onPreview: () => {},
    onVolume: () => {},
    onSlice: () => {},
    onLoaded: () => {},
    ...overrides,
  };
  return { errors, listener };
}

describe('SeriesLoading limits and cancel', () => {
  it('REQ-HOSTILE-LIMITS-2: limits.frameVoxels refuses every frame at reading, naming each file', async () => {
    const { errors, listener } = listen();
    const loading = new SeriesLoading(listener, { createDecoder: () => new SameThreadDecoder() });
    loading.limits = { frameVoxels: 100 };
    const files = sample(3);
    expect(await loading.load(files)).toBeUndefined();
    const refused = errors.filter((e) => e.code === 'input-too-large');
    expect(refused.map((e) => e.file).sort()).toEqual(files.map((f) => f.name).sort());
  });

  it('REQ-HOSTILE-LIMITS-3: limits.seriesVoxels refuses the series before its volume exists; without limits it loads', async () => {
    let volumes = 0;
    const { errors, listener } = listen({ onVolume: () => volumes++ });
    const loading = new SeriesLoading(listener, { createDecoder: () => new SameThreadDecoder() });
    loading.limits = { seriesVoxels: 1000 };
    expect(await loading.load(sample(4))).toBeUndefined();
    expect(errors.map((e) => e.code)).toEqual(['input-too-large']);
    expect(errors[0]!.file).toBeTruthy();
    expect(volumes).toBe(0);
    loading.limits = undefined;
    const volume = await loading.load(sample(4));
    expect(volume?.slices).toBe(4);
  });

  it('REQ-HOSTILE-DECODE-3: cancelling a load ends its decoder; the next load makes a new one', async () => {
    CountedDecoder.disposed = 0;
    let made = 0;
    let cancelOnVolume = true;
    const { errors, listener } = listen({ onVolume: () => cancelOnVolume && loading.cancel() });
    const loading = new SeriesLoading(listener, {
      createDecoder: () => {
        made++;
        return new CountedDecoder();
      },
    });
    expect(await loading.load(sample(8))).toBeUndefined();
    expect(errors.map((e) => e.code)).toContain('aborted');
    expect([made, CountedDecoder.disposed]).toEqual([1, 1]);
    cancelOnVolume = false;
    expect((await loading.load(sample(2)))?.slices).toBe(2);
    expect([made, CountedDecoder.disposed]).toEqual([2, 1]);
  });
});
