/**
 * Floor: the least any loader can do — read every file (File.arrayBuffer)
 * and copy its native pixel data into one Int16Array. No decode, no display.
 */
import dicomParser from 'dicom-parser';
import type { BenchContext, Metrics, PageScenario } from '../types';
import { pool } from '../util';

/** Reads in flight; a few overlap the browser-process file reads with our copies. */
const READS_IN_FLIGHT = 4;

/** Kept alive until the page closes, so the heap after load counts it. */
let volume: Int16Array | undefined;

export async function setup(): Promise<{ skip?: string }> {
  return {};
}

export async function load(ctx: BenchContext): Promise<Metrics> {
  const frame = ctx.rows * ctx.columns;
  const t0 = performance.now();
  const voxels = new Int16Array(frame * ctx.files.length);
  let firstSliceMs: number | null = null;
  await pool(ctx.files, READS_IN_FLIGHT, async (file, k) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const pixelData = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' }).elements['x7fe00010'];
    if (!pixelData?.dataOffset || pixelData.length < frame * 2) throw new Error(`${file.name}: no native 16-bit pixel data`);
    const offset = bytes.byteOffset + pixelData.dataOffset;
    if (offset % 2 === 0) {
      voxels.set(new Int16Array(bytes.buffer, offset, frame), k * frame);
    } else {
      new Uint8Array(voxels.buffer, k * frame * 2, frame * 2).set(bytes.subarray(pixelData.dataOffset, pixelData.dataOffset + frame * 2));
    }
    if (k === 0) firstSliceMs = performance.now() - t0;
  });
  const allMs = performance.now() - t0;
  volume = voxels;
  return { allMs, firstSliceMs, loadedSlices: volume.length / frame };
}

const scenario: PageScenario = { setup, load };
export default scenario;
