/**
 * What test/node/support/dataset-check.py reports on a de-identified SEG
 * (`seg`) and on a dataset package (`package`), as export-dataset.test.ts and
 * export-dataset.tools.test.ts read it.
 */

export interface PySeg {
  patientName: string;
  patientID: string;
  patientBirthDate: string;
  patientSex: string;
  accessionNumber: string;
  studyID: string;
  referringPhysicianName: string;
  present: Record<string, boolean>;
  contentCreatorName: string;
  contentDescription: string;
  patientIdentityRemoved: string | null;
  deidentificationMethod: string;
  methodCodes: string[][];
  longitudinalTemporalInformationModified: string | null;
  studyDate: string;
  studyTime: string;
  contentDate: string;
  studyDateShiftDays: number | null;
  studyInstanceUID: string;
  frameOfReferenceUID: string;
  referencedSeriesUID: string;
  referencedSops: string[];
  uiValues: string[];
  expected: { studyInstanceUID: string; frameOfReferenceUID: string; seriesInstanceUID: string; sops: string[] };
  originalUidsInUI: string[];
  originalValuesInBytes: string[];
  framesAtSourcePositions: boolean;
}

export interface PyPackage {
  problems: string[];
  folder: string;
  files: string[];
  datasetJson: { channel_names: Record<string, string>; labels: Record<string, number>; numTraining: number; file_ending: string };
  provenance: {
    annotator: { user?: string; role: string };
    created?: string;
    source: Record<string, unknown>;
    deidentification: unknown;
    labels: { value: number; originalId: number; name: string; category: unknown; review: Record<string, number> }[];
    geometry: { shape: number[]; findings: unknown[] };
    app: { version: string };
  };
  niftiStored: boolean;
  shapes: number[][];
  affinesEqual: boolean;
  labelDtype: string;
  labelValues: number[];
  labelsMatchRemappedInput: boolean;
  imageMatchesInput: boolean;
  leaks: Record<string, string[]>;
  forbiddenCount: number;
}
