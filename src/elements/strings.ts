/** Interface text of the elements, per language. Messages about files live in core/messages.ts. */
import type { Locale } from '../core/messages.js';

const en = {
  openFiles: 'Open files',
  openFolder: 'Open folder',
  openUrls: 'Open URLs',
  urlsPlaceholder: 'https://… (comma separated)',
  pan: 'Pan',
  zoom: 'Zoom',
  window: 'Window',
  fit: 'Fit',
  actualSize: '1:1',
  invert: 'Invert',
  cancel: 'Cancel',
  dismiss: 'Dismiss',
  reading: 'Reading',
  decoding: 'Decoding',
  files: 'files',
  slices: 'slices',
  slice: 'Slice',
  dropHere: 'Drop DICOM files or folders here',
  emptyViewer: 'Open or drop a CT series (files, folders or zip archives).',
  series: 'Series',
  'soft-tissue': 'Soft tissue',
  bone: 'Bone',
  spine: 'Spine/disc',
  lung: 'Lung',
  brain: 'Brain',
  presets: 'Window presets',
  tools: 'Tools',
  sagittal: 'Sagittal reformat',
  coronal: 'Coronal reformat',
};

export type StringKey = keyof typeof en;

const zhCN: Record<StringKey, string> = {
  openFiles: '打开文件',
  openFolder: '打开文件夹',
  openUrls: '打开网址',
  urlsPlaceholder: 'https://…（用逗号分隔）',
  pan: '平移',
  zoom: '缩放',
  window: '窗宽窗位',
  fit: '适应窗口',
  actualSize: '1:1',
  invert: '反色',
  cancel: '取消',
  dismiss: '关闭',
  reading: '读取中',
  decoding: '解码中',
  files: '个文件',
  slices: '层',
  slice: '层面',
  dropHere: '将 DICOM 文件或文件夹拖放到此处',
  emptyViewer: '打开或拖入 CT 序列（文件、文件夹或 zip 压缩包）。',
  series: '序列',
  'soft-tissue': '软组织',
  bone: '骨',
  spine: '脊柱/椎间盘',
  lung: '肺',
  brain: '脑',
  presets: '窗宽窗位预设',
  tools: '工具',
  sagittal: '矢状面重建',
  coronal: '冠状面重建',
};

const tables: Record<Locale, Record<StringKey, string>> = { en, 'zh-CN': zhCN };

export function strings(locale: string): Record<StringKey, string> {
  return tables[(locale in tables ? locale : 'en') as Locale];
}

export function toLocale(lang: string): Locale {
  return lang === 'zh-CN' || lang.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
