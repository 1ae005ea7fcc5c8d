/**
 * Mask import onto an open series: one function per source, one plain result
 * (`ImportedMasks`) that the annotator turns into editable regions with
 * `maskToRegion`. Pure: no DOM, runs in Node, a worker or the page.
 *
 * - `importNifti` — a labelmap .nii/.nii.gz holding the series' own voxels in any axis order.
 * - `importSeg` — a DICOM SEG, frames placed by referenced image or by position.
 */
export {
  GEOMETRY_TOLERANCE_MM,
  IMPORT_WARNING_CODES,
  type GeometryAspect,
  type ImportedLabel,
  type ImportedMasks,
  type ImportOptions,
  type ImportTarget,
  type ImportWarning,
  type ImportWarningCode,
} from './import-common.js';
export { importNifti, type NiftiImportOptions } from './import-nifti.js';
export { importSeg } from './import-seg.js';
