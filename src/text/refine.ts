/** The Refine panel (Islands, Smoothing, Margin on the active label in 3-D) and its commands, per language. */
import { textTables, type TextShape } from '../core/text.js';

const en = {
  refine: 'Refine',
  refineHint: 'Islands, smoothing and margin of the active label, in 3D',
  panel: 'Refine the active label in 3D',
  islands: 'Islands',
  smoothing: 'Smoothing',
  margin: 'Margin',
  minIsland: 'Smallest island (mm³)',
  radius: 'Radius (mm)',
  marginMm: 'Margin (mm)',
  'keep-largest': 'Keep largest',
  'keep-largest-hint': 'Keep only the largest connected part of the active label, in 3D',
  'remove-small': 'Remove small',
  'remove-small-hint': 'Remove the parts of the active label smaller than the smallest island volume',
  'keep-clicked': 'Keep clicked',
  'keep-clicked-hint': 'Then click a part of the active label on any view: only that connected part is kept, in 3D (Escape cancels)',
  'pick-island': 'Click the part of the active label to keep, on any view (Escape cancels).',
  closing: 'Closing',
  'closing-hint': 'Fill gaps and notches narrower than the radius, across slices',
  opening: 'Opening',
  'opening-hint': 'Remove spurs and bridges thinner than the radius, across slices',
  median: 'Median',
  'median-hint': 'Smooth the outline with a 3×3×3 majority vote',
  grow: 'Grow',
  'grow-hint': 'Grow the active label by the margin in 3D',
  shrink: 'Shrink',
  'shrink-hint': 'Shrink the active label by the margin in 3D',
};

type RefineText = typeof en;

const zhCN: TextShape<RefineText> = {
  refine: '精修',
  refineHint: '当前标签的孤岛、平滑与边距（三维）',
  panel: '三维精修当前标签',
  islands: '孤岛',
  smoothing: '平滑',
  margin: '边距',
  minIsland: '最小孤岛（mm³）',
  radius: '半径（mm）',
  marginMm: '边距（mm）',
  'keep-largest': '保留最大',
  'keep-largest-hint': '只保留当前标签最大的三维连通部分',
  'remove-small': '移除小块',
  'remove-small-hint': '移除当前标签中体积小于最小孤岛的部分',
  'keep-clicked': '保留所点',
  'keep-clicked-hint': '然后在任一视图中点击当前标签的某一部分：只保留该三维连通部分（Esc 取消）',
  'pick-island': '请在任一视图中点击要保留的当前标签部分（Esc 取消）。',
  closing: '闭运算',
  'closing-hint': '跨层填补比半径窄的缝隙和缺口',
  opening: '开运算',
  'opening-hint': '跨层去除比半径细的突起和连接',
  median: '中值',
  'median-hint': '以 3×3×3 多数表决平滑轮廓',
  grow: '扩大',
  'grow-hint': '将当前标签在三维中扩大一个边距',
  shrink: '缩小',
  'shrink-hint': '将当前标签在三维中缩小一个边距',
};

export const refineStrings = textTables<RefineText>({ en, 'zh-CN': zhCN });
