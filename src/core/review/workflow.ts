/**
 * The document's review status and who may move it: a small state machine.
 *
 *     draft ──submit──▶ submitted ──approve──▶ approved
 *                        │  ▲                    │
 *        request changes │  │ submit             │ reopen (request changes)
 *                        ▼  │                    │
 *                  changes-requested ◀───────────┘
 *
 * An `annotator` submits; a `reviewer` approves, requests changes, and
 * reopens an approved document. With no role given (the host page did not
 * say) every step is allowed; any other role may take none. Roles are
 * compared without case.
 */
import { SegmarkError } from '../errors.js';

export const REVIEW_STATUSES = ['draft', 'submitted', 'approved', 'changes-requested'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The roles that steps name; the host's `role` attribute chooses one. */
export const REVIEW_ROLES = ['annotator', 'reviewer'] as const;
export type ReviewRole = (typeof REVIEW_ROLES)[number];

export interface ReviewStep {
  readonly from: ReviewStatus;
  readonly to: ReviewStatus;
  readonly role: ReviewRole;
}

/** Every allowed step. Anything not listed (e.g. approving a draft) is refused. */
export const REVIEW_STEPS: readonly ReviewStep[] = [
  { from: 'draft', to: 'submitted', role: 'annotator' },
  { from: 'changes-requested', to: 'submitted', role: 'annotator' },
  { from: 'submitted', to: 'approved', role: 'reviewer' },
  { from: 'submitted', to: 'changes-requested', role: 'reviewer' },
  { from: 'approved', to: 'changes-requested', role: 'reviewer' },
];

export function isReviewStatus(value: unknown): value is ReviewStatus {
  return (REVIEW_STATUSES as readonly unknown[]).includes(value);
}

/** Whether `role` may take a step that needs `needed` (an empty role may take every step). */
export function roleMay(role: string, needed: ReviewRole): boolean {
  const r = role.trim().toLowerCase();
  return r === '' || r === needed;
}

/** The statuses `role` may move the document to from `from`, in table order. */
export function allowedSteps(from: ReviewStatus, role: string): ReviewStatus[] {
  return REVIEW_STEPS.filter((s) => s.from === from && roleMay(role, s.role)).map((s) => s.to);
}

/** Throws `review-step-refused` unless `role` may move the document from `from` to `to`. */
export function checkStep(from: ReviewStatus, to: ReviewStatus, role: string): void {
  if (!isReviewStatus(to)) {
    throw new SegmarkError('review-step-refused', `unknown status ${String(to)}`, { params: { from, to: String(to), role: role || '—' } });
  }
  if (!allowedSteps(from, role).includes(to)) {
    throw new SegmarkError('review-step-refused', `role "${role}" may not move the document from ${from} to ${to}`, {
      params: { from, to, role: role || '—' },
    });
  }
}

/** Approved work is read-only until a reviewer reopens it. */
export function isLocked(status: ReviewStatus): boolean {
  return status === 'approved';
}
