/** Names of the annotation tools and history actions, per language (interface text; see strings.ts). */
import type { AnnotationToolId } from '../tools/annotation-tool.js';

type ToolText = Record<AnnotationToolId | 'undo' | 'redo' | 'annotate', string>;

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
};

export function toolStrings(lang: string): ToolText {
  return lang === 'zh-CN' || lang.toLowerCase().startsWith('zh') ? zhCN : en;
}
