/**
 * The tool bar's icons: 16 × 16 stroked paths (as the label panel's), drawn
 * in the text colour and hidden from assistive technology — every button
 * carries its command's name in `aria-label` and its tooltip. A command
 * without an icon (the window presets) shows its name at every width.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { CommandId } from '../../session/commands.js';

/** One path, optionally with a second one filled (`solid`) and dots drawn thicker. */
interface Icon {
  d: string;
  solid?: string;
  dots?: string;
}

const ICONS: Partial<Record<CommandId | 'more' | 'side', Icon>> = {
  'open-files': { d: 'M4 1.5h5l3 3v10H4zM9 1.5v3h3M6 9.5h4M8 7.5v4' },
  'open-folder': { d: 'M1.5 3.5h4.5l1.5 1.5h7v8.5h-13z' },
  'tool.window': { d: 'M8 2a6 6 0 1 0 0 12A6 6 0 1 0 8 2z', solid: 'M8 2a6 6 0 0 0 0 12z' },
  'tool.pan': { d: 'M8 1.5v13M1.5 8h13M6 3.5l2-2 2 2M6 12.5l2 2 2-2M3.5 6l-2 2 2 2M12.5 6l2 2-2 2' },
  'tool.zoom': { d: 'M6.5 2a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM9.8 9.8l4.5 4.5M4.5 6.5h4M6.5 4.5v4' },
  fit: { d: 'M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4M5 5h6v6H5z' },
  'actual-size': { d: 'M2.5 5.5l2-1.5v8.5M10.5 5.5l2-1.5v8.5', dots: 'M7.5 7h.01M7.5 10.5h.01' },
  invert: { d: 'M2.5 2.5h11v11h-11z', solid: 'M13.5 2.5v11h-11z' },
  'reference-lines': { d: 'M8 1.5v4.5M8 10v4.5M1.5 8h4.5M10 8h4.5', dots: 'M8 8h.01' },
  'tool.grow': { d: 'M8 14.5V8M8 8C8 5 5.5 3.5 2.5 3.5 2.5 6.5 5 8 8 8zM8 10c0-3 2.5-4.5 5.5-4.5 0 3-2.5 4.5-5.5 4.5z' },
  'tool.one-click': { d: 'M2.5 2.5l4 11 1.8-4.7 4.7-1.8z', dots: 'M11.5 11.5h.01M13.5 13.5h.01' },
  'tool.nearby': { d: 'M3.5 7h9l1.5 2h-9zM4.5 3.5h7M4.5 12.5h7M8 5v-3M8 11v3' },
  'layout.axial': { d: 'M2.5 2.5h11v11h-11z' },
  'layout.mpr': { d: 'M1.5 3.5h13v9h-13zM5.8 3.5v9M10.2 3.5v9' },
  'layout.mpr-3d': { d: 'M2.5 2.5h11v11h-11zM8 2.5v11M2.5 8h11' },
  'layout.sagittal': { d: 'M2.5 2.5h11v11h-11zM8 2.5v11', dots: 'M5.2 8h.01' },
  'layout.coronal': { d: 'M2.5 2.5h11v11h-11zM2.5 8h11', dots: 'M8 5.2h.01' },
  overlays: { d: 'M8 2l6.5 3.25L8 8.5 1.5 5.25zM1.5 8.25L8 11.5l6.5-3.25M1.5 11.25L8 14.5l6.5-3.25' },
  'tool.freehand': { d: 'M2 11.5c1.5-3 3.5-5 5-3.5s0 4 2 4 3.5-5.5 5-8.5' },
  'tool.polygon': { d: 'M3 12.5L2 5l6-3 6 4-2 6.5z', dots: 'M3 12.5h.01M2 5h.01M8 2h.01M14 6h.01M12 12.5h.01' },
  'tool.livewire': { d: 'M1.5 12.5l3-5 2 3 2.5-6 2 4 3.5-6' },
  'tool.edit': { d: 'M3.5 2l9 5.5-4 1-1.5 4z' },
  'tool.brush': { d: 'M14 2L8 8M8 8c-1.5-1.5-4.5-.5-4.5 2 0 2-1 3-2 3.5 3.5.5 7.5-.5 6.5-5.5z' },
  'tool.eraser': { d: 'M9.5 2l4.5 4.5L7.5 13H4.5L2 10.5zM5.5 6l4.5 4.5M7.5 13H14' },
  'tool.threshold-brush': { d: 'M8 2a6 6 0 1 0 0 12A6 6 0 1 0 8 2zM2.5 6h11M2.5 10h11' },
  'tool.fill': { d: 'M2.5 8L7.5 3l5 5-5 5zM2.5 8h10M13.5 10.5c.8 1.2 1.2 1.9 1.2 2.5a1.2 1.2 0 0 1-2.4 0c0-.6.4-1.3 1.2-2.5z' },
  undo: { d: 'M5 2.5L2 5.5l3 3M2 5.5h7.5a4 4 0 0 1 0 8H6' },
  redo: { d: 'M11 2.5l3 3-3 3M14 5.5H6.5a4 4 0 0 0 0 8H10' },
  interpolate: { d: 'M2 2.5h12M2 13.5h12', dots: 'M3 8h.01M6 8h.01M9 8h.01M12 8h.01' },
  accept: { d: 'M2.5 8.5l3.5 3.5 7.5-7.5' },
  'accept-all': { d: 'M1 8.5l3 3 6.5-6.5M7.5 11.5l.5.5L15 5' },
  'background-only': { d: 'M6 6h8.5v8.5H6zM10 3.5V1.5H1.5V10h2' },
  import: { d: 'M8 1.5v8.5M4.5 6.5L8 10l3.5-3.5M2 11v3.5h12V11' },
  export: { d: 'M8 10.5V2M4.5 5.5L8 2l3.5 3.5M2 11v3.5h12V11' },
  compare: { d: 'M6 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9z' },
  'save-to-pacs': { d: 'M2 9.5h12v4.5H2zM8 1.5v6M5.5 4L8 1.5 10.5 4', dots: 'M4.5 11.75h.01' },
  'pacs-segmentations': { d: 'M2 9.5h12v4.5H2zM3 2h10M3 4.5h10M3 7h6', dots: 'M4.5 11.75h.01' },
  shortcuts: { d: 'M1.5 4h13v8.5h-13zM5 10h6', dots: 'M4 6.75h.01M6.67 6.75h.01M9.33 6.75h.01M12 6.75h.01' },
  more: { d: '', dots: 'M3.5 8h.01M8 8h.01M12.5 8h.01' },
  side: { d: 'M1.5 2.5h13v11h-13zM10 2.5v11M11.5 5h1.5M11.5 7.5h1.5' },
};

export function hasIcon(id: CommandId): boolean {
  return id in ICONS;
}

/** The icon of a command (or of the More and side panel buttons); nothing when it has none. */
export function icon(id: CommandId | 'more' | 'side'): TemplateResult | typeof nothing {
  const i = ICONS[id];
  if (!i) return nothing;
  return html`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${i.d ? svg`<path d=${i.d}></path>` : nothing}${
    i.solid ? svg`<path class="solid" d=${i.solid}></path>` : nothing
  }${i.dots ? svg`<path class="dots" d=${i.dots}></path>` : nothing}</svg>`;
}
