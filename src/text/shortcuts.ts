/**
 * The shortcut sheet (`?`) per language (see ui.ts): its headings, the mouse
 * gestures (no commands), and the names of the commands only a key reaches.
 * The keys themselves come from the command table; the tools' part is in
 * tool-descriptions.ts.
 */
import { textTables } from '../core/text.js';
import type { CommandGroup } from '../session/commands.js';

export type Row = readonly [keys: string, action: string];

/** Commands with no button: their names for the sheet. */
export type KeyOnlyCommand =
  | 'zoom-in'
  | 'zoom-out'
  | 'slice.next'
  | 'slice.previous'
  | 'slice.forward'
  | 'slice.back'
  | 'slice.first'
  | 'slice.last'
  | 'save-version'
  | 'verify.accept'
  | 'verify.reject'
  | 'verify.next'
  | 'verify.next-label'
  | 'review.next-document'
  | 'comment.pin'
  | 'layout.axial'
  | 'layout.mpr'
  | 'layout.mpr-3d'
  | 'layout.sagittal'
  | 'layout.coronal'
  | 'maximise'
  | 'label.next'
  | 'label.previous';

interface Strings {
  title: string;
  close: string;
  gestures: string;
  tools: string;
  groups: Readonly<Record<CommandGroup, string>>;
  gestureRows: readonly Row[];
  commands: Readonly<Record<KeyOnlyCommand, string>>;
}

const en: Strings = {
  title: 'Keyboard and mouse',
  close: 'Close',
  gestures: 'Mouse',
  tools: 'Annotation tools',
  groups: { view: 'Viewing', slices: 'Slices', presets: 'Window presets', history: 'History', review: 'Verification', open: 'Files', tools: 'Annotation tools', annotate: 'Annotating' },
  gestureRows: [
    ['Wheel', 'Previous / next image (down goes inferior; on sagittal and coronal views, moves that plane)'],
    ['Middle drag / right drag', 'Pan / zoom with any tool'],
    ['Ctrl + wheel', 'Zoom'],
    ['Shift + click', 'Move the other planes here (viewing tools)'],
    ['Double-click', 'Show this view alone, and back (viewing tools)'],
  ],
  commands: {
    'zoom-in': 'Zoom in',
    'zoom-out': 'Zoom out',
    'slice.next': 'Next image (inferior)',
    'slice.previous': 'Previous image (superior)',
    'slice.forward': '10 images on',
    'slice.back': '10 images back',
    'slice.first': 'Image 1 (most superior)',
    'slice.last': 'Last image',
    'save-version': 'Save a version',
    'verify.accept': "Accept the slice: every visible label's unverified outline on it (reject wrong ones first)",
    'verify.reject': "Reject the active label's outline here: reason 1 … 5, optional note, Enter / Escape. Where the label has no outline here: flag a missed structure (cleared when an outline is drawn, or with Clear missed flag)",
    'verify.next': 'Next unverified slice of the active label, then of the next label',
    'verify.next-label': 'Next label with unverified slices',
    'review.next-document': 'Open the next document waiting for review (Work: For review)',
    'comment.pin': 'Then click: pin a new comment at that point (Esc stops)',
    'layout.axial': 'Layout: one axial view',
    'layout.mpr': 'Layout: axial, sagittal and coronal side by side',
    'layout.mpr-3d': 'Layout: three planes and the 3D view',
    'layout.sagittal': 'Layout: sagittal alone',
    'layout.coronal': 'Layout: coronal alone',
    maximise: 'Show the view in use alone, and back',
    'label.next': 'Next label (the active label moves down the list)',
    'label.previous': 'Previous label',
  },
};

const zhCN: Strings = {
  title: '键盘与鼠标',
  close: '关闭',
  gestures: '鼠标',
  tools: '标注工具',
  groups: { view: '浏览', slices: '层', presets: '窗宽窗位预设', history: '历史', review: '核验', open: '文件', tools: '标注工具', annotate: '标注' },
  gestureRows: [
    ['滚轮', '上一幅 / 下一幅图像（向下为足侧；在矢状面和冠状面视图中移动该平面）'],
    ['中键拖动 / 右键拖动', '任何工具下平移 / 缩放'],
    ['Ctrl + 滚轮', '缩放'],
    ['Shift + 单击', '将其他平面移到此处（浏览工具）'],
    ['双击', '单独显示此视图，再次双击恢复（浏览工具）'],
  ],
  commands: {
    'zoom-in': '放大',
    'zoom-out': '缩小',
    'slice.next': '下一幅（足侧）',
    'slice.previous': '上一幅（头侧）',
    'slice.forward': '向后 10 幅',
    'slice.back': '向前 10 幅',
    'slice.first': '第 1 幅（最头侧）',
    'slice.last': '最后一幅',
    'save-version': '保存版本',
    'verify.accept': '接受本层：所有可见标签在本层未核验的轮廓（先驳回错误的）',
    'verify.reject': '驳回当前标签在本层的轮廓：原因 1 … 5，可加备注，Enter 确认 / Esc 取消。该标签在本层没有轮廓时：标为漏标结构（画出轮廓或点“清除漏标标记”后清除）',
    'verify.next': '当前标签的下一个未核验层，之后转到下一个标签',
    'verify.next-label': '下一个有未核验层的标签',
    'review.next-document': '打开下一个等待审核的文档（“工作”中的“待审核”）',
    'comment.pin': '然后单击：在该点放置新评论的图钉（Esc 停止）',
    'layout.axial': '布局：单个轴位视图',
    'layout.mpr': '布局：轴位、矢状位、冠状位并排',
    'layout.mpr-3d': '布局：三个平面加三维视图',
    'layout.sagittal': '布局：仅矢状位',
    'layout.coronal': '布局：仅冠状位',
    maximise: '单独显示当前视图，再次按下恢复',
    'label.next': '下一个标签',
    'label.previous': '上一个标签',
  },
};

/** The shortcut sheet's text in the language of `lang`. */
export const shortcutStrings = textTables<Strings>({ en, 'zh-CN': zhCN });
