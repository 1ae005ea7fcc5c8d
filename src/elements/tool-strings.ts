/** Names of the annotation tools and history actions, per language (interface text; see strings.ts). */
import type { AnnotationToolId } from '../tools/annotation-tool.js';

import type { ToolStatusCode } from '../tools/annotation-tool.js';

/** What the user is told when a gesture did not do what it looked like it would. */
const STATUS: Record<'en' | 'zh-CN', Partial<Record<ToolStatusCode, string>>> = {
  en: {
    locked: 'The label is locked: unlock it in the label list to edit it.',
    'fill-open': 'Nothing filled: the area is not closed by the label.',
    'fill-no-holes': 'Nothing filled: the label has no holes here.',
  },
  'zh-CN': {
    locked: '该标签已锁定：请在标签列表中解锁后再编辑。',
    'fill-open': '未填充：该区域没有被标签封闭。',
    'fill-no-holes': '未填充：此处标签没有空洞。',
  },
};

export function toolStatusMessage(lang: string, status: ToolStatusCode): string | undefined {
  return STATUS[lang === 'zh-CN' || lang.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'][status];
}

type ToolText = Record<AnnotationToolId | 'undo' | 'redo' | 'annotate' | 'interpolate' | 'interpolateHint' | 'accept' | 'acceptHint' | 'acceptAll' | 'backgroundOnly' | 'backgroundOnlyHint' | 'shortcuts' | 'thresholdRange' | 'threshold-disc' | 'threshold-bone' | 'threshold-soft-tissue' | 'saving' | 'saved' | 'saveFailed' | 'persistent' | 'notPersistent' | 'otherTab' | 'takeOver' | 'handedOver' | 'lostDocument' | 'nowEditing' | 'openImagesFor' | 'export' | 'exportHint' | 'import' | 'importHint' | 'imported' | 'saveToPacs' | 'saveToPacsHint' | 'savingToPacs' | 'savedToPacs' | 'retry' | 'pacsSegmentations' | 'pacsSegmentationsHint' | 'pacsNoSegmentations' | 'pacsSegmentation' | 'open', string>;

const en: ToolText = {
  freehand: 'Freehand',
  polygon: 'Polygon',
  livewire: 'Livewire',
  edit: 'Edit',
  brush: 'Brush',
  eraser: 'Eraser',
  'threshold-brush': 'Threshold brush',
  fill: 'Fill',
  undo: 'Undo',
  redo: 'Redo',
  annotate: 'Annotation tools',
  interpolate: 'Interpolate',
  interpolateHint: 'Fill the slices between outlined slices of the active label (shown dashed until accepted)',
  accept: 'Accept',
  acceptHint: 'Accept the interpolated outline on this slice',
  acceptAll: 'Accept all',
  backgroundOnly: 'Background only',
  backgroundOnlyHint: 'Paint only where no other label is; otherwise painting takes pixels from other labels (never overlapping either way)',
  shortcuts: 'Shortcuts (?)',
  thresholdRange: 'Threshold brush range',
  'threshold-disc': 'Disc',
  'threshold-bone': 'Bone',
  'threshold-soft-tissue': 'Soft tissue',
  saving: 'Saving…',
  saved: 'Saved',
  saveFailed: 'Not saved — kept in memory, retrying',
  persistent: 'Saved in this browser; the browser will not evict it when disk space runs low.',
  notPersistent: 'Saved in this browser, but the browser did not grant persistent storage: it may evict saved work when disk space runs low. Export important work.',
  otherTab: 'This document is being edited in another tab: it is shown here read-only, and follows that tab’s changes.',
  takeOver: 'Edit here',
  handedOver: 'Another tab took over editing this document. Your work was saved; this tab now shows it read-only.',
  lostDocument: 'Another tab took over this document before this tab could save. Changes made here are kept as a version.',
  nowEditing: 'You can edit this document here now.',
  openImagesFor: 'To continue, open the images of:',
  export: 'Export…',
  exportHint: 'Export the annotation (NIfTI, DICOM SEG), after a check',
  import: 'Import…',
  importHint: 'Import a segmentation to correct it: NIfTI labelmap, our NIfTI zip, DICOM SEG',
  imported: 'Imported (not yet verified):',
  saveToPacs: 'Save to PACS',
  saveToPacsHint: 'Store the annotation in the PACS as a DICOM SEG of this series',
  savingToPacs: 'Storing in the PACS…',
  savedToPacs: 'Stored in the PACS:',
  retry: 'Retry',
  pacsSegmentations: 'SEGs in PACS…',
  pacsSegmentationsHint: 'Find segmentations of this series stored in the PACS, to open one',
  pacsNoSegmentations: 'The PACS holds no segmentation of this series.',
  pacsSegmentation: 'Segmentation in the PACS:',
  open: 'Open',
};

const zhCN: ToolText = {
  freehand: '手绘',
  polygon: '多边形',
  livewire: '智能剪刀',
  edit: '编辑',
  brush: '画笔',
  eraser: '橡皮擦',
  'threshold-brush': '阈值画笔',
  fill: '填充',
  undo: '撤销',
  redo: '重做',
  annotate: '标注工具',
  interpolate: '插值',
  interpolateHint: '在当前标签已勾画的层面之间插值填充（接受前以虚线显示）',
  accept: '接受',
  acceptHint: '接受本层面的插值轮廓',
  acceptAll: '全部接受',
  backgroundOnly: '仅背景',
  backgroundOnlyHint: '只在没有其他标签的地方绘制；否则绘制会从其他标签中取走像素（两种方式都不会重叠）',
  shortcuts: '快捷键 (?)',
  thresholdRange: '阈值画笔范围',
  'threshold-disc': '椎间盘',
  'threshold-bone': '骨',
  'threshold-soft-tissue': '软组织',
  saving: '正在保存…',
  saved: '已保存',
  saveFailed: '未保存——已保留在内存中，正在重试',
  persistent: '已保存在本浏览器中；磁盘空间不足时浏览器不会清除它。',
  notPersistent: '已保存在本浏览器中，但浏览器未授予持久存储：磁盘空间不足时可能清除已保存的工作。请导出重要工作。',
  otherTab: '此文档正在另一个标签页中编辑：此处以只读方式显示，并同步该标签页的更改。',
  takeOver: '在此编辑',
  handedOver: '另一个标签页接管了此文档的编辑。您的工作已保存；此标签页现以只读方式显示。',
  lostDocument: '另一个标签页在此标签页保存之前接管了此文档。此处的更改已保留为一个版本。',
  nowEditing: '您现在可以在此编辑此文档。',
  openImagesFor: '要继续，请打开以下图像：',
  export: '导出…',
  exportHint: '检查后导出标注（NIfTI、DICOM SEG）',
  import: '导入…',
  importHint: '导入分割以便修正：NIfTI 标签图、本软件导出的 NIfTI 压缩包、DICOM SEG',
  imported: '已导入（尚未核对）：',
  saveToPacs: '保存到 PACS',
  saveToPacsHint: '将标注以本序列的 DICOM SEG 形式存入 PACS',
  savingToPacs: '正在存入 PACS…',
  savedToPacs: '已存入 PACS：',
  retry: '重试',
  pacsSegmentations: 'PACS 中的分割…',
  pacsSegmentationsHint: '查找 PACS 中本序列的分割，以便打开',
  pacsNoSegmentations: 'PACS 中没有本序列的分割。',
  pacsSegmentation: 'PACS 中的分割：',
  open: '打开',
};

export function toolStrings(lang: string): ToolText {
  return lang === 'zh-CN' || lang.toLowerCase().startsWith('zh') ? zhCN : en;
}
