/**
 * The zh-CN glossary: one rendering for each term that recurs across the
 * interface, and the renderings that must not appear beside it. Every zh-CN
 * text (the tables in `src/text/`, the message catalogue) uses the chosen
 * word; `test/node/text-glossary.test.ts` scans them all for the others.
 */
export interface GlossaryTerm {
  /** The English term, as the en tables say it. */
  readonly en: string;
  /** The one zh-CN rendering. */
  readonly zh: string;
  /** Other renderings of the same term that were in use; none may appear. */
  readonly not: readonly string[];
}

export const ZH_GLOSSARY: readonly GlossaryTerm[] = [
  // 核验: checking a region and marking it verified (not 核对 "cross-check", not 核实 "confirm a fact").
  { en: 'verify', zh: '核验', not: ['核对', '核实'] },
  // 层: one image of the series, as CT reading says it (not 切片, not 层面).
  { en: 'slice', zh: '层', not: ['切片', '层面'] },
  // 漏标: a structure the outlines missed on a slice.
  { en: 'missed', zh: '漏标', not: ['遗漏', '漏检'] },
];
