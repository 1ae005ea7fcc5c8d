/**
 * The names (and hints) of the annotator's commands in each language, keyed
 * by command id (session/commands.ts): a command without a name in a language is a type error.
 * Commands that have a button take its text from the element's tables, so
 * a button, its tooltip and the shortcut sheet say the same thing.
 */
import { toLocale } from '../core/text.js';
import type { CommandId } from '../session/commands.js';
import { agreementStrings } from './agreement.js';
import { refineStrings } from './refine.js';
import { shortcutStrings, type KeyOnlyCommand } from './shortcuts.js';
import { strings } from './ui.js';
import { toolStrings } from './tools.js';

export interface CommandText {
  name: string;
  hint?: string;
}

/** Every command's name and hint in the element's language. */
export function commandText(lang: string): Record<CommandId, CommandText> {
  const locale = toLocale(lang);
  const t = strings(locale);
  const tt = toolStrings(locale);
  const a = agreementStrings(locale);
  const r = refineStrings(locale);
  const only = Object.fromEntries(Object.entries(shortcutStrings(locale).commands).map(([id, name]) => [id, { name }])) as Record<KeyOnlyCommand, CommandText>;
  return {
    ...only,
    'open-files': { name: t.openFiles },
    'open-folder': { name: t.openFolder },
    import: { name: tt.import, hint: tt.importHint },
    export: { name: tt.export, hint: tt.exportHint },
    compare: { name: a.open, hint: a.openHint },
    'save-to-pacs': { name: tt.saveToPacs, hint: tt.saveToPacsHint },
    'pacs-segmentations': { name: tt.pacsSegmentations, hint: tt.pacsSegmentationsHint },
    shortcuts: { name: tt.shortcuts },
    'tool.window': { name: t.window },
    'tool.pan': { name: t.pan },
    'tool.zoom': { name: t.zoom },
    fit: { name: t.fit },
    'actual-size': { name: t.actualSize },
    invert: { name: t.invert },
    'reference-lines': { name: t.referenceLines, hint: t.referenceLinesHint },
    overlays: { name: t.overlays, hint: t.overlaysHint },
    'preset.soft-tissue': { name: t['soft-tissue'] },
    'preset.bone': { name: t.bone },
    'preset.spine': { name: t.spine },
    'preset.lung': { name: t.lung },
    'preset.brain': { name: t.brain },
    'tool.freehand': { name: tt.freehand },
    'tool.polygon': { name: tt.polygon },
    'tool.livewire': { name: tt.livewire },
    'tool.edit': { name: tt.edit },
    'tool.brush': { name: tt.brush },
    'tool.eraser': { name: tt.eraser },
    'tool.threshold-brush': { name: tt['threshold-brush'] },
    'tool.fill': { name: tt.fill },
    'tool.grow': { name: tt.grow },
    'tool.one-click': { name: tt['one-click'] },
    'tool.nearby': { name: tt.nearby, hint: tt.nearbyHint },
    undo: { name: tt.undo },
    redo: { name: tt.redo },
    interpolate: { name: tt.interpolate, hint: tt.interpolateHint },
    accept: { name: tt.accept, hint: tt.acceptHint },
    'accept-all': { name: tt.acceptAll },
    'background-only': { name: tt.backgroundOnly, hint: tt.backgroundOnlyHint },
    'refine.keep-largest': { name: r['keep-largest'], hint: r['keep-largest-hint'] },
    'refine.remove-small': { name: r['remove-small'], hint: r['remove-small-hint'] },
    'refine.keep-clicked': { name: r['keep-clicked'], hint: r['keep-clicked-hint'] },
    'refine.closing': { name: r.closing, hint: r['closing-hint'] },
    'refine.opening': { name: r.opening, hint: r['opening-hint'] },
    'refine.median': { name: r.median, hint: r['median-hint'] },
    'refine.grow': { name: r.grow, hint: r['grow-hint'] },
    'refine.shrink': { name: r.shrink, hint: r['shrink-hint'] },
  };
}
