/**
 * The annotator's tool bar: every button is a command of the table
 * (session/commands.ts), named from its text, disabled when the command is,
 * with its shortcut in the tooltip; a click runs it through the table.
 */
import { html, nothing } from 'lit';
import { WINDOW_PRESETS } from '../../core/display/window.js';
import { ANNOTATION_TOOLS, command, isEnabled, shortcutText, type CommandContext, type CommandId } from '../../session/commands.js';
import { THRESHOLD_PRESETS } from '../../tools/threshold-brush.js';
import { commandText } from '../../text/commands.js';
import { toolStrings } from '../../text/tools.js';
import { strings } from '../../text/ui.js';

export interface ToolbarInput {
  context: CommandContext;
  /** Runs a command of the table (the element's `run`). */
  run(id: CommandId): void;
  /** The threshold brush's HU range, shown while that tool is in hand. */
  threshold: { min: number; max: number };
  setThreshold(preset: string): void;
  /** The file inputs and the URL form. */
  picked(e: Event): void;
  maskPicked(e: Event): void;
  urlsSubmitted(e: Event): void;
}

interface ButtonOptions {
  /** Shown instead of the name (the name then becomes the accessible label). */
  face?: string;
  pressed?: boolean;
  data?: { tool?: string; action?: string; preset?: string };
  /** Text before the shortcut in the tooltip; false for none. */
  title?: string | false;
}

function renderThreshold(input: ToolbarInput, lang: string) {
  const tt = toolStrings(lang);
  const { min, max } = input.threshold;
  const current = Object.entries(THRESHOLD_PRESETS).find(([, r]) => r.min === min && r.max === max)?.[0] ?? '';
  return html`<select data-action="threshold" aria-label=${tt.thresholdRange} @change=${(e: Event) => input.setThreshold((e.target as HTMLSelectElement).value)}>
    ${Object.entries(THRESHOLD_PRESETS).map(
      ([id, r]) => html`<option value=${id} ?selected=${id === current}>${tt[`threshold-${id}` as 'threshold-disc']} ${r.min}…${r.max} HU</option>`,
    )}
    ${current ? '' : html`<option selected value="">${min}…${max} HU</option>`}
  </select>`;
}

export function renderToolbar(input: ToolbarInput) {
  const { context: c, run } = input;
  const { session } = c;
  const lang = session.lang;
  const t = strings(lang);
  const names = commandText(lang);
  const pressed = (on: boolean) => (on ? 'true' : 'false');
  const button = (id: CommandId, o: ButtonOptions = {}) => {
    const { name, hint } = names[id];
    const key = command(id).keys?.[0];
    const title = o.title === false ? undefined : `${o.title ?? hint ?? name}${key ? ` (${shortcutText(key)})` : ''}`;
    return html`<button
      data-command=${id}
      data-tool=${o.data?.tool ?? nothing}
      data-action=${o.data?.action ?? nothing}
      data-preset=${o.data?.preset ?? nothing}
      aria-pressed=${o.pressed === undefined ? nothing : pressed(o.pressed)}
      aria-label=${o.face ? name : nothing}
      ?disabled=${!isEnabled(c, id)}
      title=${title ?? nothing}
      @click=${() => run(id)}
    >${o.face ?? name}</button>`;
  };
  const document = session.document;
  const win = session.window;
  const fromPacs = session.get('pacs') !== undefined;
  return html`<div class="toolbar" part="toolbar" role="toolbar">
    <div class="group">
      ${button('open-files', { title: false })} ${button('open-folder', { title: false })}
      <input name="files" type="file" multiple @change=${input.picked} />
      <input name="folder" type="file" webkitdirectory multiple @change=${input.picked} />
      <input name="mask" type="file" accept=".nii,.gz,.dcm,.zip,application/dicom,application/zip,application/gzip" @change=${input.maskPicked} />
      <form class="urls" @submit=${input.urlsSubmitted}>
        <input name="urls" type="url" placeholder=${t.urlsPlaceholder} aria-label=${t.openUrls} />
        <button type="submit">${t.openUrls}</button>
      </form>
    </div>
    <span class="sep"></span>
    <div class="group" role="group" aria-label=${t.tools}>
      ${(['window', 'pan', 'zoom'] as const).map((tool) => button(`tool.${tool}`, { pressed: session.tool === tool }))}
      ${button('fit')} ${button('actual-size')} ${button('invert', { pressed: session.get('invert') })}
      ${button('reference-lines', { pressed: session.get('referenceLines') })} ${button('overlays', { pressed: session.get('overlays') })}
    </div>
    <span class="sep"></span>
    <div class="group" role="group" aria-label=${toolStrings(lang).annotate}>
      ${ANNOTATION_TOOLS.map((tool) => button(`tool.${tool}`, { pressed: session.tool === tool, data: { tool } }))}
      ${button('undo', { face: '↶', data: { action: 'undo' } })} ${button('redo', { face: '↷', data: { action: 'redo' } })}
      ${session.tool === 'threshold-brush' ? renderThreshold(input, lang) : ''}
      ${button('interpolate', { data: { action: 'interpolate' } })} ${button('accept', { data: { action: 'accept' } })}
      ${button('accept-all', { data: { action: 'accept-all' }, title: false })}
      ${button('background-only', { pressed: document?.paintMode === 'background-only', data: { action: 'background-only' } })}
      ${button('import', { data: { action: 'import' } })} ${button('export', { data: { action: 'export' } })}
      ${button('compare', { data: { action: 'compare' } })}
      ${fromPacs ? html`${button('save-to-pacs', { data: { action: 'save-to-pacs' } })} ${button('pacs-segmentations', { data: { action: 'pacs-segmentations' } })}` : nothing}
      ${button('shortcuts', { data: { action: 'shortcuts' }, title: false })}
    </div>
    <span class="sep"></span>
    <div class="group" role="group" aria-label=${t.presets}>
      ${WINDOW_PRESETS.map((p) =>
        button(`preset.${p.id}`, {
          pressed: p.center === win.center && p.width === win.width,
          data: { preset: p.id },
          title: `${names[`preset.${p.id}`].name} ${p.width}/${p.center}`,
        }),
      )}
      <span class="wl">W ${Math.round(win.width)} L ${Math.round(win.center)}</span>
    </div>
  </div>`;
}
