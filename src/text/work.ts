/** Text of the work panel (recent work, versions, image cache), per language (see ui.ts). */
import { textTables, type TextShape } from '../core/text.js';

const en = {
  recent: 'Recent work',
  versions: 'Versions',
  none: 'Nothing saved yet.',
  noVersions: 'No versions yet: one is kept every few minutes of editing and whenever you save a version.',
  open: 'Open',
  openHint: 'Open this work (its images must be opened again unless they are cached)',
  delete: 'Delete',
  confirmDelete: 'Really delete?',
  restore: 'Restore',
  restoreHint: 'Make the open document this version (undo brings back the current state)',
  saveVersion: 'Save version',
  current: 'open',
  labelsOne: '1 label',
  labels: '{count} labels',
  outlinesOne: '1 outline',
  outlines: '{count} outlines',
  verified: '{percent}% verified',
  cachedMark: 'images cached',
  cache: 'Cached images: {size} MB',
  forget: 'Forget cached images',
  confirmForget: 'Really forget?',
};

type Strings = TextShape<typeof en>;

const zhCN: Strings = {
  recent: '最近的工作',
  versions: '版本',
  none: '尚无保存的工作。',
  noVersions: '尚无版本：编辑每隔几分钟以及每次保存版本时都会保留一个版本。',
  open: '打开',
  openHint: '打开此工作（除非图像已缓存，否则需要重新打开图像）',
  delete: '删除',
  confirmDelete: '确定删除？',
  restore: '恢复',
  restoreHint: '将当前文档恢复为此版本（撤销可回到当前状态）',
  saveVersion: '保存版本',
  current: '已打开',
  labelsOne: '1 个标签',
  labels: '{count} 个标签',
  outlinesOne: '1 个轮廓',
  outlines: '{count} 个轮廓',
  verified: '已核对 {percent}%',
  cachedMark: '图像已缓存',
  cache: '已缓存图像：{size} MB',
  forget: '清除缓存的图像',
  confirmForget: '确定清除？',
};

/** The work panel's text in the language of `lang`. */
export const workStrings = textTables<Strings>({ en, 'zh-CN': zhCN });
