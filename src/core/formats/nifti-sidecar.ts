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
  /** In label-list order. */
  readonly labels: readonly SidecarLabel[];
}

/** The sidecar for `labels`; `JSON.stringify` it to write the file. */
export function niftiLabelSidecar(labels: readonly (Label & { provenance?: LabelProvenanceJson })[], image?: string): NiftiLabelSidecar {
  return {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    ...(image === undefined ? {} : { image }),
    background: 0,
    labels: labels.map((l) => ({
      id: l.id,
      name: l.name,
      color: [l.color[0], l.color[1], l.color[2]],
      ...copySegmentCode(l.code),
      ...(l.provenance ? { provenance: l.provenance } : {}),
    })),
  };
}
