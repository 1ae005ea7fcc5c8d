/**
 * Coded concepts for what a label means, in the shape DICOM SEG stores them
 * (PS3.3 C.8.20.4, Segment Description Macro): a Segmented Property Category,
 * a Segmented Property Type, and optionally a type modifier, an anatomic
 * region and its modifier. Each is a (Code Value, Coding Scheme Designator,
 * Code Meaning) triplet.
 *
 * Every code below was looked up in a stored copy of a published source and
 * the source is named next to it. Never add a code from memory: a wrong
 * SNOMED CT id in a dataset is silent and permanent.
 *
 * Sources (as read):
 * - [CID 7150] DICOM PS3.16 CID 7150 "Segmentation Property Category",
 *   via bvdh/dicom-terminology-in-fhir
 *   input/fsh/ValueSet-dicom-cid-7150-SegmentationPropertyCategory.fsh.
 * - [CID 7165] CID 7165 "Abstract Segmentation Type",
 *   ValueSet-dicom-cid-7165-AbstractSegmentationType.fsh (same repository).
 * - [CID 7159] CID 7159 "Lesion Segmentation Type" (version 20240611),
 *   ValueSet-dicom-cid-7159-LesionSegmentationType.fsh.
 * - [CID 7604] CID 7604 "Intervertebral Disc" (version 20220922),
 *   ValueSet-dicom-cid-7604-IntervertebralDisc.fsh. Included by CID 7602
 *   "Vertebral Anatomic Structure", which CID 7192 "Anatomical Structure
 *   Segmentation Property Type" includes: these are valid SEG property types.
 * - [CID 6115] CID 6115 "Osseous Anatomy Modifier",
 *   ValueSet-dicom-cid-6115-OsseousAnatomyModifier.fsh.
 * - [TG263] HL7 mCODE IG, ConceptMap TG263 → SNOMED CT
 *   (HL7/fhir-mCODE-ig input/fsh/CM_TG263.fsh and its rendered page).
 *   DICOM lists no vertebral-body concepts (CID 7603 "Vertebra" has whole
 *   vertebrae only), so the per-level body concepts come from here.
 */

/** One coded concept: DICOM Code Sequence item attributes, in our casing. */
export interface CodedConcept {
  readonly codeValue: string;
  /** `SCT` (SNOMED CT) or `DCM` (DICOM) for everything we ship. */
  readonly codingSchemeDesignator: string;
  readonly codeMeaning: string;
}

/** What a label means, for DICOM SEG (and any other coded export). */
export interface SegmentCode {
  /** Segmented Property Category Code Sequence (0062,0003); CID 7150. */
  readonly category: CodedConcept;
  /** Segmented Property Type Code Sequence (0062,000F). */
  readonly type: CodedConcept;
  /** Segmented Property Type Modifier Code Sequence (0062,0011), e.g. laterality. */
  readonly typeModifier?: CodedConcept;
  /** Anatomic Region Sequence (0008,2218): where a non-anatomic segment (a lesion) lies. */
  readonly anatomicRegion?: CodedConcept;
  /** Anatomic Region Modifier Sequence (0008,2220). */
  readonly anatomicRegionModifier?: CodedConcept;
}

function concept(codeValue: string, codingSchemeDesignator: string, codeMeaning: string): CodedConcept {
  return Object.freeze({ codeValue, codingSchemeDesignator, codeMeaning });
}

/** Segmented Property Categories [CID 7150]. */
export const CATEGORY = Object.freeze({
  tissue: concept('85756007', 'SCT', 'Tissue'),
  anatomicalStructure: concept('91723000', 'SCT', 'Anatomical Structure'),
  morphologicallyAbnormalStructure: concept('49755003', 'SCT', 'Morphologically Abnormal Structure'),
});

/** Generic property types. */
export const GENERIC_TYPE = Object.freeze({
  /** [CID 7165]: the abstract "Tissue" type, used with the Tissue category. */
  tissue: concept('85756007', 'SCT', 'Tissue'),
  /** [CID 7159]. */
  lesion: concept('52988006', 'SCT', 'Lesion'),
});

/**
 * Lumbar intervertebral discs, one SNOMED CT concept per level [CID 7604];
 * code meanings exactly as DICOM gives them. SNOMED CT has a concept for
 * each level, so no modifier is needed.
 */
export const LUMBAR_DISC = Object.freeze({
  'L1/L2': concept('80064006', 'SCT', 'L1/L2 disc'),
  'L2/L3': concept('67459009', 'SCT', 'L2/L3 disc'),
  'L3/L4': concept('62551000', 'SCT', 'L3/L4 disc'),
  'L4/L5': concept('84020006', 'SCT', 'L4/L5 disc'),
  'L5/S1': concept('715056000', 'SCT', 'L5/S1 disc'),
});

/**
 * Bodies of the lumbar vertebrae, one SNOMED CT concept per level [TG263]
 * (rows VB_L1 … VB_L5); code meanings are the SNOMED CT preferred terms
 * without the semantic tag. Chosen over DICOM's whole-vertebra concepts
 * (CID 7603, e.g. SCT 66794005 "L1 vertebra") because a disc study traces the
 * body, not the arch and processes.
 */
export const LUMBAR_VERTEBRAL_BODY = Object.freeze({
  L1: concept('61032001', 'SCT', 'Structure of body of first lumbar vertebra'),
  L2: concept('53983007', 'SCT', 'Structure of body of second lumbar vertebra'),
  L3: concept('55492004', 'SCT', 'Structure of body of third lumbar vertebra'),
  L4: concept('71996003', 'SCT', 'Structure of body of fourth lumbar vertebra'),
  L5: concept('21799000', 'SCT', 'Structure of body of fifth lumbar vertebra'),
});

/**
 * The spinal (vertebral) canal: SCT 61853006, listed by DICOM as "Vertebral
 * canal" [CID 6115] and by [TG263] (row SpinalCanal) as "Spinal canal
 * structure". We use DICOM's meaning.
 */
export const SPINAL_CANAL = concept('61853006', 'SCT', 'Vertebral canal');

export type LumbarDiscLevel = keyof typeof LUMBAR_DISC;
export type LumbarVertebra = keyof typeof LUMBAR_VERTEBRAL_BODY;

/** True when both name the same concept (meanings may differ in wording or case). */
export function sameConcept(a: CodedConcept | undefined, b: CodedConcept | undefined): boolean {
  if (!a || !b) return a === b;
  return a.codeValue === b.codeValue && a.codingSchemeDesignator === b.codingSchemeDesignator;
}

/** True for an object with three non-empty string fields. */
export function isCodedConcept(value: unknown): value is CodedConcept {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['codeValue'] === 'string' &&
    v['codeValue'] !== '' &&
    typeof v['codingSchemeDesignator'] === 'string' &&
    v['codingSchemeDesignator'] !== '' &&
    typeof v['codeMeaning'] === 'string' &&
    v['codeMeaning'] !== ''
  );
}

const OPTIONAL_PARTS = ['typeModifier', 'anatomicRegion', 'anatomicRegionModifier'] as const;

/** True for a complete SegmentCode (category and type, optional parts well formed when present). */
export function isSegmentCode(value: unknown): value is SegmentCode {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (!isCodedConcept(v['category']) || !isCodedConcept(v['type'])) return false;
  return OPTIONAL_PARTS.every((k) => v[k] === undefined || isCodedConcept(v[k]));
}

/** A plain, unfrozen copy (structured-clone safe, no undefined-valued keys). */
export function copySegmentCode(code: SegmentCode): SegmentCode {
  const plain = (c: CodedConcept): CodedConcept => ({
    codeValue: c.codeValue,
    codingSchemeDesignator: c.codingSchemeDesignator,
    codeMeaning: c.codeMeaning,
  });
  const out: { -readonly [K in keyof SegmentCode]: SegmentCode[K] } = {
    category: plain(code.category),
    type: plain(code.type),
  };
  for (const k of OPTIONAL_PARTS) {
    const part = code[k];
    if (part) out[k] = plain(part);
  }
  return out;
}
