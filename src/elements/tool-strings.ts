/** Names of the annotation tools and history actions, per language (interface text; see strings.ts). */
import type { AnnotationToolId } from '../tools/annotation-tool.js';

type ToolText = Record<AnnotationToolId | 'undo' | 'redo' | 'annotate' | 'interpolate' | 'interpolateHint' | 'accept' | 'acceptHint' | 'acceptAll', string>;

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
};

export function toolStrings(lang: string): ToolText {
  return lang === 'zh-CN' || lang.toLowerCase().startsWith('zh') ? zhCN : en;
}
