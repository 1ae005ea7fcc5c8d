/** Text of the work panel (review queue, recent work, versions, image cache), per language (see ui.ts). */
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
  forReview: 'For review',
  queueEmpty: 'Nothing is waiting for review.',
  queueDone: 'No more documents for review.',
  submittedBy: 'submitted by {name}',
  openQueuedHint: 'Open this document for review (its images must be opened again unless they are cached or the portal loads them)',
  nextDocument: 'Next document',
  nextHint: 'Open the next document waiting for review (Shift+O)',
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
  verified: '已核验 {percent}%',
  cachedMark: '图像已缓存',
  cache: '已缓存图像：{size} MB',
  forget: '清除缓存的图像',
  confirmForget: '确定清除？',
  forReview: '待审核',
  queueEmpty: '没有等待审核的文档。',
  queueDone: '没有更多待审核的文档。',
  submittedBy: '提交人：{name}',
  openQueuedHint: '打开此文档进行审核（除非图像已缓存或由门户加载，否则需要重新打开图像）',
  nextDocument: '下一个文档',
  nextHint: '打开下一个等待审核的文档（Shift+O）',
};

/** The work panel's text in the language of `lang`. */
export const workStrings = textTables<Strings>({ en, 'zh-CN': zhCN });
