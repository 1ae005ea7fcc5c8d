/** The shortcut sheet (`?`), per language (see ui.ts); the tools' own part is in tool-descriptions.ts. */
import { textTables } from '../../core/text.js';

export type Row = readonly [keys: string, action: string];

interface Strings {
  title: string;
  viewing: string;
  tools: string;
  history: string;
  close: string;
  rows: readonly Row[];
  historyRows: readonly Row[];
  /** Verification keys (review-bar.ts). */
  review: { title: string; rows: readonly Row[] };
}

const en: Strings = {
  title: 'Keyboard and mouse',
  viewing: 'Viewing',
  tools: 'Annotation tools',
  history: 'History',
  close: 'Close',
  rows: [
    ['Wheel, ↑ ↓ ← →', 'Previous / next slice'],
    ['PageUp / PageDown', '10 slices'],
    ['Home / End', 'First / last slice'],
    ['1 … 5', 'Window: soft tissue, bone, spine/disc, lung, brain'],
    ['W / P / Z', 'Left drag sets window / pans / zooms'],
    ['Middle drag / right drag', 'Pan / zoom with any tool'],
    ['Ctrl + wheel, + / −', 'Zoom'],
    ['F / A / I', 'Fit / 1:1 / invert'],
    ['Shift + click', 'Move the sagittal and coronal planes here (viewing tools)'],
    ['?', 'This sheet'],
    ['M, then click', 'Pin a new comment at that point (Esc stops)'],
  ],
  historyRows: [
    ['Ctrl + Z', 'Undo'],
    ['Ctrl + Shift + Z, Ctrl + Y', 'Redo'],
    ['Ctrl + S', 'Save a version'],
    ['Ctrl + E', 'Export…'],
  ],
  review: {
    title: 'Verification',
    rows: [
      ['V', 'Accept the slice: every visible label\'s unverified outline on it (reject wrong ones first)'],
      ['R', 'Reject the active label\'s outline here: reason 1 … 5, optional note, Enter / Escape'],
      ['N', 'Next unverified slice of the active label, then of the next label'],
      ['Shift + N', 'Next label with unverified slices'],
    ],
  },
};

const zhCN: Strings = {
  title: '键盘与鼠标',
  viewing: '浏览',
  tools: '标注工具',
  history: '历史',
  close: '关闭',
  rows: [
    ['滚轮、↑ ↓ ← →', '上一层 / 下一层'],
    ['PageUp / PageDown', '10 层'],
    ['Home / End', '第一层 / 最后一层'],
    ['1 … 5', '窗位：软组织、骨、脊柱/椎间盘、肺、脑'],
    ['W / P / Z', '左键拖动：调窗 / 平移 / 缩放'],
    ['中键拖动 / 右键拖动', '任何工具下平移 / 缩放'],
    ['Ctrl + 滚轮、+ / −', '缩放'],
    ['F / A / I', '适应窗口 / 1:1 / 反色'],
    ['Shift + 单击', '将矢状面和冠状面移到此处（浏览工具）'],
    ['?', '本快捷键表'],
    ['M，然后单击', '在该点放置新评论的图钉（Esc 停止）'],
  ],
  historyRows: [
    ['Ctrl + Z', '撤销'],
    ['Ctrl + Shift + Z、Ctrl + Y', '重做'],
    ['Ctrl + S', '保存版本'],
    ['Ctrl + E', '导出…'],
  ],
  review: {
    title: '核验',
    rows: [
      ['V', '接受本层：所有可见标签在本层未核验的轮廓（先驳回错误的）'],
      ['R', '驳回当前标签在本层的轮廓：原因 1 … 5，可加备注，Enter 确认 / Esc 取消'],
      ['N', '当前标签的下一个未核验层，之后转到下一个标签'],
      ['Shift + N', '下一个有未核验层的标签'],
    ],
  },
};

/** The shortcut sheet's text in the language of `lang`. */
export const shortcutStrings = textTables<Strings>({ en, 'zh-CN': zhCN });
