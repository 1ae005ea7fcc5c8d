/**
 * Refine a label in 3-D: Islands (keep the largest, remove those under a
 * volume, keep the one clicked), Smoothing (closing, opening, median) and
 * Margin (grow, shrink), as Slicer's Segment Editor effects, on the label's
 * outlines across every slice it has.
 *
 * The label's regions are rasterised into one box mask (the label's slices
 * and pixel bounds, widened by the operation's reach plus one voxel so that
 * the box's edge is background, clamped to the series), the operation of
 * core/assist/morphology.ts runs on it — here, or in the worker `run` hands
 * it to — and the result is written back with `applyBoxMask`: one undo step,
 * origin 'assisted', unverified, with the method ('islands', 'smoothing',
 * 'margin') and its parameters; the annotator's `segmark-change` says 'assist'.
 *
 * Tests: test/node/refine.test.ts (each operation on a synthetic document,
 * anisotropic margin against brute force, undo, provenance, refusals) and
 * test/browser/refine.test.ts (the panel, with the real mouse and keyboard).
 */
import type { AnnotationDocument } from '../core/annotation/document.js';
import { rasterizeRegionInBox, regionPixelBounds } from '../core/annotation/rasterize.js';
import type { AlgorithmParameters } from '../core/annotation/document-data.js';
import { applyBoxMask } from '../core/assist/apply-mask.js';
import type { AssistRunner } from '../core/assist/assist-runner.js';
import { boxSize, type BoxSpacing, type Voxel, type VoxelBox } from '../core/assist/box.js';
import { islands, margin, median, smooth } from '../core/assist/morphology.js';
import { SegmarkError } from '../core/errors.js';
import type { AnnotatorSession } from './annotator-session.js';

/** One refinement. `keep-clicked` names its voxel in volume coordinates `[column, row, slice]`. */
export type RefineOperation =
  | { readonly op: 'keep-largest' }
  | { readonly op: 'remove-small'; readonly minMm3: number }
  | { readonly op: 'keep-clicked'; readonly voxel: Voxel }
  | { readonly op: 'closing' | 'opening'; readonly radiusMm: number }
  | { readonly op: 'median' }
  /** Grow (mm > 0) or shrink (mm < 0). */
  | { readonly op: 'margin'; readonly mm: number };

/** Runs an operation on a box mask: `runRefineOperation` here, or a worker that does the same. */
export type RefineRunner = (op: RefineOperation, mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing) => Promise<Uint8Array>;

/** The Refine panel's numbers, kept in the session (`ViewState.refine`). */
export interface RefineParameters {
  /** Remove islands smaller than this (mm³). */
  readonly minIslandMm3: number;
  /** Closing and opening radius (mm). */
  readonly radiusMm: number;
  /** Grow and shrink distance (mm). */
  readonly marginMm: number;
}

export const DEFAULT_REFINE: RefineParameters = { minIslandMm3: 100, radiusMm: 1, marginMm: 1 };

/** The parameters with each number finite and ≥ 0 (a bad one keeps `fallback`'s). */
export function refineParameters(value: RefineParameters, fallback: RefineParameters = DEFAULT_REFINE): RefineParameters {
  const ok = (v: number, d: number) => (Number.isFinite(v) && v >= 0 ? v : d);
  return {
    minIslandMm3: ok(value.minIslandMm3, fallback.minIslandMm3),
    radiusMm: ok(value.radiusMm, fallback.radiusMm),
    marginMm: ok(value.marginMm, fallback.marginMm),
  };
}

/** What `refineLabel` works on: a document and the spacing of its series. */
export interface RefineTarget {
  readonly document: AnnotationDocument;
  readonly volume: { readonly spacing: readonly [number, number, number] };
}

export interface RefineOptions {
  /** Where the operation runs (default: on this thread). */
  run?: RefineRunner;
  signal?: AbortSignal;
}

/** The method recorded in the provenance and its parameters. */
export function refineProvenance(operation: RefineOperation): { method: 'islands' | 'smoothing' | 'margin'; parameters: AlgorithmParameters } {
  switch (operation.op) {
    case 'keep-largest':
      return { method: 'islands', parameters: { mode: 'keep-largest' } };
    case 'remove-small':
      return { method: 'islands', parameters: { mode: 'remove-smaller', minMm3: operation.minMm3 } };
    case 'keep-clicked': {
      const [column, row, slice] = operation.voxel;
      return { method: 'islands', parameters: { mode: 'keep-clicked', column, row, slice } };
    }
    case 'closing':
    case 'opening':
      return { method: 'smoothing', parameters: { kind: operation.op, radiusMm: operation.radiusMm } };
    case 'median':
      return { method: 'smoothing', parameters: { kind: 'median' } };
    case 'margin':
      return { method: 'margin', parameters: { mm: operation.mm } };
  }
}

/** How far (mm) the operation can reach beyond the label: the box grows by this, plus one voxel. */
function reachMm(operation: RefineOperation): number {
  switch (operation.op) {
    case 'closing':
    case 'opening':
      return operation.radiusMm;
    case 'margin':
      return Math.max(0, operation.mm);
    default:
      return 0;
  }
}

function checkOperation(operation: RefineOperation): void {
  const bad = (v: number, min = 0) => !Number.isFinite(v) || v < min;
  const wrong =
    (operation.op === 'remove-small' && bad(operation.minMm3)) ||
    ((operation.op === 'closing' || operation.op === 'opening') && bad(operation.radiusMm)) ||
    (operation.op === 'margin' && bad(operation.mm, -Infinity)) ||
    (operation.op === 'keep-clicked' && !operation.voxel.every((v) => Number.isInteger(v)));
  if (wrong) throw new SegmarkError('bad-argument', `refine ${JSON.stringify(operation)}`, { params: { argument: operation.op } });
}

/** The operation on a box mask, on this thread (the default `RefineRunner`, and what a worker runs). */
export function runRefineOperation(operation: RefineOperation, mask: Uint8Array, box: VoxelBox, spacing: BoxSpacing): Uint8Array {
  switch (operation.op) {
    case 'keep-largest':
      return islands(mask, box, spacing, { mode: 'keep-largest' });
    case 'remove-small':
      return islands(mask, box, spacing, { mode: 'remove-smaller', minMm3: operation.minMm3 });
    case 'keep-clicked': {
      // A click outside the label's box holds none of it: nothing is kept.
      const voxel = clickedInBox(operation, box);
      return voxel ? islands(mask, box, spacing, { mode: 'keep-clicked', voxel }) : new Uint8Array(mask.length);
    }
    case 'closing':
    case 'opening':
      return smooth(mask, box, spacing, { kind: operation.op, radiusMm: operation.radiusMm });
    case 'median':
      return median(mask, box);
    case 'margin':
      return margin(mask, box, spacing, operation.mm);
  }
}

/** The box voxel of a `keep-clicked` operation, or undefined when the click is outside the box (it then holds none of the label). */
function clickedInBox(operation: { voxel: Voxel }, box: VoxelBox): Voxel | undefined {
  const [c, r, k] = operation.voxel;
  const v: Voxel = [c - box.c0, r - box.r0, k - box.k0];
  return v[0] >= 0 && v[1] >= 0 && v[2] >= 0 && v[0] < box.columns && v[1] < box.rows && v[2] < box.slices ? v : undefined;
}

/** The morphology calls of the assist worker's runner (core/assist/assist-runner.ts). */
export type MorphologyRunner = Pick<AssistRunner, 'islands' | 'smooth' | 'median' | 'margin'>;

/** A `RefineRunner` that computes in the assist worker; the mask is handed over to it (refineLabel does not read it again). */
export function workerRefineRunner(runner: MorphologyRunner): RefineRunner {
  return async (operation, mask, box, spacing) => {
    switch (operation.op) {
      case 'keep-largest':
        return runner.islands(mask, box, spacing, { mode: 'keep-largest' });
      case 'remove-small':
        return runner.islands(mask, box, spacing, { mode: 'remove-smaller', minMm3: operation.minMm3 });
      case 'keep-clicked': {
        const voxel = clickedInBox(operation, box);
        return voxel ? runner.islands(mask, box, spacing, { mode: 'keep-clicked', voxel }) : new Uint8Array(mask.length);
      }
      case 'closing':
      case 'opening':
        return runner.smooth(mask, box, spacing, { kind: operation.op, radiusMm: operation.radiusMm });
      case 'median':
        return runner.median(mask, box);
      case 'margin':
        return runner.margin(mask, box, spacing, operation.mm);
    }
  };
}

const onThisThread: RefineRunner = async (op, mask, box, spacing) => runRefineOperation(op, mask, box, spacing);

/**
 * The box around the label's regions (every slice it has, their pixel
 * bounds), widened by `reach` mm plus one voxel per axis, clamped to the
 * series; undefined when the label has no pixel.
 */
export function labelBox(document: AnnotationDocument, labelId: number, spacing: BoxSpacing, reach: number): VoxelBox | undefined {
  const { columns: W, rows: H, slices: K } = document.series;
  let c0 = Infinity;
  let r0 = Infinity;
  let c1 = -Infinity;
  let r1 = -Infinity;
  let k0 = Infinity;
  let k1 = -Infinity;
  for (const k of document.slicesOf(labelId)) {
    const b = regionPixelBounds(document.regionAt(labelId, k), W, H);
    if (b.c1 <= b.c0 || b.r1 <= b.r0) continue;
    c0 = Math.min(c0, b.c0);
    r0 = Math.min(r0, b.r0);
    c1 = Math.max(c1, b.c1);
    r1 = Math.max(r1, b.r1);
    k0 = Math.min(k0, k);
    k1 = Math.max(k1, k + 1);
  }
  if (!(c0 < c1 && r0 < r1 && k0 < k1)) return undefined;
  const pad = spacing.map((s) => Math.max(0, Math.ceil(reach / s - 1e-9)) + 1);
  const from = [Math.max(0, c0 - pad[0]!), Math.max(0, r0 - pad[1]!), Math.max(0, k0 - pad[2]!)] as const;
  const to = [Math.min(W, c1 + pad[0]!), Math.min(H, r1 + pad[1]!), Math.min(K, k1 + pad[2]!)] as const;
  return { c0: from[0], r0: from[1], k0: from[2], columns: to[0] - from[0], rows: to[1] - from[1], slices: to[2] - from[2] };
}

/** The label's pixels in the box, as a box mask of 1s. */
export function labelMask(document: AnnotationDocument, labelId: number, box: VoxelBox): Uint8Array {
  const { columns: W, rows: H } = document.series;
  const mask = new Uint8Array(boxSize(box));
  const area = { c0: box.c0, r0: box.r0, c1: box.c0 + box.columns, r1: box.r0 + box.rows };
  const slice = new Uint8Array(W * H);
  for (let s = 0; s < box.slices; s++) {
    const region = document.regionAt(labelId, box.k0 + s);
    if (region.rings.length === 0) continue;
    rasterizeRegionInBox(region, W, H, slice, 1, area);
    for (let r = 0; r < box.rows; r++) {
      const from = (box.r0 + r) * W + box.c0;
      mask.set(slice.subarray(from, from + box.columns), (s * box.rows + r) * box.columns);
      slice.fill(0, from, from + box.columns);
    }
  }
  return mask;
}

function isSession(target: AnnotatorSession | RefineTarget): target is AnnotatorSession {
  return typeof (target as AnnotatorSession).requireEditable === 'function';
}

/**
 * Refines label `labelId` by `operation` in 3-D and writes the result as one
 * undo step; returns the axial slices whose outline changed (ascending, empty
 * when nothing did). With a session, refused with its codes when nothing may
 * be edited (`not-loaded`, `read-only`, `approved-locked`, …); refused for a
 * locked label (`label-locked`) or an unknown one (`label-not-found`), or bad
 * parameters (`bad-argument`). An edit of the label while the operation runs
 * (in a worker) stops it (`aborted`): the result would overwrite that edit.
 */
export async function refineLabel(
  target: AnnotatorSession | RefineTarget,
  labelId: number,
  operation: RefineOperation,
  options: RefineOptions = {},
): Promise<number[]> {
  const document = isSession(target) ? target.requireEditable() : target.document;
  const volume = isSession(target) ? target.volume! : target.volume;
  const label = document.label(labelId);
  if (!label) throw new SegmarkError('label-not-found', `no label ${labelId}`, { params: { labelId } });
  if (label.locked) throw new SegmarkError('label-locked', `label ${label.name} is locked`, { params: { labelId } });
  checkOperation(operation);
  const spacing: BoxSpacing = [volume.spacing[0], volume.spacing[1], volume.spacing[2]];
  const box = labelBox(document, labelId, spacing, reachMm(operation));
  if (!box) return [];
  const mask = labelMask(document, labelId, box);

  let edited = false;
  const stop = document.subscribe((change) => {
    if (change.labelId === labelId || change.kind === 'restore' || change.kind === 'undo' || change.kind === 'redo') edited = true;
  });
  let result: Uint8Array;
  try {
    result = await (options.run ?? onThisThread)(operation, mask, box, spacing);
  } finally {
    stop();
  }
  if (options.signal?.aborted || edited) throw new SegmarkError('aborted', `label ${labelId} changed while it was refined`);
  if (isSession(target)) target.requireEditable();
  const { method, parameters } = refineProvenance(operation);
  return applyBoxMask(document, box, result, { labelId, method, parameters, mode: 'replace' }).slices;
}

/**
 * A refine command: the session's active label, reported (`segmark-error`
 * and a notice) rather than thrown when refused; resolves to the slices changed.
 */
export async function refineActiveLabel(session: AnnotatorSession, operation: RefineOperation, options: RefineOptions = {}): Promise<number[]> {
  try {
    return await refineLabel(session, session.activeLabel, operation, options);
  } catch (error) {
    session.reportError(error instanceof SegmarkError ? error : new SegmarkError('internal', String(error), { cause: error }));
    return [];
  }
}
