/**
 * The shortcut sheet (`?`): the mouse gestures, then every command of the
 * table that has a key (session/commands.ts), by group, and the annotation
 * tools with their gestures — in the element's language.
 */
import { html } from 'lit';
import type { Locale } from '../../core/messages.js';
import { COMMAND_IDS, command, shortcutText, type CommandGroup, type CommandId } from '../../session/commands.js';
import { toolDescriptions } from '../../tools/index.js';
import { toLocale } from '../strings.js';
import { commandText } from './command-text.js';

type Row = [keys: string, action: string];

interface SheetText {
  title: string;
  close: string;
  gestures: string;
  groups: Partial<Record<CommandGroup, string>>;
  tools: string;
  /** Gestures are no commands: they are listed by hand. */
  gestureRows: Row[];
}

const TEXT: Record<Locale, SheetText> = {
  en: {
    title: 'Keyboard and mouse',
    close: 'Close',
    gestures: 'Mouse',
    groups: { view: 'Viewing', slices: 'Slices', presets: 'Window presets', history: 'History', review: 'Verification', open: 'Files' },
    tools: 'Annotation tools',
    gestureRows: [
      ['Wheel', 'Previous / next slice'],
      ['Middle drag / right drag', 'Pan / zoom with any tool'],
      ['Ctrl + wheel', 'Zoom'],
      ['Shift + click', 'Move the sagittal and coronal planes here (viewing tools)'],
    ],
  },
  'zh-CN': {
    title: '键盘与鼠标',
    close: '关闭',
    gestures: '鼠标',
    groups: { view: '浏览', slices: '层面', presets: '窗宽窗位预设', history: '历史', review: '核验', open: '文件' },
    tools: '标注工具',
    gestureRows: [
      ['滚轮', '上一层 / 下一层'],
      ['中键拖动 / 右键拖动', '任何工具下平移 / 缩放'],
      ['Ctrl + 滚轮', '缩放'],
      ['Shift + 单击', '将矢状面和冠状面移到此处（浏览工具）'],
    ],
  },
};

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
  const locale = toLocale(lang);
  const t = TEXT[locale];
  const names = commandText(locale);
  const table = (list: Row[]) => html`<table>${list.map(([k, a]) => html`<tr><th scope="row"><kbd>${k}</kbd></th><td>${a}</td></tr>`)}</table>`;
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
        ${toolDescriptions(locale).map(
          (d) => html`<div class="tool"><div><kbd>${toolKey(d.id)}</kbd> <strong>${d.name}</strong> — ${d.summary}</div>
            <ul>${d.gestures.map((g) => html`<li>${g}</li>`)}</ul></div>`,
        )}
      </section>
    </div>
  </div>`;
}
