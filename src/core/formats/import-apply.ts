/**
 * Puts imported masks into the document, to be corrected: each imported
 * label finds its label in the document (same coded meaning, else the same
 * name, else — for a bare labelmap — the label with that id) or becomes a new
 * one; each (label, slice) mask becomes an editable outline (marching
 * squares, exact), origin "imported", not verified, its provenance naming the
 * file and the algorithm the file names (SEG SegmentAlgorithmName/Type, NIfTI
 * sidecar `algorithm`). The whole import is one undo step.
 */
import { maskToRegion } from '../annotation/contour.js';
import { sameConcept } from '../annotation/codes.js';
import type { AnnotationDocument, RegionProvenance } from '../annotation/document.js';
import { MAX_LABEL_ID, type Label } from '../annotation/labels.js';
import { SegmarkError } from '../errors.js';
import type { Region } from '../annotation/region.js';
import type { ImportedLabel, ImportedMasks } from './import-common.js';

/**
 * An import with its masks already traced into outlines: what the export
 * worker sends back (`ExportRunner.readMask`), so that the tracing, like the
 * reading, is done off the page.
 */
export interface ImportedRegions extends Omit<ImportedMasks, 'masks'> {
  /** Per label value (every label has an entry): slice index → outline, non-empty slices only, in slice order. */
  regions: Map<number, Map<number, Region>>;
}

/** Traces every mask into an editable outline (marching squares, exact). */
export function importedRegions(imported: ImportedMasks, columns: number, rows: number): ImportedRegions {
  const { masks, ...rest } = imported;
  const regions = new Map<number, Map<number, Region>>();
  for (const [value, slices] of masks) {
    regions.set(value, new Map([...slices].sort((a, b) => a[0] - b[0]).map(([slice, mask]) => [slice, maskToRegion(mask, columns, rows)])));
  }
  return { ...rest, regions };
}

export interface AppliedLabel {
  /** The document label the import went into. */
  id: number;
  name: string;
  /** True when the import created it. */
  created: boolean;
  slices: number;
}

export interface ImportSummary {
  labels: AppliedLabel[];
  regions: number;
  /** Labels left out because they are locked in the document. */
  skippedLocked: string[];
}

export interface ApplyOptions {
  /** Undo-menu text. */
  historyLabel: string;
  /** Values of a labelmap without names or codes are read as the document's label ids (default true). */
  valuesAreIds?: boolean;
  /** The imported file's name, kept in each region's provenance. */
  file?: string;
}

/**
 * An import is atomic: before anything changes, the labels it would have to
 * create (imported labels with outlines that match no label of the document,
 * the same name or code counted once) must fit in the label values left;
 * otherwise `label-limit` naming the file, and the document is untouched.
 */
function checkLabelBudget(document: AnnotationDocument, labels: readonly ImportedLabel[], outlines: ReadonlyMap<number, ReadonlyMap<number, Region>>, options: ApplyOptions): void {
  const created = new Set<string>();
  for (const source of labels) {
    if (!outlines.get(source.value)?.size || match(document, source, options.valuesAreIds ?? true)) continue;
    created.add(source.code ? `code:${source.code.category.codeValue}/${source.code.type.codeValue}` : source.name ? `name:${source.name.trim().toLowerCase()}` : `value:${source.value}`);
  }
  const free = MAX_LABEL_ID - document.labels.length;
  if (created.size > free) {
    throw new SegmarkError('label-limit', `${options.file ?? 'the import'} needs ${created.size} new labels; ${free} of ${MAX_LABEL_ID} label values are free`, {
      ...(options.file ? { file: options.file } : {}),
      params: { max: MAX_LABEL_ID, needed: created.size, free },
    });
  }
}

/** The document label an imported one belongs to, if any. */
function match(document: AnnotationDocument, imported: ImportedLabel, valuesAreIds: boolean): Label | undefined {
  const labels = document.labels;
  if (imported.code) {
    const code = imported.code;
    const byCode = labels.find((l) => sameConcept(l.code.type, code.type) && sameConcept(l.code.category, code.category));
    if (byCode) return byCode;
  }
  if (imported.name) {
    const name = imported.name.trim().toLowerCase();
    const byName = labels.find((l) => l.name.trim().toLowerCase() === name);
    if (byName) return byName;
  }
  if (!imported.name && !imported.code && valuesAreIds) return labels.find((l) => l.id === imported.value);
  return undefined;
}

export function applyImport(document: AnnotationDocument, imported: ImportedMasks | ImportedRegions, options: ApplyOptions): ImportSummary {
  const { columns, rows } = document.series;
  const outlines = 'regions' in imported ? imported.regions : importedRegions(imported, columns, rows).regions;
  checkLabelBudget(document, imported.labels, outlines, options);
  const summary: ImportSummary = { labels: [], regions: 0, skippedLocked: [] };
  const paintMode = document.paintMode;
  document.beginStroke(options.historyLabel);
  try {
    // An import replaces what it covers; its own labels cut each other in its order (later wins, as the importers say).
    document.paintMode = 'over-others';
    for (const source of imported.labels) {
      const regions = outlines.get(source.value);
      if (!regions || regions.size === 0) continue;
      let label = match(document, source, options.valuesAreIds ?? true);
      const created = !label;
      label ??= document.addLabel({
        name: source.name ?? `Label ${source.value}`,
        ...(source.color ? { color: source.color } : {}),
        ...(source.code ? { code: source.code } : {}),
      });
      if (label.locked) {
        summary.skippedLocked.push(label.name);
        continue;
      }
      const provenance: RegionProvenance = {
        ...(options.file ? { file: options.file } : {}),
        ...(source.algorithm ? { algorithm: source.algorithm } : {}),
        ...(source.algorithmType ? { algorithmType: source.algorithmType } : {}),
      };
      for (const [slice, region] of regions) {
        document.setRegion(label.id, slice, region, { kind: 'import', origin: 'imported', verified: false, provenance });
        summary.regions++;
      }
      summary.labels.push({ id: label.id, name: label.name, created, slices: regions.size });
    }
  } finally {
    document.paintMode = paintMode;
    document.commitStroke();
  }
  return summary;
}
