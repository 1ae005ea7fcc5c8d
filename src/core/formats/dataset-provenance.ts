/**
 * `provenance.json` of a dataset package: who annotated the case and when,
 * which app wrote it, what each label value means and how much of it a
 * person has checked (review counts by origin and state, the imported
 * files and algorithms, the people who drew, edited and reviewed, the
 * rejected slices and those flagged as a missed structure:
 * `region-provenance.ts`), which series it came from, and what the NIfTI
 * files cannot say exactly (tilt, uneven spacing). Built identified; the package
 * passes it through `deidentifyJson` when it de-identifies.
 */
import type { CodedConcept, SegmentCode } from '../annotation/codes.js';
import type { DocumentSnapshot } from '../annotation/document-data.js';
import type { DatasetLabel } from './dataset-labels.js';
import type { Deidentifier } from './deidentify.js';
import type { JsonValue } from './deidentify-json.js';
import { missedByLabel, provenanceJson, regionsByLabel } from './region-provenance.js';
import type { NiftiFinding } from './nifti-space.js';
import type { SegSource } from './seg-input.js';
import { reviewProvenance } from '../review/record.js';

export const PROVENANCE_FORMAT = 'segmark-dataset-provenance';
export const PROVENANCE_VERSION = 1;

/** The source series' patient and study attributes and UIDs; a `SegSource` fits as it is. */
export type DatasetSource = Omit<SegSource, 'sopClassUID'> & { readonly sopClassUID?: string };

export interface DatasetAnnotator {
  /** The annotator's name, as the host page gives it (`user`). */
  readonly user: string;
  /** Their role, e.g. "radiologist" (`role`). */
  readonly role: string;
}


export interface ProvenanceInput {
  readonly appVersion: string;
  readonly folder: string;
  readonly caseId: string;
  readonly files: { readonly image: string; readonly label: string };
  readonly annotator: DatasetAnnotator;
  readonly created: Date | undefined;
  readonly updated: Date | undefined;
  readonly exported: Date;
  readonly document: DocumentSnapshot;
  readonly labels: readonly DatasetLabel[];
  readonly source: DatasetSource;
  readonly shape: readonly [number, number, number];
  readonly findings: readonly NiftiFinding[];
  readonly deidentifier: Deidentifier | undefined;
}

/** The provenance as plain JSON, identified (see the module comment). */
export function buildProvenance(p: ProvenanceInput): JsonValue {
  const byLabel = regionsByLabel(p.document);
  const missed = missedByLabel(p.document);
  const byId = new Map(p.document.labels.map((l) => [l.id, l]));
  const d = p.deidentifier;
  const labels: JsonValue[] = p.labels.map((l) => {
    const label = byId.get(l.originalId)!;
    return {
      value: l.value,
      originalId: l.originalId,
      name: l.name,
      color: [...label.color],
      ...codeJson(label.code),
      ...provenanceJson(byLabel.get(l.originalId) ?? [], missed.get(l.originalId)),
    };
  });
  return {
    format: PROVENANCE_FORMAT,
    version: PROVENANCE_VERSION,
    app: { name: 'Segmark', version: p.appVersion },
    dataset: { folder: p.folder, case: p.caseId, files: { ...p.files } },
    annotator: { user: p.annotator.user, role: p.annotator.role },
    ...(p.created ? { created: p.created.toISOString() } : {}),
    ...(p.updated ? { updated: p.updated.toISOString() } : {}),
    exported: p.exported.toISOString(),
    deidentification: d
      ? {
          method: d.method,
          methodCodes: d.methodCodes.map((c) => ({ ...c })),
          dates: d.dates,
          temporalInformation: d.temporalInformation,
        }
      : null,
    source: { ...sourceJson(p.source), sopInstanceUIDs: [...p.document.series.sopInstanceUIDs] },
    labels,
    geometry: {
      shape: [...p.shape],
      findings: p.findings.map((f) => ({ code: f.code, handling: f.handling, params: { ...f.params }, detail: f.detail })),
    },
    // The document's review record (status, audit trail, comment counts, active time), when it has one.
    ...(p.document.review ? { review: reviewProvenance(p.document.review) } : {}),
  };
}

/** The segment code's parts (category, type, and the optional ones present), as the SEG export writes them. */
function codeJson(code: SegmentCode): { [key: string]: JsonValue } {
  const concept = (c: CodedConcept) => ({ codeValue: c.codeValue, codingSchemeDesignator: c.codingSchemeDesignator, codeMeaning: c.codeMeaning });
  const out: { [key: string]: JsonValue } = { category: concept(code.category), type: concept(code.type) };
  for (const part of ['typeModifier', 'anatomicRegion', 'anatomicRegionModifier'] as const) {
    const c = code[part];
    if (c) out[part] = concept(c);
  }
  return out;
}

function sourceJson(s: DatasetSource): { [key: string]: JsonValue } {
  return {
    patientName: s.patientName,
    patientID: s.patientID,
    patientBirthDate: s.patientBirthDate,
    patientSex: s.patientSex,
    studyInstanceUID: s.studyInstanceUID,
    studyDate: s.studyDate,
    studyTime: s.studyTime,
    referringPhysicianName: s.referringPhysicianName,
    studyID: s.studyID,
    accessionNumber: s.accessionNumber,
    studyDescription: s.studyDescription,
    seriesInstanceUID: s.seriesInstanceUID,
    frameOfReferenceUID: s.frameOfReferenceUID,
    ...(s.sopClassUID ? { sopClassUID: s.sopClassUID } : {}),
  };
}
