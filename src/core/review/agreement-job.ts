/**
 * Agreement as a job the page can run without freezing: one step per label
 * pair (each step is `compareDocuments` on the two sides cut down to that
 * pair), so progress can be shown and the work stopped between labels. The
 * worker (`agreement-worker.ts`) runs the steps in a thread of its own; where
 * workers are refused the runner runs them here, yielding between steps.
 */
import type { DocumentSnapshot } from '../annotation/document-data.js';
import { compareDocuments, type AgreementResult, type LabelAgreement, type ReviewGeometry } from './agreement.js';

export interface AgreementJob {
  readonly a: DocumentSnapshot;
  readonly b: DocumentSnapshot;
  readonly geometry: ReviewGeometry;
}

/**
 * The job split per label, in `compareDocuments`' order (A's labels, then
 * those only B has); labels pair by id. Each part holds only its label's
 * definition and regions on each side.
 */
export function agreementParts(job: AgreementJob): { a: DocumentSnapshot; b: DocumentSnapshot }[] {
  const { a, b } = job;
  const idsB = new Set(b.labels.map((l) => l.id));
  const idsA = new Set(a.labels.map((l) => l.id));
  const ids = [...a.labels.map((l) => l.id), ...b.labels.filter((l) => !idsA.has(l.id)).map((l) => l.id)];
  const only = (doc: DocumentSnapshot, id: number, has: boolean): DocumentSnapshot => ({
    ...doc,
    labels: has ? doc.labels.filter((l) => l.id === id) : [],
    regions: has ? doc.regions.filter((r) => r.labelId === id) : [],
  });
  return ids.map((id) => ({ a: only(a, id, idsA.has(id)), b: only(b, id, idsB.has(id)) }));
}

/** One label pair's agreement (a part from `agreementParts`). */
export function compareLabelPart(part: { a: DocumentSnapshot; b: DocumentSnapshot }, geometry: ReviewGeometry): LabelAgreement {
  return compareDocuments(part.a, part.b, geometry).labels[0]!;
}

/**
 * Runs every step, calling `onProgress(done, total)` after each and waiting
 * `pause()` between steps (so the caller can yield to the page and check a
 * signal, which throws).
 */
export async function runAgreementJob(
  job: AgreementJob,
  onProgress: (done: number, total: number) => void,
  pause: () => Promise<void>,
): Promise<AgreementResult> {
  const parts = agreementParts(job);
  const labels: LabelAgreement[] = [];
  for (const part of parts) {
    await pause();
    labels.push(compareLabelPart(part, job.geometry));
    onProgress(labels.length, parts.length);
  }
  return { labels };
}
