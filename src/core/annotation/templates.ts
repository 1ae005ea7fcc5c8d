/**
 * Label templates: ready-made label sets with coded meaning (see `codes.ts`
 * for every code's source) and recommended display colours.
 *
 * Colours for the lumbar spine follow one rule, so that neighbours stay
 * apart for every kind of colour vision: discs are light and saturated
 * (Okabe & Ito), vertebral bodies are dark (Paul Tol's "muted"/"dark" sets),
 * and the canal, which touches all of them, is light pink (Tol "light").
 * A disc therefore differs from the two bodies it touches in lightness,
 * which protanopia, deuteranopia and tritanopia all preserve; the tests
 * check this under simulated colour-vision deficiency.
 */
import {
  CATEGORY,
  GENERIC_TYPE,
  LUMBAR_DISC,
  LUMBAR_VERTEBRAL_BODY,
  SPINAL_CANAL,
  type CodedConcept,
  type SegmentCode,
} from './codes.js';
import type { LabelDisplay, Rgb } from './labels.js';
import type { Locale } from '../text.js';

export interface LabelTemplateEntry {
  /** The labelmap value, 1..255. */
  readonly id: number;
  /** The English name (also `names.en`). */
  readonly name: string;
  /** The name in every interface language: a label made from the entry is called so until renamed. */
  readonly names: Readonly<Record<Locale, string>>;
  readonly color: Rgb;
  readonly code: SegmentCode;
  readonly display?: LabelDisplay;
  readonly opacity?: number;
}

export type LabelTemplateId = 'lumbar-spine' | 'generic';

export interface LabelTemplate {
  readonly id: LabelTemplateId;
  readonly name: string;
  readonly labels: readonly LabelTemplateEntry[];
}

const anatomy = (type: CodedConcept): SegmentCode => Object.freeze({ category: CATEGORY.anatomicalStructure, type });

function entry(id: number, [name, nameZh]: readonly [string, string], color: Rgb, code: SegmentCode): LabelTemplateEntry {
  const names = Object.freeze({ en: name, 'zh-CN': nameZh });
  return Object.freeze({ id, name, names, color: Object.freeze([...color]) as unknown as Rgb, code });
}

/**
 * Lumbar spine. Ids: discs 1–5 (cranial to caudal), vertebral bodies 6–10,
 * spinal canal 11 — discs first because disc studies are the first use.
 */
export const LUMBAR_SPINE_TEMPLATE: LabelTemplate = Object.freeze({
  id: 'lumbar-spine',
  name: 'Lumbar spine',
  labels: Object.freeze([
    entry(1, ['L1/L2 disc', 'L1/L2 椎间盘'], [230, 159, 0], anatomy(LUMBAR_DISC['L1/L2'])), // Okabe–Ito orange
    entry(2, ['L2/L3 disc', 'L2/L3 椎间盘'], [86, 180, 233], anatomy(LUMBAR_DISC['L2/L3'])), // sky blue
    entry(3, ['L3/L4 disc', 'L3/L4 椎间盘'], [240, 228, 66], anatomy(LUMBAR_DISC['L3/L4'])), // yellow
    entry(4, ['L4/L5 disc', 'L4/L5 椎间盘'], [204, 121, 167], anatomy(LUMBAR_DISC['L4/L5'])), // reddish purple
    entry(5, ['L5/S1 disc', 'L5/S1 椎间盘'], [213, 94, 0], anatomy(LUMBAR_DISC['L5/S1'])), // vermillion
    entry(6, ['L1 vertebral body', 'L1 椎体'], [51, 34, 136], anatomy(LUMBAR_VERTEBRAL_BODY.L1)), // Tol indigo
    entry(7, ['L2 vertebral body', 'L2 椎体'], [17, 119, 51], anatomy(LUMBAR_VERTEBRAL_BODY.L2)), // Tol green
    entry(8, ['L3 vertebral body', 'L3 椎体'], [136, 34, 85], anatomy(LUMBAR_VERTEBRAL_BODY.L3)), // Tol wine
    entry(9, ['L4 vertebral body', 'L4 椎体'], [34, 85, 85], anatomy(LUMBAR_VERTEBRAL_BODY.L4)), // Tol dark cyan
    entry(10, ['L5 vertebral body', 'L5 椎体'], [102, 51, 51], anatomy(LUMBAR_VERTEBRAL_BODY.L5)), // Tol dark red
    entry(11, ['Spinal canal', '椎管'], [255, 170, 187], anatomy(SPINAL_CANAL)), // Tol light pink
  ]),
});

/** Anatomical neighbours in the lumbar template (label ids), for colour checks and tools. */
export const LUMBAR_SPINE_NEIGHBOURS: readonly (readonly [number, number])[] = Object.freeze([
  [1, 6], [1, 7], [2, 7], [2, 8], [3, 8], [3, 9], [4, 9], [4, 10], [5, 10],
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => [id, 11] as const),
]);

/** Two general-purpose labels for anything without a template yet. */
export const GENERIC_TEMPLATE: LabelTemplate = Object.freeze({
  id: 'generic',
  name: 'Generic',
  labels: Object.freeze([
    entry(1, ['Lesion', '病灶'], [213, 94, 0], Object.freeze({ category: CATEGORY.morphologicallyAbnormalStructure, type: GENERIC_TYPE.lesion })),
    entry(2, ['Tissue', '组织'], [86, 180, 233], Object.freeze({ category: CATEGORY.tissue, type: GENERIC_TYPE.tissue })),
  ]),
});

export const TEMPLATES: readonly LabelTemplate[] = Object.freeze([LUMBAR_SPINE_TEMPLATE, GENERIC_TEMPLATE]);

export function templateById(id: LabelTemplateId): LabelTemplate {
  const template = TEMPLATES.find((t) => t.id === id);
  if (!template) throw new RangeError(`no template ${id}`);
  return template;
}

/** What a label made from `entry` of `template` remembers of it (`Label.template`). */
export function templateKey(template: LabelTemplate, entry: LabelTemplateEntry): string {
  return `${template.id}/${entry.id}`;
}

/** The name `locale` gives the template entry `key` names; undefined for an unknown key. */
export function templateLabelName(key: string, locale: Locale): string | undefined {
  const slash = key.lastIndexOf('/');
  const template = TEMPLATES.find((t) => t.id === key.slice(0, slash));
  const id = Number(key.slice(slash + 1));
  return template?.labels.find((e) => e.id === id)?.names[locale];
}
