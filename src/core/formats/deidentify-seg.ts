/**
 * A de-identified copy of the SEG writer's input (see `deidentify.ts` for
 * what the profile asks of each attribute). The masks, geometry and segment
 * descriptions are shared, not copied: they say nothing about the patient.
 */
import { DUMMY_INSTANT, type Deidentifier } from './deidentify.js';
import type { SegWriteInput } from './seg-input.js';

/** `input` with the patient, study, dates, people and every source UID replaced, and the SEG marked de-identified. */
export function deidentifySegInput(input: SegWriteInput, d: Deidentifier): SegWriteInput {
  const { source } = input;
  const content = input.content ?? {};
  return {
    ...input,
    source: {
      patientName: d.caseId,
      patientID: d.caseId,
      patientBirthDate: '',
      patientSex: d.retainPatientCharacteristics ? source.patientSex : '',
      studyInstanceUID: d.uid(source.studyInstanceUID, 'study'),
      studyDate: d.date(source.studyDate),
      studyTime: d.time(source.studyTime),
      referringPhysicianName: '',
      studyID: '',
      accessionNumber: '',
      studyDescription: '',
      seriesInstanceUID: d.uid(source.seriesInstanceUID, 'series'),
      sopClassUID: source.sopClassUID,
      frameOfReferenceUID: d.uid(source.frameOfReferenceUID, 'frame-of-reference'),
    },
    slices: input.slices.map((s, k) => ({ ...s, sopInstanceUID: d.uid(s.sopInstanceUID, 'sop-instance', k) })),
    content: {
      // The label names what was segmented and the numbers are ours; the rest is free text or a person.
      ...(content.label === undefined ? {} : { label: content.label }),
      ...(content.seriesNumber === undefined ? {} : { seriesNumber: content.seriesNumber }),
      ...(content.instanceNumber === undefined ? {} : { instanceNumber: content.instanceNumber }),
      description: '',
      creatorName: '',
      seriesDescription: '',
    },
    now: d.instant(input.now ?? new Date()) ?? DUMMY_INSTANT,
    deidentification: { method: d.method, methodCodes: d.methodCodes, temporalInformation: d.temporalInformation },
  };
}
