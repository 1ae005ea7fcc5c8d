/**
 * The checklist as a gate for the host's `export()`: the export dialog will
 * not export past a blocking finding unless the user ticks "Export anyway",
 * and a host call must not either. A caller accepts findings by naming them
 * in `acceptFindings`: a finding's code accepts every finding with that code
 * (`'empty-label'`), its key only that one (`'empty-label:3'`, the code and
 * the label id). What was accepted is what the export records as overridden.
 */
import { SegmarkError } from '../core/errors.js';
import type { ChecklistFinding } from '../core/formats/checklist.js';

/** What a host passes to `export()` besides the format's options. */
export interface ExportAcceptance {
  /** Blocking checklist findings to export past, by code (all of that code) or key (`code:labelId`, one label's). */
  acceptFindings?: readonly string[];
}

/** A blocking finding as an `export-blocked` error lists it and `segmark-export` records it when overridden. */
export interface GatedFinding {
  readonly code: string;
  /** `code:labelId` for a label's finding, else the code: what `acceptFindings` may name. */
  readonly key: string;
  readonly labelId?: number;
  /** The label's name, where the finding is about a label. */
  readonly label?: string;
  /** English, as the checklist says it. */
  readonly detail: string;
}

/** Rejection of a host export with unaccepted blocking findings; `findings` lists them. */
export class ExportBlockedError extends SegmarkError {
  readonly findings: readonly GatedFinding[];

  constructor(findings: readonly GatedFinding[]) {
    const listed = findings.map((f) => (f.label === undefined ? f.code : `${f.code} (${f.label})`)).join(', ');
    super('export-blocked', `blocking checklist findings not accepted: ${findings.map((f) => f.key).join(', ')}`, {
      params: { count: findings.length, findings: listed },
    });
    this.findings = findings;
  }
}

/** The key `acceptFindings` names a finding by. */
export function findingKey(f: Pick<ChecklistFinding, 'code' | 'labelId'>): string {
  return f.labelId === undefined ? f.code : `${f.code}:${f.labelId}`;
}

export function gatedFinding(f: ChecklistFinding): GatedFinding {
  const label = f.params['label'];
  return {
    code: f.code,
    key: findingKey(f),
    ...(f.labelId === undefined ? {} : { labelId: f.labelId }),
    ...(label === undefined ? {} : { label: String(label) }),
    detail: f.detail,
  };
}

/** The blocking findings, split into those `accepted` names (by code or key) and those it does not. */
export function splitBlocking(findings: readonly ChecklistFinding[], accepted: readonly string[]): { accepted: GatedFinding[]; refused: GatedFinding[] } {
  const names = new Set(accepted);
  const out = { accepted: [] as GatedFinding[], refused: [] as GatedFinding[] };
  for (const f of findings) {
    if (f.severity !== 'block') continue;
    (names.has(f.code) || names.has(findingKey(f)) ? out.accepted : out.refused).push(gatedFinding(f));
  }
  return out;
}

/** Throws `bad-argument` unless `value` is absent or an array of strings. */
export function checkAcceptance(value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new SegmarkError('bad-argument', 'acceptFindings must be an array of finding codes or keys', { params: { argument: 'acceptFindings' } });
  }
  return value;
}
