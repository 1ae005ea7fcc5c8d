/** The sample's ground-truth disc labelmap (written by the generator), and mask comparisons for tests. */
import { gunzipSync } from 'fflate';

export interface Truth {
  columns: number;
  rows: number;
  slices: number;
  /** Disc ids (1 = L1/L2 … 5 = L5/S1), index k·rows·cols + r·cols + c. */
  labels: Uint8Array;
}

let cache: Promise<Truth> | undefined;

export function groundTruth(): Promise<Truth> {
  cache ??= (async () => {
    const meta = (await (await fetch('/sample-dicom/ground-truth/discs.json')).json()) as { dims: { columns: number; rows: number; slices: number } };
    const raw = new Uint8Array(await (await fetch('/sample-dicom/ground-truth/discs.u8.gz')).arrayBuffer());
    // The dev server may send .gz files with Content-Encoding: gzip, so the browser has already inflated them.
    const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    return { ...meta.dims, labels: bytes };
  })();
  return cache;
}

/** The slice where disc `label` covers the most pixels, and its mask there. */
export function fullestSlice(t: Truth, label: number): { k: number; mask: Uint8Array } {
  const n = t.columns * t.rows;
  let best = 0;
  let bestCount = -1;
  for (let k = 0; k < t.slices; k++) {
    let count = 0;
    for (let i = k * n; i < (k + 1) * n; i++) if (t.labels[i] === label) count++;
    if (count > bestCount) [best, bestCount] = [k, count];
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = t.labels[best * n + i] === label ? 1 : 0;
  return { k: best, mask };
}

/** The centre (rounded column and row) of a slice mask's pixels. */
export function maskCentre(mask: Uint8Array, columns: number): { column: number; row: number } {
  let [sc, sr, n] = [0, 0, 0];
  mask.forEach((v, i) => {
    if (!v) return;
    sc += i % columns;
    sr += Math.floor(i / columns);
    n++;
  });
  return { column: Math.round(sc / n), row: Math.round(sr / n) };
}

export function dice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    both += x & y;
    sa += x;
    sb += y;
  }
  return (2 * both) / (sa + sb);
}
