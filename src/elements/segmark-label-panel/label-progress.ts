/**
 * The verified-slices bar of a label row: how many of the label's outlined
 * slices a reviewer has verified (and rejected), as a `role=progressbar` with
 * its text in the element's language.
 */
import { html, nothing, svg } from 'lit';
import type { LabelProgress } from '../../core/annotation/verification.js';
import { formatText } from '../../core/text.js';
import { verifyStrings } from '../../text/verify.js';

/** Nothing for a label without outlines. */
export function renderLabelProgress(p: LabelProgress | undefined, lang: string) {
  if (!p || p.regions === 0) return nothing;
  const t = verifyStrings(lang);
  const values = { verified: String(p.verified), total: String(p.regions), rejected: String(p.rejected) };
  const text = formatText(p.rejected ? t.labelProgressValueRejected : t.labelProgressValue, values);
  const share = (n: number) => (100 * n) / p.regions;
  return html`<div class="progress" part="progress" role="progressbar" aria-label=${t.labelProgress} aria-valuemin="0"
      aria-valuemax=${p.regions} aria-valuenow=${p.verified} aria-valuetext=${text} title=${text}>
    <svg class="progress-bar" viewBox="0 0 100 5" preserveAspectRatio="none" aria-hidden="true">${
      // SVG geometry attributes, not style attributes: the strict style-src of a portal allows them.
      svg`<rect class="progress-verified" width=${share(p.verified)} height="5"></rect><rect class="progress-rejected"
        x=${share(p.verified)} width=${share(p.rejected)} height="5"></rect>`}</svg>
    <span class="progress-text">${text}</span>
  </div>`;
}
