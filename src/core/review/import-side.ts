/**
 * A mask file (a model's output, a colleague's export) as the other side of a
 * comparison: read onto the open series by the importers, its labels matched
 * to the open document's the way an import matches them (code, then name,
 * then a bare labelmap's value as id), into a snapshot of its own. The open
 * document is not touched.
 */
import type { DocumentSnapshot } from '../annotation/document-data.js';
import { AnnotationDocument } from '../annotation/document.js';
import { REGION_OPS } from '../annotation/region-ops.js';
import { applyImport, type ImportedRegions } from '../formats/import-apply.js';
import type { ImportedMasks } from '../formats/import-common.js';

/** A snapshot of `reference`'s series and labels (unlocked, so none is skipped) holding only the imported regions. */
export function snapshotFromImport(reference: DocumentSnapshot, imported: ImportedMasks | ImportedRegions, name: string): DocumentSnapshot {
  const empty: DocumentSnapshot = { ...reference, labels: reference.labels.map((l) => ({ ...l, locked: false })), regions: [] };
  const document = AnnotationDocument.fromSnapshot(empty, REGION_OPS, { history: { maxSteps: 1 } });
  applyImport(document, imported, { historyLabel: `Import ${name}` });
  const snapshot = document.snapshot();
  // Only the labels the file filled: the reference's empty ones would show as "both empty" rows.
  const used = new Set(snapshot.regions.map((r) => r.labelId));
  return { ...snapshot, labels: snapshot.labels.filter((l) => used.has(l.id)) };
}
