/**
 * The label model: what each labelmap value (1..255) means and how it is
 * shown. Pure functions over an ordered, read-only list — the order is the
 * display order. Nothing here mutates its input; the annotation document
 * (`document.ts`) is the one place that swaps the list and records history.
 */
import { CATEGORY, GENERIC_TYPE, copySegmentCode, isSegmentCode, type SegmentCode } from './codes.js';
import { SegmarkError } from '../errors.js';
import { templateKey, templateLabelName, type LabelTemplate } from './templates.js';
import type { Locale } from '../text.js';

export type Rgb = readonly [number, number, number];
export type LabelDisplay = 'filled' | 'outline';

export interface Label {
  /** The labelmap value, 1..255. */
  readonly id: number;
  readonly name: string;
  /** sRGB, integers 0..255 (SEG stores it as CIELab, converted on export). */
  readonly color: Rgb;
  /** Fill opacity in the overlay, 0..1. */
  readonly opacity: number;
  readonly visible: boolean;
  /** A locked label cannot be edited, and painting another label never cuts it. */
  readonly locked: boolean;
  readonly display: LabelDisplay;
  readonly code: SegmentCode;
  /**
   * `<template id>/<entry id>` while the label keeps the name its template
   * gave it: its name then follows the interface language (`localizeLabel`).
   * Renaming the label drops it, so a name the user chose stays for good.
   */
  readonly template?: string;
}

/** Everything of a label but its id; what `updateLabel` accepts. */
export type LabelPatch = Partial<Omit<Label, 'id'>>;

export const MIN_LABEL_ID = 1;
export const MAX_LABEL_ID = 255;
export const DEFAULT_OPACITY = 0.5;

/**
 * Colours handed to new labels, in order: Okabe & Ito's colour-blind safe set,
 * then Paul Tol's "muted" set, so the first labels differ for every kind of
 * colour vision.
 */
export const LABEL_PALETTE: readonly Rgb[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
  [51, 34, 136],
  [17, 119, 51],
  [68, 170, 153],
  [153, 153, 51],
  [136, 34, 85],
];

/** The code a new label gets until someone picks one: "Tissue / Tissue". */
export const DEFAULT_CODE: SegmentCode = Object.freeze({ category: CATEGORY.tissue, type: GENERIC_TYPE.tissue });

export function isValidLabelId(id: unknown): id is number {
  return Number.isInteger(id) && (id as number) >= MIN_LABEL_ID && (id as number) <= MAX_LABEL_ID;
}

/** The smallest id in 1..255 that no label uses; throws `label-limit` when all are taken. */
export function nextFreeId(labels: readonly Label[]): number {
  const used = new Set(labels.map((l) => l.id));
  for (let id = MIN_LABEL_ID; id <= MAX_LABEL_ID; id++) if (!used.has(id)) return id;
  throw new SegmarkError('label-limit', `all ${MAX_LABEL_ID} label ids are in use`, { params: { max: MAX_LABEL_ID } });
}

/** The first palette colour no label uses (cycling when all are used). */
export function nextColor(labels: readonly Label[]): Rgb {
  const used = new Set(labels.map((l) => l.color.join(',')));
  const free = LABEL_PALETTE.find((c) => !used.has(c.join(',')));
  return free ?? LABEL_PALETTE[labels.length % LABEL_PALETTE.length]!;
}

export function indexOfLabel(labels: readonly Label[], id: number): number {
  return labels.findIndex((l) => l.id === id);
}

/** The label with `id`; throws `label-not-found`. */
export function getLabel(labels: readonly Label[], id: number): Label {
  const label = labels.find((l) => l.id === id);
  if (!label) throw new SegmarkError('label-not-found', `no label ${id}`, { params: { labelId: id } });
  return label;
}

/** Throws `invalid-label` naming the first field that is wrong. */
export function validateLabel(label: Label): void {
  const bad = (field: string, why: string): never => {
    throw new SegmarkError('invalid-label', `label ${String(label.id)}: ${field} ${why}`, { params: { field } });
  };
  if (!isValidLabelId(label.id)) bad('id', `must be an integer in ${MIN_LABEL_ID}..${MAX_LABEL_ID}`);
  if (typeof label.name !== 'string' || label.name.trim() === '') bad('name', 'must not be empty');
  const c = label.color as unknown;
  if (!Array.isArray(c) || c.length !== 3 || !c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    bad('color', 'must be three integers 0..255');
  }
  if (typeof label.opacity !== 'number' || !(label.opacity >= 0 && label.opacity <= 1)) bad('opacity', 'must be in 0..1');
  if (typeof label.visible !== 'boolean') bad('visible', 'must be a boolean');
  if (typeof label.locked !== 'boolean') bad('locked', 'must be a boolean');
  if (label.display !== 'filled' && label.display !== 'outline') bad('display', "must be 'filled' or 'outline'");
  if (!isSegmentCode(label.code)) bad('code', 'needs a complete category and type (value, scheme, meaning)');
  if (label.template !== undefined && typeof label.template !== 'string') bad('template', 'must be a string');
}

/** A frozen, normalised copy (trimmed name, copied colour and code). Validates. */
export function freezeLabel(label: Label): Label {
  const copy: Label = {
    id: label.id,
    name: typeof label.name === 'string' ? label.name.trim() : label.name,
    color: Object.freeze([label.color[0], label.color[1], label.color[2]]) as Rgb,
    opacity: label.opacity,
    visible: label.visible,
    locked: label.locked,
    display: label.display,
    code: label.code,
    ...(label.template !== undefined ? { template: label.template } : {}),
  };
  validateLabel(copy);
  return Object.freeze({ ...copy, code: deepFreeze(copySegmentCode(copy.code)) });
}

/**
 * A new label with the next free id, the next unused palette colour, and the
 * default code, overridden by `init`. Not yet part of any list: add it with
 * `insertLabel` (or the document's `addLabel`).
 */
export function createLabel(labels: readonly Label[], init: LabelPatch & { id?: number } = {}): Label {
  const id = init.id ?? nextFreeId(labels);
  return freezeLabel({
    id,
    name: init.name ?? `Label ${id}`,
    color: init.color ?? nextColor(labels),
    opacity: init.opacity ?? DEFAULT_OPACITY,
    visible: init.visible ?? true,
    locked: init.locked ?? false,
    display: init.display ?? 'filled',
    code: init.code ?? DEFAULT_CODE,
    ...(init.template !== undefined ? { template: init.template } : {}),
  });
}

/** The list with `label` inserted at `index` (default: the end); throws on a taken id. */
export function insertLabel(labels: readonly Label[], label: Label, index = labels.length): readonly Label[] {
  if (indexOfLabel(labels, label.id) >= 0) {
    throw new SegmarkError('label-exists', `label ${label.id} already exists`, { params: { labelId: label.id } });
  }
  const frozen = freezeLabel(label);
  const at = Math.max(0, Math.min(labels.length, Math.trunc(index)));
  return Object.freeze([...labels.slice(0, at), frozen, ...labels.slice(at)]);
}

/**
 * The list with label `id` changed by `patch` (validated); the id itself
 * cannot change. A new name is a rename: the label no longer follows its
 * template's name (unless the patch sets `template` itself).
 */
export function updateLabel(labels: readonly Label[], id: number, patch: LabelPatch): readonly Label[] {
  const index = indexOfLabel(labels, id);
  if (index < 0) throw new SegmarkError('label-not-found', `no label ${id}`, { params: { labelId: id } });
  const current = labels[index]!;
  const renamed = patch.name !== undefined && !('template' in patch) && patch.name.trim() !== current.name;
  const next = freezeLabel({ ...current, ...patch, ...(renamed ? { template: undefined } : {}), id });
  return Object.freeze(labels.map((l, i) => (i === index ? next : l)));
}

export const renameLabel = (labels: readonly Label[], id: number, name: string) => updateLabel(labels, id, { name });
export const recolorLabel = (labels: readonly Label[], id: number, color: Rgb) => updateLabel(labels, id, { color });
export const setLabelVisible = (labels: readonly Label[], id: number, visible: boolean) =>
  updateLabel(labels, id, { visible });
export const setLabelLocked = (labels: readonly Label[], id: number, locked: boolean) =>
  updateLabel(labels, id, { locked });

/** The list without label `id`, with the removed label and where it was. */
export function removeLabel(
  labels: readonly Label[],
  id: number,
): { labels: readonly Label[]; removed: Label; index: number } {
  const index = indexOfLabel(labels, id);
  if (index < 0) throw new SegmarkError('label-not-found', `no label ${id}`, { params: { labelId: id } });
  return { labels: Object.freeze(labels.filter((l) => l.id !== id)), removed: labels[index]!, index };
}

/** The list with label `id` moved to position `toIndex` (clamped). */
export function moveLabel(labels: readonly Label[], id: number, toIndex: number): readonly Label[] {
  const { labels: rest, removed } = removeLabel(labels, id);
  const at = Math.max(0, Math.min(rest.length, Math.trunc(toIndex)));
  return Object.freeze([...rest.slice(0, at), removed, ...rest.slice(at)]);
}

/**
 * The labels a template defines, in template order, named in the interface
 * language, validated and frozen. Each remembers its template entry, so its
 * name follows the language until the user renames it.
 */
export function labelsFromTemplate(template: LabelTemplate, locale: Locale = 'en'): readonly Label[] {
  let labels: readonly Label[] = Object.freeze([]);
  for (const entry of template.labels) {
    labels = insertLabel(
      labels,
      createLabel(labels, {
        id: entry.id,
        name: entry.names[locale],
        template: templateKey(template, entry),
        color: entry.color,
        code: entry.code,
        ...(entry.display ? { display: entry.display } : {}),
        ...(entry.opacity !== undefined ? { opacity: entry.opacity } : {}),
      }),
    );
  }
  return labels;
}

/** The label as the interface shows it in `locale`: a template label not renamed since takes its template's name. */
export function localizeLabel(label: Label, locale: Locale): Label {
  if (label.template === undefined) return label;
  const name = templateLabelName(label.template, locale);
  return name === undefined || name === label.name ? label : Object.freeze({ ...label, name });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
