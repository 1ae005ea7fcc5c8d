/**
 * How a region's provenance changes with the work done on it (see
 * `RegionProvenance`); `AnnotationDocument.setRegion` applies these with its
 * current user. Pure functions of plain data.
 */
import { isPlaneLine, type PlaneLine, type RegionOrigin, type RegionProvenance } from './document-data.js';

/** Provenance of new work by `user` (a drawing, or an interpolation, import or assisted tool with `given` file, algorithm and parameters). */
export function madeBy(user: string, given?: RegionProvenance): RegionProvenance | undefined {
  const p: RegionProvenance = { ...(user ? { by: user } : {}), ...given };
  return Object.keys(p).length ? p : undefined;
}

/** `p` with `user` among its editors (unless they made it, are already there, or are nobody). */
export function withEditor(p: RegionProvenance | undefined, user: string): RegionProvenance | undefined {
  if (!user || p?.by === user || p?.editedBy?.includes(user)) return p;
  return { ...p, editedBy: [...(p?.editedBy ?? []), user] };
}

/**
 * Provenance after `user` draws, edits or erases over `before` (if any): a
 * new region is theirs; an existing one keeps who or what made it, gains
 * them as an editor and, when it was machine work, remembers that
 * (`editedFrom`) — the region itself becomes 'drawn'.
 *
 * `drawnOn` is the sagittal or coronal plane of an edit made there: it is
 * recorded (`RegionProvenance.drawnOn`) on a new region, or added to the
 * lines of a region that has them; over axial work it is not, and an edit
 * without it (made on the axial slice) drops the marker.
 */
export function editedBy(
  user: string,
  before: { readonly origin: RegionOrigin; readonly provenance?: RegionProvenance | undefined } | undefined,
  drawnOn?: PlaneLine,
): RegionProvenance | undefined {
  if (drawnOn !== undefined && !isPlaneLine(drawnOn)) throw new RangeError(`plane line ${JSON.stringify(drawnOn)}`);
  const line = drawnOn && { plane: drawnOn.plane, index: drawnOn.index };
  if (!before) return madeBy(user, line ? { drawnOn: [line] } : undefined);
  const { drawnOn: lines, ...p } = withEditor(before.provenance, user) ?? {};
  const from = p.editedFrom ?? (before.origin === 'drawn' ? undefined : before.origin);
  const kept = line && lines?.length ? withLine(lines, line) : undefined;
  const out: RegionProvenance = { ...p, ...(from ? { editedFrom: from } : {}), ...(kept ? { drawnOn: kept } : {}) };
  return Object.keys(out).length ? out : undefined;
}

function withLine(lines: readonly PlaneLine[], line: PlaneLine): readonly PlaneLine[] {
  return lines.some((l) => l.plane === line.plane && l.index === line.index) ? lines : [...lines, line];
}
