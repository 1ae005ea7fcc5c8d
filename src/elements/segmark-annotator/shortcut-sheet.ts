/**
 * The shortcut sheet (`?`): the mouse gestures, then every command of the
 * table that has a key (session/commands.ts), by group, and the annotation
 * tools with their gestures — in the element's language.
 */
import { html } from 'lit';
import { COMMAND_IDS, command, shortcutText, type CommandGroup, type CommandId } from '../../session/commands.js';
import { commandText } from '../../text/commands.js';
import { shortcutStrings, type Row } from '../../text/shortcuts.js';
import { toolDescriptions } from '../../text/tool-descriptions.js';

/** The sheet's sections in order; the tools have their own section below. */
const SECTIONS: readonly CommandGroup[] = ['view', 'slices', 'presets', 'history', 'review'];

/** Rows of the commands of `group` that have keys: their keys, and their names. */
function rows(group: CommandGroup, names: Record<CommandId, { name: string }>): Row[] {
  return COMMAND_IDS.filter((id) => command(id).group === group && command(id).keys?.length).map((id) => [
    command(id).keys!.map(shortcutText).join(', '),
    names[id].name,
  ]);
}

export function renderShortcutSheet(lang: string, close: () => void) {
  const t = shortcutStrings(lang);
  const names = commandText(lang);
  const table = (list: readonly Row[]) => html`<table>${list.map(([k, a]) => html`<tr><th scope="row"><kbd>${k}</kbd></th><td>${a}</td></tr>`)}</table>`;
  const toolKey = (id: string) => command(`tool.${id}` as CommandId).keys?.map(shortcutText).join(', ') ?? '';
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
      <section>
        <h3>${t.gestures}</h3>${table(t.gestureRows)}
        ${SECTIONS.map((group) => html`<h3>${t.groups[group]}</h3>${table(rows(group, names))}`)}
      </section>
      <section><h3>${t.tools}</h3>
        ${toolDescriptions(lang).map(
          (d) => html`<div class="tool"><div><kbd>${toolKey(d.id)}</kbd> <strong>${d.name}</strong> — ${d.summary}</div>
            <ul>${d.gestures.map((g) => html`<li>${g}</li>`)}</ul></div>`,
        )}
      </section>
    </div>
  </div>`;
}
