/**
 * The JSON that travels next to a labelmap .nii.gz: what each value means.
 * NIfTI has no room for label names (intent_name is 16 bytes), so dataset
 * tools read them from here — names, display colour and the coded concepts
 * the DICOM SEG export uses, so both exports describe a label the same way.
 */
import { copySegmentCode, type CodedConcept } from '../annotation/codes.js';
import type { Label } from '../annotation/labels.js';
import type { JsonValue } from './deidentify-json.js';

/** How a label's regions came to be and who checked them (`provenanceJson`), as an export's record carries it. */
export type LabelProvenanceJson = { readonly [key: string]: JsonValue };

export const SIDECAR_FORMAT = 'segmark-nifti-labels';
export const SIDECAR_VERSION = 1;

export interface SidecarLabel {
  /** The voxel value. */
  readonly id: number;
  readonly name: string;
  /** sRGB 0..255. */
  readonly color: readonly [number, number, number];
  /** Segmented Property Category. */
  readonly category: CodedConcept;
  /** Segmented Property Type. */
  readonly type: CodedConcept;
  readonly typeModifier?: CodedConcept;
  readonly anatomicRegion?: CodedConcept;
  readonly anatomicRegionModifier?: CodedConcept;
  /** Review counts, sources and people, when the export knows the regions. */
  readonly provenance?: LabelProvenanceJson;
}

export interface NiftiLabelSidecar {
  readonly format: typeof SIDECAR_FORMAT;
  readonly version: typeof SIDECAR_VERSION;
  /** The labelmap file this describes, when the caller names it. */
  readonly image?: string;
  /** The value of unlabelled voxels. */
  readonly background: 0;
  /**
   * The grid of the files: `acquired` (the slices as acquired) or `resampled`
   * (a regular grid along the image plane's normal, for uneven or tilted series).
   */
  readonly grid?: 'acquired' | 'resampled';
  /**
   * With the CT image: the value of its voxels outside the reconstructed field
   * (PixelPaddingValue in HU, as the scanner stored it, e.g. −1500), so a
   * pipeline can mask them out; null when the series declares none.
   */
  readonly imagePadding?: number | null;
  /** In label-list order. */
  readonly labels: readonly SidecarLabel[];
}

/** The sidecar for `labels`; `JSON.stringify` it to write the file. */
export function niftiLabelSidecar(
  labels: readonly (Label & { provenance?: LabelProvenanceJson })[],
  image?: string,
  files: Pick<NiftiLabelSidecar, 'grid' | 'imagePadding'> = {},
): NiftiLabelSidecar {
  return {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    ...(image === undefined ? {} : { image }),
    background: 0,
    ...(files.grid === undefined ? {} : { grid: files.grid }),
    ...(files.imagePadding === undefined ? {} : { imagePadding: files.imagePadding }),
    labels: labels.map((l) => ({
      id: l.id,
      name: l.name,
      color: [l.color[0], l.color[1], l.color[2]],
      ...copySegmentCode(l.code),
      ...(l.provenance ? { provenance: l.provenance } : {}),
    })),
  };
}
