/**
 * How much one load may take before anything is allocated for it: the budgets
 * that keep a hostile or absurd file from freezing the tab. Each is checked
 * where the size is first known (a frame in the header, a series from its
 * instances or its PACS metadata, an inflated data set while it inflates) and
 * a refusal is `input-too-large` naming the file and the limit in MB.
 *
 * A host may raise or lower any of them (`limits` on the annotator); what it
 * leaves out keeps its default.
 */
import { SegmarkError } from '../errors.js';

export interface LoadLimits {
  /** Pixels of one frame (rows × columns). */
  frameVoxels: number;
  /** Voxels of one series (rows × columns × slices). */
  seriesVoxels: number;
  /** Stored bytes of one series' files (or PACS frames). */
  seriesBytes: number;
  /** Bytes a deflated data set may inflate to. */
  inflateBytes: number;
}

/** What a host sets: any of the limits, the rest default. */
export type LoadLimitsInit = Partial<LoadLimits>;

/** A 2,000-slice 512² CT: the largest series a reader opens in one go. */
const CT_SLICES = 2000;
const CT_EDGE = 512;

export const DEFAULT_LOAD_LIMITS: Readonly<LoadLimits> = Object.freeze({
  // 8192² (67 megapixels): larger than any single CT, MR or X-ray frame (CT 512²–2048², full-field
  // mammography at 50 µm up to ~4800 × 6000, a 43 cm flat-panel detector at 100 µm ~4300²; slide
  // scans come as tiles), and it refuses the 16384² frame of a decompression bomb (four times as many pixels).
  frameVoxels: 8192 * 8192,
  // 1 GiB of 16-bit voxels.
  seriesVoxels: CT_SLICES * CT_EDGE * CT_EDGE,
  // The same CT stored uncompressed, with room for 64 KiB of header per file.
  seriesBytes: CT_SLICES * (CT_EDGE * CT_EDGE * 2 + 65536),
  // Twice the largest frame the default frame budget lets through, as 16-bit (8192² × 2 bytes = 128 MiB).
  inflateBytes: 256 * 2 ** 20,
});

/**
 * `init` over the defaults. A value that is not a positive finite number is
 * refused with `bad-argument` (a typo must not silently lift a limit).
 */
export function resolveLimits(init: LoadLimitsInit | undefined): LoadLimits {
  const limits = { ...DEFAULT_LOAD_LIMITS };
  if (!init) return limits;
  for (const key of Object.keys(DEFAULT_LOAD_LIMITS) as (keyof LoadLimits)[]) {
    const value = init[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new SegmarkError('bad-argument', `limits.${key} must be a positive number, not ${String(value)}`, { params: { argument: `limits.${key} = ${String(value)}` } });
    }
    limits[key] = value;
  }
  return limits;
}

/** Megabytes as the messages show them: whole, or one significant digit under 1 MB (a small limit must not read as 0). */
function mb(bytes: number): string {
  const value = bytes / 1e6;
  return value >= 1 ? value.toFixed(0) : value.toPrecision(1);
}

/**
 * The refusal: `what` is shown to the user ("one frame (16384 × 16384)"),
 * sizes are bytes (voxels count as 16-bit, as the volume holds them).
 */
export function tooLarge(what: string, size: number, limit: number, file: string | undefined, detail: string): SegmarkError {
  return new SegmarkError('input-too-large', `${detail}: ${size} bytes, limit ${limit}`, {
    ...(file === undefined ? {} : { file }),
    params: { what, size: mb(size), limit: mb(limit) },
  });
}

/** Refuses a frame of `rows × columns` over `maxVoxels` (before any pixel buffer for it exists). */
export function checkFrame(rows: number, columns: number, maxVoxels: number, file: string): void {
  const voxels = rows * columns;
  if (voxels > maxVoxels) throw tooLarge(`one frame (${columns} × ${rows})`, voxels * 2, maxVoxels * 2, file, `frame of ${voxels} pixels`);
}

/** Refuses a series of `voxels` over `maxVoxels`. */
export function checkSeriesVoxels(voxels: number, maxVoxels: number, shape: string, file: string | undefined): void {
  if (voxels > maxVoxels) throw tooLarge(`the series (${shape})`, voxels * 2, maxVoxels * 2, file, `series of ${voxels} voxels`);
}

/** Refuses a series whose stored bytes are over `maxBytes`. */
export function checkSeriesBytes(bytes: number, maxBytes: number, files: number, file: string | undefined): void {
  if (bytes > maxBytes) throw tooLarge(`the series' ${files} file(s)`, bytes, maxBytes, file, `series files of ${bytes} bytes`);
}
