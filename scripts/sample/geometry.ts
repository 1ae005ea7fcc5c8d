/**
 * Geometry of the synthetic lumbar CT series. Patient space is DICOM LPS in
 * millimetres (x → patient left, y → posterior, z → head); slices are axial
 * with ImageOrientationPatient 1\0\0\0\1\0, so columns run along +x and rows
 * along +y (patient right on the image left, anterior at the top).
 *
 * Slice index k follows ARCHITECTURE's sorted order: ascending along the normal
 * (+z), so k = 0 is the most inferior slice. Instance numbers count the other
 * way, as a scanner going head to feet would: instance 1 is the top slice.
 */

export const SAMPLE_ROWS = 384;
export const SAMPLE_COLUMNS = 384;
/** Pixel spacing in both directions (mm): 384 × 0.78125 = 300 mm field of view. */
export const SAMPLE_PIXEL_SPACING = 0.78125;
export const SAMPLE_SLICES = 70;
/** Slice thickness and spacing between slice centres (mm): contiguous slices. */
export const SAMPLE_SLICE_THICKNESS = 3;
/** z of the centre of slice 0 (mm). The stack spans z ∈ [−105, 105]. */
export const SAMPLE_FIRST_Z = -103.5;

/** x (and y) of the centre of the first pixel: the field of view is centred on the origin. */
export const SAMPLE_ORIGIN_XY = -(SAMPLE_COLUMNS * SAMPLE_PIXEL_SPACING) / 2 + SAMPLE_PIXEL_SPACING / 2;

/** z of the centre of slice k (sorted order). */
export function sliceZ(k: number): number {
  return SAMPLE_FIRST_Z + k * SAMPLE_SLICE_THICKNESS;
}

/** InstanceNumber of slice k: scanner order, superior first. */
export function instanceNumberOf(k: number): number {
  return SAMPLE_SLICES - k;
}

/** File name of slice k inside sample-dicom/: named by instance number, so names do not sort inferior-first. */
export function fileNameOf(k: number): string {
  return `IM${String(instanceNumberOf(k)).padStart(4, '0')}.dcm`;
}

/** ImagePositionPatient of slice k: the centre of its first pixel. */
export function imagePositionOf(k: number): [number, number, number] {
  return [SAMPLE_ORIGIN_XY, SAMPLE_ORIGIN_XY, sliceZ(k)];
}

/** Patient x of the centre of column c. */
export function columnX(c: number): number {
  return SAMPLE_ORIGIN_XY + c * SAMPLE_PIXEL_SPACING;
}

/** Patient y of the centre of row r. */
export function rowY(r: number): number {
  return SAMPLE_ORIGIN_XY + r * SAMPLE_PIXEL_SPACING;
}
