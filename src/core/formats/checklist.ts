/**
 * The export checklist: what must be looked at before an annotation leaves
 * the browser. Blocking findings stop the export until the user fixes them or
 * chooses "export anyway"; notes say what the export will do about something
 * a format cannot represent. Each finding names its label and slices, so the
 * dialog can link to them.
 */
import { sameConcept, GENERIC_TYPE } from '../annotation/codes.js';
import type { Label } from '../annotation/labels.js';
import { deidentifies, exportedLabels, exportGrid, needsImage, type ExportJob } from './export-job.js';
import { gridMisplacements, niftiFindings, niftiSpace, type NiftiFinding, type NiftiGeometry } from './nifti-space.js';
import { resampleGrid } from './resample.js';
import { segChecks, type SegCheckCode } from './seg-checks.js';

export type ChecklistCode =
  | SegCheckCode
  | 'empty-label'
  | 'generic-code'
  | 'pending-interpolation'
  | 'rejected-outline'
  | 'unverified-import'
  | 'unverified-assisted'
  | 'non-uniform-spacing'
  | 'gantry-tilt'
  | 'single-slice'
  | 'qform-precision'
  | 'geometry-roundtrip'
  | 'acquired-grid-misplaced'
  | 'resampled-grid'
  | 'burned-in-annotation'
  | 'recognizable-features';

export interface ChecklistFinding {
  readonly code: ChecklistCode;
  /** `block`: the export waits for a fix or "export anyway"; `note`: the export handles it as `detail` says. */
  readonly severity: 'block' | 'note';
  readonly labelId?: number;
  /** Slices concerned (0-based, sorted), for links; at most a few dozen are listed. */
  readonly slices?: readonly number[];
  readonly params: Readonly<Record<string, string | number>>;
  /** English, for logs and hosts; the dialog formats its own text from code and params. */
  readonly detail: string;
}

/** Formats whose files carry the volume's geometry as a NIfTI affine. */
const NIFTI_FORMATS: ReadonlySet<string> = new Set(['nifti', 'dataset']);

/** Largest distance (mm) a voxel centre may be from its DICOM position after the affine round trip. */
const ROUNDTRIP_TOLERANCE_MM = 0.01;

export function exportChecklist(job: Pick<ExportJob, 'format' | 'options' | 'series' | 'snapshot'>): ChecklistFinding[] {
  const findings = labelFindings(job.snapshot, exportedLabels(job));
  if (NIFTI_FORMATS.has(job.format)) {
    const notes = niftiFindings(job.series);
    const resampled = exportGrid(job) === 'resampled';
    findings.push(...(resampled ? resampledNotes(job.series, notes) : acquiredGridFindings(job.series, notes)));
    // Uneven slices on the acquired grid cannot round-trip by design (the findings above say by how much); otherwise every voxel must.
    const error = resampled ? roundTripError(resampleGrid(job.series).geometry) : notes.some((f) => f.code === 'non-uniform-spacing') ? 0 : roundTripError(job.series);
    if (!(error <= ROUNDTRIP_TOLERANCE_MM)) {
      findings.push({
        code: 'geometry-roundtrip',
        severity: 'block',
        params: { errorMm: error },
        detail: `the file's affine puts a voxel ${error.toFixed(3)} mm from its DICOM position`,
      });
    }
  }
  findings.push(...segChecks(job));
  findings.push(...identifyingPixelFindings(job));
  return findings;
}

/**
 * A de-identified export that carries the CT's pixels (NIfTI with the image,
 * PNG with the CT, the dataset package) from images that say their pixels
 * may identify the patient — text burned in, or a face — blocks: replacing
 * the header does not clear the pixels. Masks alone carry no such pixels.
 */
function identifyingPixelFindings(job: Pick<ExportJob, 'format' | 'options' | 'series'>): ChecklistFinding[] {
  if (!deidentifies(job) || !needsImage(job)) return [];
  const h = job.series.header;
  const out: ChecklistFinding[] = [];
  if (h.burnedInAnnotation) {
    out.push({
      code: 'burned-in-annotation',
      severity: 'block',
      params: { attribute: 'BurnedInAnnotation (0028,0301)' },
      detail: 'the images say they carry burned-in annotation (BurnedInAnnotation YES): text such as the patient\'s name may be in the exported pixels, which de-identification does not remove',
    });
  }
  if (h.recognizableVisualFeatures) {
    out.push({
      code: 'recognizable-features',
      severity: 'block',
      params: { attribute: 'RecognizableVisualFeatures (0028,0302)' },
      detail: 'the images say they show recognizable visual features (RecognizableVisualFeatures YES), e.g. a face, which the exported pixels keep after de-identification',
    });
  }
  return out;
}

/**
 * The NIfTI findings on the acquired grid, as notes; and where the file would
 * put voxels more than half a voxel from their place — uneven slices placed
 * at an even step, or a tilt's shear that the qform (what ITK-based readers,
 * so nnU-Net's default reader, use) cannot hold — one blocking finding: the
 * resampled export is exact, or the user exports this grid anyway.
 */
function acquiredGridFindings(g: NiftiGeometry, notes: readonly NiftiFinding[]): ChecklistFinding[] {
  const out: ChecklistFinding[] = notes.map((f) => {
    const worst = f.params['worstSlice'];
    return { code: f.code, severity: 'note', ...(worst !== undefined ? { slices: [worst] } : {}), params: { ...f.params, handling: f.handling }, detail: f.detail };
  });
  const misplaced = gridMisplacements(g, notes);
  if (misplaced.length) {
    const worst = misplaced.reduce((a, b) => (b.errorMm / b.halfVoxelMm > a.errorMm / a.halfVoxelMm ? b : a));
    out.push({
      code: 'acquired-grid-misplaced',
      severity: 'block',
      params: { errorMm: worst.errorMm, halfVoxelMm: worst.halfVoxelMm, cause: worst.code },
      detail:
        `on the acquired grid the NIfTI puts voxels up to ${worst.errorMm.toFixed(2)} mm from their place ` +
        `(${worst.code === 'gantry-tilt' ? 'the qform, which ITK-based readers use, cannot hold the gantry tilt' : 'uneven slices placed at an even step'}), ` +
        `more than half a voxel (${worst.halfVoxelMm.toFixed(2)} mm): the resampled export (a regular grid along the slice normal) is exact in sform and qform; ` +
        'export anyway to keep the acquired slices',
    });
  }
  return out;
}

/** On the resampled grid: one note saying how it was made, in place of the spacing and tilt notes (the rest, e.g. the qform's precision, stay). */
function resampledNotes(g: NiftiGeometry, notes: readonly NiftiFinding[]): ChecklistFinding[] {
  const grid = resampleGrid(g);
  const out: ChecklistFinding[] = notes
    .filter((f) => f.code !== 'non-uniform-spacing' && f.code !== 'gantry-tilt')
    .map((f) => ({ code: f.code, severity: 'note', params: { ...f.params, handling: f.handling }, detail: f.detail }));
  const tilt = notes.find((f) => f.code === 'gantry-tilt')?.params['tiltDeg'] ?? 0;
  out.unshift({
    code: 'resampled-grid',
    severity: 'note',
    params: { step: grid.step, slices: grid.geometry.slices, acquiredSlices: g.slices, tiltDeg: tilt, rule: grid.rule },
    detail:
      `written on a regular grid of ${grid.geometry.slices} slices ${grid.step.toFixed(2)} mm apart along the slice normal ` +
      `(${g.slices} acquired${tilt ? `, gantry tilt ${tilt.toFixed(1)}°` : ''}): the CT linear between the acquired slices, ` +
      'labels shape-based between their outlines; sform and qform are the same exact transform',
  });
  return out;
}

function isGeneric(label: Label): boolean {
  return sameConcept(label.code.type, GENERIC_TYPE.tissue);
}

/**
 * Largest distance (mm) between where the sform puts the corner voxels of
 * each slice and where the DICOM geometry has them — a check of the whole
 * affine path (LPS → RAS, axis order, slice direction) on this series.
 */
export function roundTripError(g: NiftiGeometry): number {
  const { sform } = niftiSpace(g);
  const [dCol, dRow] = [g.spacing[0], g.spacing[1]];
  let worst = 0;
  const corners: [number, number][] = [
    [0, 0],
    [g.columns - 1, 0],
    [0, g.rows - 1],
    [g.columns - 1, g.rows - 1],
  ];
  // Twenty slices spread over the stack, first and last included.
  const sample = new Set([g.slices - 1]);
  for (let k = 0; k < g.slices; k += Math.max(1, Math.ceil(g.slices / 20))) sample.add(k);
  for (const k of sample) {
    const p = g.planes[k]!.position;
    for (const [i, j] of corners) {
      // DICOM: centre of pixel (i, j) of slice k, LPS; the file: the sform's RAS, x and y negated back.
      const lps = [0, 1, 2].map((a) => p[a]! + i * dCol * g.rowCosine[a]! + j * dRow * g.columnCosine[a]!);
      const ras = sform.map((row) => row[0] * i + row[1] * j + row[2] * k + row[3]);
      const d = Math.hypot(ras[0]! + lps[0]!, ras[1]! + lps[1]!, ras[2]! - lps[2]!);
      if (!(d <= worst)) worst = d;
    }
  }
  return worst;
}

/**
 * What the labels' outlines say, whatever the format: a label with nothing
 * drawn, interpolations not accepted, outlines rejected in review and not
 * corrected, imported or assisted outlines no person has verified.
 */
export function labelFindings(snapshot: Pick<ExportJob['snapshot'], 'regions'>, labels: readonly Label[]): ChecklistFinding[] {
  const findings: ChecklistFinding[] = [];
  const regions = snapshot.regions;
  for (const label of labels) {
    const mine = regions.filter((r) => r.labelId === label.id);
    if (mine.length === 0) {
      findings.push({
        code: 'empty-label',
        severity: 'block',
        labelId: label.id,
        params: { label: label.name },
        detail: `${label.name} has no outline on any slice (a SEG declares it as an empty segment)`,
      });
    }
    if (isGeneric(label)) {
      findings.push({
        code: 'generic-code',
        severity: 'block',
        labelId: label.id,
        params: { label: label.name },
        detail: `${label.name} has no specific coded meaning (only the generic "Tissue"): pick its structure in the label panel`,
      });
    }
    const pending = mine.filter((r) => r.origin === 'interpolated' && !r.verified).map((r) => r.slice).sort((a, b) => a - b);
    if (pending.length) {
      findings.push({
        code: 'pending-interpolation',
        severity: 'block',
        labelId: label.id,
        slices: pending,
        params: { label: label.name, count: pending.length },
        detail: `${label.name}: ${pending.length} interpolated outline(s) not yet accepted`,
      });
    }
    const rejected = mine.filter((r) => r.review?.state === 'rejected').map((r) => r.slice).sort((a, b) => a - b);
    if (rejected.length) {
      findings.push({
        code: 'rejected-outline',
        severity: 'block',
        labelId: label.id,
        slices: rejected,
        params: { label: label.name, count: rejected.length },
        detail: `${label.name}: ${rejected.length} outline(s) rejected in review and not yet corrected`,
      });
    }
    const unchecked = mine.filter((r) => r.origin === 'imported' && !r.verified && r.review?.state !== 'rejected').map((r) => r.slice).sort((a, b) => a - b);
    if (unchecked.length) {
      findings.push({
        code: 'unverified-import',
        severity: 'block',
        labelId: label.id,
        slices: unchecked,
        params: { label: label.name, count: unchecked.length },
        detail: `${label.name}: ${unchecked.length} imported outline(s) not yet verified by a person`,
      });
    }
    // Assisted outlines are machine work like imports: checked by a person before they leave (rejected ones are listed above).
    const assisted = mine.filter((r) => r.origin === 'assisted' && !r.verified && r.review?.state !== 'rejected').map((r) => r.slice).sort((a, b) => a - b);
    if (assisted.length) {
      findings.push({
        code: 'unverified-assisted',
        severity: 'block',
        labelId: label.id,
        slices: assisted,
        params: { label: label.name, count: assisted.length },
        detail: `${label.name}: ${assisted.length} outline(s) made with assisted tools not yet verified by a person`,
      });
    }
  }
  return findings;
}
