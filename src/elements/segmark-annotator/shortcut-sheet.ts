/** The shortcut sheet (`?`): every key and gesture, viewing and annotating, in the element's language. */
import { html } from 'lit';
import { shortcutStrings, type Row } from '../text/shortcuts.js';
import { toolDescriptions } from '../text/tool-descriptions.js';

export function renderShortcutSheet(lang: string, close: () => void) {
  const t = shortcutStrings(lang);
  const table = (rows: readonly Row[]) =>
    html`<table>${rows.map(([k, a]) => html`<tr><th scope="row"><kbd>${k}</kbd></th><td>${a}</td></tr>`)}</table>`;
  return html`<div class="sheet" role="dialog" aria-modal="true" aria-label=${t.title} part="shortcut-sheet"
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape' || e.key === '?') {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}>
    <div class="sheet-head"><h2>${t.title}</h2><button class="sheet-close" @click=${close} autofocus>${t.close}</button></div>
    <div class="sheet-body" tabindex="0" role="region" aria-label=${t.title}>
      <section><h3>${t.viewing}</h3>${table(t.rows)}<h3>${t.history}</h3>${table(t.historyRows)}
        <h3>${t.review.title}</h3>${table(t.review.rows)}</section>
      <section><h3>${t.tools}</h3>
        ${toolDescriptions(lang).map(
          (d) => html`<div class="tool"><div><kbd>${d.key}</kbd> <strong>${d.name}</strong> — ${d.summary}</div>
            <ul>${d.gestures.map((g) => html`<li>${g}</li>`)}</ul></div>`,
        )}
      </section>
    </div>
  </div>`;
}
