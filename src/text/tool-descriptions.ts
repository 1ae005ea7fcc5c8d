/** What each annotation tool does and its gestures, for the shortcut sheet, per language (see ui.ts). */
import { textTables } from '../core/text.js';
import type { AnnotationToolId } from '../tools/annotation-tool.js';
import { TOOL_SHORTCUTS } from '../tools/index.js';

export interface ToolDescription {
  id: AnnotationToolId;
  key: string;
  name: string;
  /** One line on what the tool does. */
  summary: string;
  /** Gestures and keys, one per line. */
  gestures: readonly string[];
}

type Text = Record<AnnotationToolId, { name: string; summary: string; gestures: string[] }>;

const en: Text = {
  freehand: {
    name: 'Freehand',
    summary: 'Trace an outline; it closes itself on release and is added to the label.',
    gestures: ['Drag: trace and add', 'Alt/Ctrl + drag: trace and cut away', 'Esc: abandon the trace'],
  },
  polygon: {
    name: 'Polygon',
    summary: 'Click the corners of an outline.',
    gestures: ['Click: add a corner', 'Double-click, Enter or click the first corner: close', 'Backspace: remove the last corner', 'Esc: abandon', 'Alt/Ctrl at the first click: cut away'],
  },
  livewire: {
    name: 'Livewire',
    summary: 'Click points on an edge; the outline between them follows the edges you see.',
    gestures: ['Click: add an anchor', 'Double-click, Enter or click the first anchor: close', 'Backspace: remove the last anchor', 'Esc: abandon', 'Alt/Ctrl at the first click: cut away'],
  },
  edit: {
    name: 'Edit outline',
    summary: 'Reshape the outline of the label on this slice.',
    gestures: ['Drag a corner: move it', 'Click an edge: add a corner', 'Alt/Ctrl + click a corner: delete it', 'Drag inside: move the whole outline', 'Shift + drag: push the outline (out from inside, in from outside)'],
  },
  brush: {
    name: 'Brush',
    summary: 'Paint with a round brush.',
    gestures: ['Drag: paint', 'Alt/Ctrl + drag: erase', '[ and ]: smaller and larger brush', 'Pen pressure: brush size'],
  },
  eraser: {
    name: 'Eraser',
    summary: 'Erase the label with a round brush.',
    gestures: ['Drag: erase', '[ and ]: smaller and larger eraser'],
  },
  'threshold-brush': {
    name: 'Threshold brush',
    summary: 'Paint only pixels within a range of HU (e.g. disc 50–150).',
    gestures: ['Drag: paint pixels in range', 'Alt/Ctrl + drag: erase pixels in range', '[ and ]: smaller and larger brush'],
  },
  fill: {
    name: 'Fill',
    summary: 'Fill holes and areas closed by the label, or a connected area within the threshold range.',
    gestures: ['Click inside the label: fill all its holes', 'Click an area the label encloses: fill it', 'Click elsewhere: fill the connected pixels within the threshold range'],
  },
  grow: {
    name: 'Grow from seeds (3D)',
    summary: 'Mark the structure and its surroundings with short strokes on any view; it is segmented in 3D around them. Enter accepts.',
    gestures: ['Drag: seed the active label', 'Alt/Ctrl + drag: seed the background', 'Enter: accept (outlines on every slice it covers)', 'Backspace: remove the last stroke', 'Esc: drop the seeds'],
  },
  'one-click': {
    name: 'One-click region (3D)',
    summary: 'Click inside a structure: the connected voxels within the threshold range, up to 40 mm away. Enter adds them.',
    gestures: ['Click: find the region', 'Enter: add it to the label', 'Esc: drop it'],
  },
  nearby: {
    name: 'Segment nearby slices (3D)',
    summary: 'Carry the outline on this slice to the slices above and below, following the edges, until the shape stops matching. Enter adds them.',
    gestures: ['H: start from the slice shown', 'Click: start from the slice under the pointer', 'Enter: add the outlines to the label', 'Esc: drop them'],
  },
};

const zhCN: Text = {
  freehand: {
    name: '手绘',
    summary: '描绘轮廓，松开时自动闭合并加入当前标签。',
    gestures: ['拖动：描绘并添加', 'Alt/Ctrl + 拖动：描绘并减去', 'Esc：放弃本次描绘'],
  },
  polygon: {
    name: '多边形',
    summary: '逐个点击轮廓的顶点。',
    gestures: ['单击：添加顶点', '双击、回车或单击第一个顶点：闭合', '退格：删除最后一个顶点', 'Esc：放弃', '第一次单击时按住 Alt/Ctrl：减去'],
  },
  livewire: {
    name: '活线',
    summary: '在边缘上点击锚点，锚点之间的轮廓沿所见的边缘自动走线。',
    gestures: ['单击：添加锚点', '双击、回车或单击第一个锚点：闭合', '退格：删除最后一个锚点', 'Esc：放弃', '第一次单击时按住 Alt/Ctrl：减去'],
  },
  edit: {
    name: '编辑轮廓',
    summary: '调整本层上当前标签的轮廓。',
    gestures: ['拖动顶点：移动顶点', '单击边：插入顶点', 'Alt/Ctrl + 单击顶点：删除顶点', '在内部拖动：移动整个轮廓', 'Shift + 拖动：推动轮廓（从内向外扩，从外向内收）'],
  },
  brush: {
    name: '画笔',
    summary: '用圆形画笔涂抹。',
    gestures: ['拖动：涂抹', 'Alt/Ctrl + 拖动：擦除', '[ 和 ]：缩小和放大画笔', '笔压：画笔大小'],
  },
  eraser: {
    name: '橡皮擦',
    summary: '用圆形橡皮擦去当前标签。',
    gestures: ['拖动：擦除', '[ 和 ]：缩小和放大橡皮擦'],
  },
  'threshold-brush': {
    name: '阈值画笔',
    summary: '只涂抹 HU 值在范围内的像素（如椎间盘 50–150）。',
    gestures: ['拖动：涂抹范围内的像素', 'Alt/Ctrl + 拖动：擦除范围内的像素', '[ 和 ]：缩小和放大画笔'],
  },
  fill: {
    name: '填充',
    summary: '填充标签内的空洞及被标签围住的区域，或阈值范围内的连通区域。',
    gestures: ['在标签内单击：填充其所有空洞', '在被标签围住的区域内单击：填充该区域', '在其他位置单击：填充阈值范围内相连的像素'],
  },
  grow: {
    name: '种子生长（三维）',
    summary: '在任一视图上用短笔画标出结构及其周围，系统在其周围进行三维分割。回车接受。',
    gestures: ['拖动：为当前标签放置种子', 'Alt/Ctrl + 拖动：为背景放置种子', '回车：接受（在覆盖的每一层写入轮廓）', '退格：删除最后一笔', 'Esc：清除种子'],
  },
  'one-click': {
    name: '单击区域（三维）',
    summary: '在结构内单击：阈值范围内相连的体素，最远 40 毫米。回车加入标签。',
    gestures: ['单击：查找区域', '回车：加入当前标签', 'Esc：放弃'],
  },
  nearby: {
    name: '分割相邻层（三维）',
    summary: '将本层的轮廓沿边缘延续到上下相邻层，直到形状不再吻合。回车加入标签。',
    gestures: ['H：从当前层开始', '单击：从指针所在层开始', '回车：将轮廓加入当前标签', 'Esc：放弃'],
  },
};

const text = textTables<Text>({ en, 'zh-CN': zhCN });

/** The shortcut sheet, in shortcut order. */
export function toolDescriptions(lang = 'en'): ToolDescription[] {
  const t = text(lang);
  return Object.entries(TOOL_SHORTCUTS).map(([key, id]) => ({ id, key: key.toUpperCase(), ...t[id] }));
}
