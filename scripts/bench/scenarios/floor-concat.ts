/**
 * Floor, one read: the same work as floor.ts, but all files are read with a
 * single `new Blob(files).arrayBuffer()` and the pixel data is compacted in
 * place, so the voxels end up in that one buffer. On this machine each
 * separate File read costs far more than its bytes (a browser-process round
 * trip and fresh shared memory per read), so this shows what a loader gains by
 * batching its reads.
 */
import dicomParser from 'dicom-parser';
import type { BenchContext, Metrics, PageScenario } from '../types';

let volume: Int16Array | undefined;

export async function setup(): Promise<{ skip?: string }> {
  return {};
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const frameBytes = ctx.rows * ctx.columns * 2;
  const t0 = performance.now();
  const buffer = await new Blob([...ctx.files]).arrayBuffer();
  const bytes = new Uint8Array(buffer);
  let fileStart = 0;
  ctx.files.forEach((file, k) => {
    const header = new Uint8Array(buffer, fileStart, file.size);
    const pixelData = dicomParser.parseDicom(header, { untilTag: 'x7fe00010' }).elements['x7fe00010'];
    if (!pixelData?.dataOffset || pixelData.length < frameBytes) throw new Error(`${file.name}: no native 16-bit pixel data`);
    const from = fileStart + pixelData.dataOffset;
    bytes.copyWithin(k * frameBytes, from, from + frameBytes); // memmove: the target never passes the source
    fileStart += file.size;
  });
  volume = new Int16Array(buffer, 0, (frameBytes / 2) * ctx.files.length);
  const allMs = performance.now() - t0;
  return { allMs, loadedSlices: volume.length / (frameBytes / 2) };
}

const scenario: PageScenario = { setup, load };
export default scenario;
