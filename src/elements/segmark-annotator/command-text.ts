/**
 * The names (and hints) of the annotator's commands in each language, keyed
 * by command id: a command without a name in a language is a type error.
 * Commands that have a button take its text from the element's tables, so
 * a button, its tooltip and the shortcut sheet say the same thing.
 */
import type { Locale } from '../../core/messages.js';
import type { CommandId } from '../../session/commands.js';
import { agreementStrings } from '../segmark-agreement/agreement-strings.js';
import { strings, toLocale } from '../strings.js';
import { toolStrings } from '../tool-strings.js';

export interface CommandText {
  name: string;
  hint?: string;
}

/** Commands only the keyboard reaches: their names for the shortcut sheet. */
type KeyOnly = 'zoom-in' | 'zoom-out' | 'slice.next' | 'slice.previous' | 'slice.forward' | 'slice.back' | 'slice.first' | 'slice.last' | 'save-version' | 'verify.accept' | 'verify.reject' | 'verify.next' | 'verify.next-label' | 'comment.pin';

const KEY_ONLY: Record<Locale, Record<KeyOnly, string>> = {
  en: {
    'zoom-in': 'Zoom in',
    'zoom-out': 'Zoom out',
    'slice.next': 'Next slice',
    'slice.previous': 'Previous slice',
    'slice.forward': '10 slices on',
    'slice.back': '10 slices back',
    'slice.first': 'First slice',
    'slice.last': 'Last slice',
    'save-version': 'Save a version',
    'verify.accept': "Accept the slice: every visible label's unverified outline on it (reject wrong ones first)",
    'verify.reject': "Reject the active label's outline here: reason 1 … 5, optional note, Enter / Escape",
    'verify.next': 'Next unverified slice of the active label, then of the next label',
    'verify.next-label': 'Next label with unverified slices',
    'comment.pin': 'Then click: pin a new comment at that point (Esc stops)',
  },
  'zh-CN': {
    'zoom-in': '放大',
    'zoom-out': '缩小',
    'slice.next': '下一层',
    'slice.previous': '上一层',
    'slice.forward': '向后 10 层',
    'slice.back': '向前 10 层',
    'slice.first': '第一层',
    'slice.last': '最后一层',
    'save-version': '保存版本',
    'verify.accept': '接受本层：所有可见标签在本层未核验的轮廓（先驳回错误的）',
    'verify.reject': '驳回当前标签在本层的轮廓：原因 1 … 5，可加备注，Enter 确认 / Esc 取消',
    'verify.next': '当前标签的下一个未核验层，之后转到下一个标签',
    'verify.next-label': '下一个有未核验层的标签',
    'comment.pin': '然后单击：在该点放置新评论的图钉（Esc 停止）',
  },
};

/** Every command's name and hint in the element's language. */
export function commandText(lang: string): Record<CommandId, CommandText> {
  const locale = toLocale(lang);
  const t = strings(locale);
  const tt = toolStrings(locale);
  const a = agreementStrings(locale);
  const k = KEY_ONLY[locale];
  const only = Object.fromEntries(Object.entries(k).map(([id, name]) => [id, { name }])) as Record<KeyOnly, CommandText>;
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
    undo: { name: tt.undo },
    redo: { name: tt.redo },
    interpolate: { name: tt.interpolate, hint: tt.interpolateHint },
    accept: { name: tt.accept, hint: tt.acceptHint },
    'accept-all': { name: tt.acceptAll },
    'background-only': { name: tt.backgroundOnly, hint: tt.backgroundOnlyHint },
  };
}
