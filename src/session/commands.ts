/**
 * The annotator's command table. Each command has an id, what it does, when
 * it is enabled, its shortcut(s), and the group it is listed under; its name
 * and hint are texts keyed by its id (elements/segmark-annotator/command-text.ts).
 * The keyboard, the toolbar, the shortcut sheet and the element's public
 * methods all go through this table, so a key and a button can never disagree.
 *
 * Commands read and change the session; what only the element can do (open a
 * file picker or a dialog, move the view) they ask of `CommandContext.ui` and
 * `CommandContext.view`.
 */
import { pixelSpacingOf } from '../core/dicom/volume.js';
import { nextSliceIndex, sliceOfNumber } from '../core/dicom/view-plane.js';
import { WINDOW_PRESETS, type WindowPreset } from '../core/display/window.js';
import { acceptInterpolation, interpolateLabel } from '../core/annotation/interpolate-label.js';
import { TOOL_SHORTCUTS } from '../tools/index.js';
import type { AnnotationToolId, ToolKey } from '../tools/annotation-tool.js';
import type { NavigationTool } from '../tools/navigation.js';
import type { AnnotatorSession, Layout, ToolId } from './annotator-session.js';
import { refineActiveLabel, type RefineOperation, type RefineParameters, type RefineRunner } from './refine.js';

/** A key that runs a command. `key` is KeyboardEvent.key (letters lower case). */
export interface Shortcut {
  key: string;
  ctrl?: boolean;
  shift?: boolean;
}

/** Where the shortcut sheet lists a command. */
export type CommandGroup = 'open' | 'view' | 'slices' | 'presets' | 'tools' | 'history' | 'annotate' | 'review';

/** The main view, once it is rendered. */
export interface ViewControl {
  fit(): void;
  actualSize(): void;
  zoomBy(factor: number): void;
  /** Abandons the gesture of the tool in hand. */
  cancelTool(): void;
  /** Offers a key to the annotation tool in hand; true when it took it. */
  toolKey(key: ToolKey): boolean;
}

/** What only the element (or its controllers) can do. */
export interface CommandUi {
  toggleShortcuts(): void;
  openExportDialog(): void;
  pickFiles(): void;
  pickFolder(): void;
  pickMask(): void;
  openCompare(): void;
  saveToPacs(): void;
  listPacsSegmentations(): void;
  /** Stores the document and keeps a version. */
  saveVersion(): void;
  /** Verification (review-bar.ts): each false when there was nothing to do. */
  acceptSlice(): boolean;
  openRejectPicker(): boolean;
  nextUnverified(): boolean;
  nextUnverifiedLabel(): boolean;
  /** Segment nearby slices from the slice shown, with the nearby tool (taken just before). */
  segmentNearby?(): void;
  /** Where Refine computes (the annotator's assist worker); the page thread when absent. */
  refineRunner?(): RefineRunner;
  /** Refine's "keep clicked": the next press on a view picks the island to keep (again: no longer). */
  pickIsland?(): void;
  /** Arranges the views and remembers the choice for this user. */
  chooseLayout(layout: Layout): void;
  /** Shows the view in use alone, or the whole layout again. */
  toggleMaximised(): void;
  /** Comment pins (review-controller.ts). */
  togglePinMode(): void;
  /** Opens the next document of the review queue (work.ts); false when none is waiting. */
  nextDocument?(): boolean;
  /** The document may be written by this tab (comments are allowed on approved documents). */
  writable(): boolean;
}

export interface CommandContext {
  readonly session: AnnotatorSession;
  /** The main view, once it is rendered. */
  view(): ViewControl | undefined;
  readonly ui: CommandUi;
}

export interface Command<A extends unknown[] = [], R = unknown> {
  readonly group: CommandGroup;
  readonly keys?: readonly Shortcut[];
  /** Off: buttons are disabled and keys do nothing. */
  enabled(c: CommandContext): boolean;
  /** Runs it; `false` means there was nothing to do (the key is then left to the page). */
  run(c: CommandContext, ...args: A): R;
}

const always = (): boolean => true;
const seriesOpen = (c: CommandContext): boolean => c.session.volume !== undefined;
const documentOpen = (c: CommandContext): boolean => c.session.open;
const annotating = (c: CommandContext): boolean => c.session.canAnnotate && c.session.document !== undefined;

function pickTool(c: CommandContext, tool: ToolId): void {
  c.view()?.cancelTool();
  c.session.tool = tool;
}

function goToSlice(c: CommandContext, k: number): void {
  const v = c.session.volume;
  if (v) c.session.slice = Math.min(v.slices - 1, Math.max(0, k));
}

/** Makes the label `step` places down (up, when negative) the document's list active; it stops at the ends. */
function stepLabel(c: CommandContext, step: number): void {
  const labels = c.session.document!.labels;
  const at = labels.findIndex((l) => l.id === c.session.activeLabel);
  const next = labels[Math.min(labels.length - 1, Math.max(0, at + step))];
  if (next) c.session.activeLabel = next.id;
}

const viewingTool = (tool: NavigationTool, key: string): Command<[], void> => ({
  group: 'view',
  keys: [{ key }],
  enabled: always,
  run: (c) => pickTool(c, tool),
});

const annotationTool = (tool: AnnotationToolId, key: string): Command<[], void> => ({
  group: 'tools',
  keys: [{ key }],
  enabled: (c) => c.session.canAnnotate,
  run: (c) => pickTool(c, tool),
});

const preset = (p: WindowPreset): Command<[], void> => ({
  group: 'presets',
  keys: [{ key: p.key }],
  enabled: always,
  run: (c) => {
    c.session.window = p;
  },
});

const layout = (to: Layout, key: string): Command<[], void> => ({
  group: 'view',
  keys: [{ key, shift: true }],
  enabled: always,
  run: (c) => c.ui.chooseLayout(to),
});

/** A Refine operation on the active label in 3-D, its numbers from the session's Refine panel; resolves to the slices changed. */
const refine = (operation: (p: RefineParameters) => RefineOperation): Command<[], Promise<number[]>> => ({
  group: 'annotate',
  enabled: annotating,
  run: (c) => {
    c.view()?.cancelTool();
    const run = c.ui.refineRunner?.();
    return refineActiveLabel(c.session, operation(c.session.get('refine')), run ? { run } : {});
  },
});

/** The slice `steps` images on in reading order from the one shown. */
function readingStep(c: CommandContext, steps: number): number {
  const v = c.session.volume;
  return v ? nextSliceIndex(v, c.session.slice, steps) : c.session.slice;
}

/** The slice shown as image number n. */
function imageIndex(c: CommandContext, n: number): number {
  const v = c.session.volume;
  return v ? sliceOfNumber(v, n) : 0;
}

const sliceStep = (keys: Shortcut[], to: (c: CommandContext) => number): Command<[], void> => ({
  group: 'slices',
  keys,
  enabled: always,
  run: (c) => goToSlice(c, to(c)),
});

/** The annotation tools with the keys the tools chose (tools/index.ts), in toolbar order. */
export const ANNOTATION_TOOLS: readonly AnnotationToolId[] = Object.values(TOOL_SHORTCUTS);

export function isAnnotationTool(tool: string): tool is AnnotationToolId {
  return (ANNOTATION_TOOLS as readonly string[]).includes(tool);
}

export const TOOL_COMMANDS = Object.fromEntries(
  Object.entries(TOOL_SHORTCUTS).map(([key, id]) => [`tool.${id}`, annotationTool(id, key.toLowerCase())]),
) as Record<`tool.${AnnotationToolId}`, Command<[], void>>;

export const PRESET_COMMANDS = Object.fromEntries(WINDOW_PRESETS.map((p) => [`preset.${p.id}`, preset(p)])) as Record<
  `preset.${WindowPreset['id']}`,
  Command<[], void>
>;

export const COMMANDS = {
  // ── opening and exchanging ──
  'open-files': { group: 'open', enabled: always, run: (c: CommandContext) => c.ui.pickFiles() },
  'open-folder': { group: 'open', enabled: always, run: (c: CommandContext) => c.ui.pickFolder() },
  import: { group: 'open', enabled: annotating, run: (c: CommandContext) => c.ui.pickMask() },
  export: { group: 'history', keys: [{ key: 'e', ctrl: true }], enabled: documentOpen, run: (c: CommandContext) => c.ui.openExportDialog() },
  compare: { group: 'open', enabled: seriesOpen, run: (c: CommandContext) => c.ui.openCompare() },
  'save-to-pacs': { group: 'open', enabled: (c: CommandContext) => seriesOpen(c) && c.session.get('pacs') !== undefined, run: (c: CommandContext) => c.ui.saveToPacs() },
  'pacs-segmentations': {
    group: 'open',
    enabled: (c: CommandContext) => c.session.canAnnotate && c.session.get('pacs') !== undefined,
    run: (c: CommandContext) => c.ui.listPacsSegmentations(),
  },
  shortcuts: { group: 'view', keys: [{ key: '?', shift: true }], enabled: always, run: (c: CommandContext) => c.ui.toggleShortcuts() },

  // ── viewing ──
  'tool.window': viewingTool('window', 'w'),
  'tool.pan': viewingTool('pan', 'p'),
  'tool.zoom': viewingTool('zoom', 'z'),
  fit: { group: 'view', keys: [{ key: 'f' }], enabled: always, run: (c: CommandContext) => c.view()?.fit() },
  'actual-size': { group: 'view', keys: [{ key: 'a' }], enabled: always, run: (c: CommandContext) => c.view()?.actualSize() },
  invert: {
    group: 'view',
    keys: [{ key: 'i' }],
    enabled: always,
    run: (c: CommandContext) => c.session.set('invert', !c.session.get('invert')),
  },
  'reference-lines': {
    group: 'view',
    keys: [{ key: 'c' }],
    enabled: always,
    run: (c: CommandContext) => c.session.set('referenceLines', !c.session.get('referenceLines')),
  },
  overlays: {
    group: 'view',
    keys: [{ key: 'o' }],
    enabled: always,
    run: (c: CommandContext) => c.session.set('overlays', !c.session.get('overlays')),
  },
  'layout.axial': layout('axial', 'a'),
  'layout.mpr': layout('mpr', 'm'),
  'layout.mpr-3d': layout('mpr-3d', 'q'),
  'layout.sagittal': layout('sagittal', 's'),
  'layout.coronal': layout('coronal', 'c'),
  maximise: { group: 'view', keys: [{ key: 'f', shift: true }], enabled: always, run: (c: CommandContext) => c.ui.toggleMaximised() },
  'zoom-in': { group: 'view', keys: [{ key: '+' }, { key: '=' }], enabled: always, run: (c: CommandContext) => c.view()?.zoomBy(1.25) },
  'zoom-out': { group: 'view', keys: [{ key: '-' }], enabled: always, run: (c: CommandContext) => c.view()?.zoomBy(0.8) },
  // Reading order, as the hospital's viewer: image 1 is the most superior slice, down and the wheel go inferior.
  'slice.next': sliceStep([{ key: 'ArrowDown' }, { key: 'ArrowRight' }], (c) => readingStep(c, 1)),
  'slice.previous': sliceStep([{ key: 'ArrowUp' }, { key: 'ArrowLeft' }], (c) => readingStep(c, -1)),
  'slice.forward': sliceStep([{ key: 'PageDown' }], (c) => readingStep(c, 10)),
  'slice.back': sliceStep([{ key: 'PageUp' }], (c) => readingStep(c, -10)),
  'slice.first': sliceStep([{ key: 'Home' }], (c) => imageIndex(c, 1)),
  'slice.last': sliceStep([{ key: 'End' }], (c) => imageIndex(c, c.session.volume?.slices ?? 1)),
  ...PRESET_COMMANDS,

  // ── annotating ──
  ...TOOL_COMMANDS,
  // Its key takes the tool and starts from the slice shown at once; a click with it starts again from another slice.
  'tool.nearby': {
    ...TOOL_COMMANDS['tool.nearby'],
    run: (c: CommandContext): void => {
      pickTool(c, 'nearby');
      c.ui.segmentNearby?.();
    },
  },
  undo: {
    group: 'history',
    keys: [{ key: 'z', ctrl: true }],
    enabled: (c: CommandContext) => annotating(c) && (c.session.document?.canUndo ?? false),
    run: (c: CommandContext): boolean => {
      c.view()?.cancelTool();
      return c.session.document?.undo() ?? false;
    },
  },
  redo: {
    group: 'history',
    keys: [
      { key: 'z', ctrl: true, shift: true },
      { key: 'y', ctrl: true },
    ],
    enabled: (c: CommandContext) => annotating(c) && (c.session.document?.canRedo ?? false),
    run: (c: CommandContext): boolean => {
      c.view()?.cancelTool();
      return c.session.document?.redo() ?? false;
    },
  },
  'label.next': { group: 'annotate', keys: [{ key: '.' }], enabled: documentOpen, run: (c: CommandContext) => stepLabel(c, 1) },
  'label.previous': { group: 'annotate', keys: [{ key: ',' }], enabled: documentOpen, run: (c: CommandContext) => stepLabel(c, -1) },
  'save-version': { group: 'history', keys: [{ key: 's', ctrl: true }], enabled: documentOpen, run: (c: CommandContext) => c.ui.saveVersion() },
  interpolate: {
    group: 'annotate',
    enabled: annotating,
    run: (c: CommandContext, labelId: number = c.session.activeLabel): number[] => {
      const v = c.session.volume!;
      c.view()?.cancelTool();
      return interpolateLabel(c.session.document!, labelId, {
        columns: v.columns,
        rows: v.rows,
        positions: v.locations,
        pixelSpacing: pixelSpacingOf(v),
      }).filled;
    },
  },
  accept: {
    group: 'annotate',
    enabled: annotating,
    run: (c: CommandContext, labelId: number = c.session.activeLabel): number =>
      acceptInterpolation(c.session.document!, labelId, [c.session.slice]),
  },
  'accept-all': {
    group: 'annotate',
    enabled: annotating,
    run: (c: CommandContext, labelId: number = c.session.activeLabel): number => acceptInterpolation(c.session.document!, labelId, undefined),
  },
  'background-only': {
    group: 'annotate',
    enabled: annotating,
    run: (c: CommandContext): void => {
      const document = c.session.document!;
      document.paintMode = document.paintMode === 'background-only' ? 'over-others' : 'background-only';
    },
  },
  'refine.keep-largest': refine(() => ({ op: 'keep-largest' })),
  'refine.remove-small': refine((p) => ({ op: 'remove-small', minMm3: p.minIslandMm3 })),
  'refine.keep-clicked': { group: 'annotate', enabled: annotating, run: (c: CommandContext) => c.ui.pickIsland?.() },
  'refine.closing': refine((p) => ({ op: 'closing', radiusMm: p.radiusMm })),
  'refine.opening': refine((p) => ({ op: 'opening', radiusMm: p.radiusMm })),
  'refine.median': refine(() => ({ op: 'median' })),
  'refine.grow': refine((p) => ({ op: 'margin', mm: p.marginMm })),
  'refine.shrink': refine((p) => ({ op: 'margin', mm: -p.marginMm })),

  // ── review ──
  'verify.accept': { group: 'review', keys: [{ key: 'v' }], enabled: annotating, run: (c: CommandContext) => c.ui.acceptSlice() },
  'verify.reject': { group: 'review', keys: [{ key: 'r' }], enabled: annotating, run: (c: CommandContext) => c.ui.openRejectPicker() },
  'verify.next': { group: 'review', keys: [{ key: 'n' }], enabled: documentOpen, run: (c: CommandContext) => c.ui.nextUnverified() },
  'verify.next-label': {
    group: 'review',
    keys: [{ key: 'n', shift: true }],
    enabled: documentOpen,
    run: (c: CommandContext) => c.ui.nextUnverifiedLabel(),
  },
  // Shift+O: open the next document for review (O alone opens files).
  'review.next-document': { group: 'review', keys: [{ key: 'o', shift: true }], enabled: always, run: (c: CommandContext) => c.ui.nextDocument?.() ?? false },
  'comment.pin': { group: 'review', keys: [{ key: 'm' }], enabled: (c: CommandContext) => documentOpen(c) && c.ui.writable(), run: (c: CommandContext) => c.ui.togglePinMode() },
} satisfies Record<string, Command<never[], unknown>>;

export type CommandTable = typeof COMMANDS;
export type CommandId = keyof CommandTable;
type ArgsOf<K extends CommandId> = CommandTable[K] extends { run: (c: CommandContext, ...args: infer A) => unknown } ? A : never;
type ResultOf<K extends CommandId> = CommandTable[K] extends { run: (...args: never[]) => infer R } ? R : never;

export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** A command's entry, without its argument types (for lists: the toolbar, the sheet, the keyboard). */
export function command(id: CommandId): Command<never[], unknown> {
  return COMMANDS[id];
}

export function isEnabled(c: CommandContext, id: CommandId): boolean {
  return COMMANDS[id].enabled(c);
}

/** Runs a command when it is enabled; undefined when it is not. */
export function runCommand<K extends CommandId>(c: CommandContext, id: K, ...args: ArgsOf<K>): ResultOf<K> | undefined {
  const cmd = COMMANDS[id] as unknown as Command<ArgsOf<K>, ResultOf<K>>;
  return cmd.enabled(c) ? cmd.run(c, ...args) : undefined;
}

const ARROWS: Readonly<Record<string, string>> = { ArrowUp: '↑', ArrowDown: '↓', ArrowLeft: '←', ArrowRight: '→' };

/** Runs a command as a button or key does: without arguments, when it is enabled; false when it was not run or had nothing to do. */
export function press(c: CommandContext, id: CommandId): boolean {
  const cmd = command(id);
  return cmd.enabled(c) && cmd.run(c) !== false;
}

/** The key as the sheet and tooltips show it: `Ctrl + Shift + Z`, `N`, `PageUp`. */
export function shortcutText(s: Shortcut): string {
  const key = ARROWS[s.key] ?? (s.key.length === 1 ? s.key.toUpperCase() : s.key);
  const shift = s.shift && s.key.length === 1 && s.key.toLowerCase() !== s.key.toUpperCase();
  return [s.ctrl ? 'Ctrl' : '', shift ? 'Shift' : '', key].filter(Boolean).join(' + ');
}

/** The command whose shortcut a key press is, if any. */
export function commandForKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): CommandId | undefined {
  if (e.altKey) return undefined;
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  // Letters care about Shift (N and Shift+N differ); symbols come with whatever Shift the layout needs.
  const shiftMatters = key.length === 1 && key.toUpperCase() !== key.toLowerCase();
  return COMMAND_IDS.find((id) =>
    command(id).keys?.some((s: Shortcut) => s.key === key && !!s.ctrl === ctrl && (!shiftMatters || !!s.shift === e.shiftKey)),
  );
}

/**
 * Handles a key press through the table: the tool in hand gets it first
 * (Enter, Backspace, Escape, [ and ]), then the command it is a shortcut of.
 * True when it was ours (the caller prevents the default). Ctrl shortcuts are
 * always ours, even when disabled, so the browser's Save page or search never
 * opens over the annotator.
 */
export function handleKey(c: CommandContext, e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): boolean {
  const ctrl = e.ctrlKey || e.metaKey;
  if (!ctrl && c.view()?.toolKey({ key: e.key, shiftKey: e.shiftKey, altKey: e.altKey, ctrlKey: false })) return true;
  const id = commandForKey(e);
  if (!id) return false;
  return press(c, id) || (ctrl && !command(id).enabled(c));
}
