/**
 * How a region's provenance changes with the work done on it (see
 * `RegionProvenance`); `AnnotationDocument.setRegion` applies these with its
 * current user. Pure functions of plain data.
 */
import type { RegionOrigin, RegionProvenance } from './document-data.js';

/** Provenance of new work by `user` (a drawing, or an interpolation or import with `given` file and algorithm). */
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
 */
export function editedBy(
  user: string,
  before: { readonly origin: RegionOrigin; readonly provenance?: RegionProvenance | undefined } | undefined,
): RegionProvenance | undefined {
  if (!before) return madeBy(user);
  const p = withEditor(before.provenance, user) ?? {};
  const from = p.editedFrom ?? (before.origin === 'drawn' ? undefined : before.origin);
  const out: RegionProvenance = { ...p, ...(from ? { editedFrom: from } : {}) };
  return Object.keys(out).length ? out : undefined;
}
