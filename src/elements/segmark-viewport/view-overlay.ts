/**
 * What a view writes over its image, for any of the three planes: the
 * orientation letters, the plane's position and image number (with the
 * file's InstanceNumber on axial), HU and patient coordinates under the
 * cursor, window and zoom, the scale bar, and the lines where the other two
 * planes cut this one.
 */
import { negate, orientationLetters, pixelToWorld } from '../../core/dicom/geometry.js';
import { planeFrame, sliceNumber, voxelOnPlane, type PlaneFrame, type ViewPlane } from '../../core/dicom/view-plane.js';
import { voxelAt, type Volume } from '../../core/dicom/volume.js';
import { scaleBarLength } from '../../core/display/scale-bar.js';
import type { WindowLevel } from '../../core/display/window.js';
import type { OverlayContent } from '../../viewer/overlay.js';

/** The colour of each plane's line on the other views (and of its view's name). */
export const PLANE_COLOURS: Readonly<Record<ViewPlane, string>> = {
  axial: 'rgba(80, 220, 120, 0.8)',
  sagittal: 'rgba(255, 200, 0, 0.6)',
  coronal: 'rgba(0, 200, 255, 0.6)',
};

/** Views narrower than this (CSS px) leave the series description out. */
const NARROW_PX = 480;

const PLANE_NAMES: Readonly<Record<ViewPlane, string>> = { axial: 'AX', sagittal: 'SAG', coronal: 'COR' };

export interface OverlayInput {
  volume: Volume;
  plane: ViewPlane;
  /** Slice, column or row the view shows. */
  index: number;
  /** The axial slice and the sagittal and coronal planes' column and row. */
  slice: number;
  crosshair: { column: number; row: number };
  window: WindowLevel;
  /** Image pixel under the pointer, if any. */
  cursor: { x: number; y: number } | undefined;
  /** Canvas pixels per image pixel, the device pixel ratio, and the view's width in CSS pixels. */
  scale: number;
  dpr: number;
  width: number;
  referenceLines: boolean;
  toCanvas(x: number, y: number): { x: number; y: number };
}

export function overlayContent(o: OverlayInput): OverlayContent {
  const v = o.volume;
  const frame = planeFrame(v, o.plane);
  const bar = scaleBarLength(frame.columnSpacing / (o.scale / o.dpr));
  return {
    letters: {
      left: orientationLetters(negate(frame.rightDirection)),
      right: orientationLetters(frame.rightDirection),
      top: orientationLetters(negate(frame.downDirection)),
      bottom: orientationLetters(frame.downDirection),
    },
    // A narrow view (three side by side on a laptop) keeps the corners apart: no series description.
    topLeft: o.plane === 'axial' ? [...(o.width >= NARROW_PX ? [v.description] : []), `${v.modality} ${v.columns}×${v.rows}`] : [PLANE_NAMES[o.plane], tiltNote(v)],
    topRight: positionLines(v, frame, o.index),
    bottomLeft: cursorLines(v, frame, o.index, o.cursor),
    bottomRight: [`W ${Math.round(o.window.width)}  L ${Math.round(o.window.center)}`, `×${o.scale.toFixed(2)}`],
    scaleBar: { pixels: bar.pixels, label: `${bar.mm} mm` },
    lines: o.referenceLines ? referenceLines(o, frame.columns, frame.rows) : [],
  };
}

/** Image number (radiological order) and InstanceNumber on axial; the plane's patient position on the others. */
function positionLines(v: Volume, frame: PlaneFrame, index: number): string[] {
  const { plane } = frame;
  if (plane === 'axial') {
    const instance = v.instanceNumbers?.[index];
    return [
      `Im ${sliceNumber(v, index)} / ${v.slices}`,
      instance === undefined ? '' : `# ${instance}`,
      `${v.locations[index]!.toFixed(1)} mm`,
      v.loaded[index] ? '' : '…',
    ];
  }
  const middle = Math.floor(v.slices / 2);
  const at = plane === 'sagittal' ? pixelToWorld(v.planes[middle]!, index + 0.5, 0.5) : pixelToWorld(v.planes[middle]!, 0.5, index + 0.5);
  const across = plane === 'sagittal' ? v.rowCosine : v.columnCosine;
  const axis = dominantAxis(across);
  const letter = orientationLetters(across)[0] ?? '';
  return [`${index + 1} / ${frame.positions}`, `${letter} ${at[axis]!.toFixed(1)} mm`];
}

function cursorLines(v: Volume, frame: PlaneFrame, index: number, c: { x: number; y: number } | undefined): string[] {
  if (!c) return [];
  const { plane } = frame;
  const x = Math.floor(c.x);
  const y = Math.floor(c.y);
  if (x < 0 || y < 0 || x >= frame.columns || y >= frame.rows) return [];
  const voxel = voxelOnPlane(v, plane, index, x, y);
  const hu = voxelAt(v, voxel.slice, voxel.column, voxel.row);
  const p = pixelToWorld(v.planes[voxel.slice]!, voxel.column + 0.5, voxel.row + 0.5);
  const unit = v.modality === 'CT' ? ' HU' : '';
  const where = plane === 'axial' ? `(${voxel.column}, ${voxel.row})` : `(${voxel.column}, ${voxel.row}) Im ${sliceNumber(v, voxel.slice)}`;
  return [`${where}  ${hu}${unit}`, `L ${p[0].toFixed(1)}  P ${p[1].toFixed(1)}  S ${p[2].toFixed(1)} mm`];
}

/** On a tilted series the reformats show the slices as acquired (sheared): say so. */
function tiltNote(v: Volume): string {
  const tilt = v.tiltDeg ?? 0;
  return tilt > 0 ? `tilt ${tilt.toFixed(1)}°` : '';
}

function referenceLines(o: OverlayInput, columns: number, rows: number): NonNullable<OverlayContent['lines']> {
  const { volume: v, crosshair } = o;
  const vertical = (x: number, colour: string) => {
    const a = o.toCanvas(x, 0);
    const b = o.toCanvas(x, rows);
    return { x0: a.x, y0: a.y, x1: b.x, y1: b.y, color: colour };
  };
  const horizontal = (y: number, colour: string) => {
    const a = o.toCanvas(0, y);
    const b = o.toCanvas(columns, y);
    return { x0: a.x, y0: a.y, x1: b.x, y1: b.y, color: colour };
  };
  const axialRow = v.slices - 1 - o.slice + 0.5;
  switch (o.plane) {
    case 'axial':
      return [vertical(crosshair.column + 0.5, PLANE_COLOURS.sagittal), horizontal(crosshair.row + 0.5, PLANE_COLOURS.coronal)];
    case 'sagittal':
      return [horizontal(axialRow, PLANE_COLOURS.axial), vertical(crosshair.row + 0.5, PLANE_COLOURS.coronal)];
    case 'coronal':
      return [horizontal(axialRow, PLANE_COLOURS.axial), vertical(crosshair.column + 0.5, PLANE_COLOURS.sagittal)];
  }
}

function dominantAxis(d: readonly number[]): number {
  const a = d.map(Math.abs);
  return a[0]! >= a[1]! && a[0]! >= a[2]! ? 0 : a[1]! >= a[2]! ? 1 : 2;
}
