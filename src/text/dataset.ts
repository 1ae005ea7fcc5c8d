/** Text of the Dataset panel (cases to build an nnU-Net dataset from), per language (see ui.ts). */
import { textTables, type TextShape } from '../core/text.js';

const en = {
  title: 'Dataset',
  hint: 'Build one nnU-Net dataset from the work stored in this browser: pick the cases, then Build.',
  status: 'Status',
  any: 'Any',
  draft: 'Draft',
  submitted: 'Submitted',
  approved: 'Approved',
  'changes-requested': 'Changes requested',
  fullyVerified: 'Every outline verified',
  cachedOnly: 'Images cached',
  readyOnly: 'Checklist clear',
  toFix: '{count} to fix before export',
  pickAll: 'Pick all shown',
  pickNone: 'Pick none',
  none: 'No stored work matches.',
  by: 'by {user}',
  reviewedBy: 'reviewed by {user}',
  verified: '{percent}% verified',
  needsFiles: 'needs files',
  nothingDrawn: 'nothing drawn',
  slices: '{count} slices',
  name: 'Dataset name',
  build: 'Build dataset ({count} cases)',
  building: 'Building: case {done} of {total}',
  cancel: 'Cancel',
  picked: '{count} picked',
};

type Strings = TextShape<typeof en>;

const zhCN: Strings = {
  title: '数据集',
  hint: '用本浏览器中保存的工作构建一个 nnU-Net 数据集：选择病例，然后构建。',
  status: '状态',
  any: '全部',
  draft: '草稿',
  submitted: '已提交',
  approved: '已批准',
  'changes-requested': '需修改',
  fullyVerified: '所有轮廓均已核验',
  cachedOnly: '图像已缓存',
  readyOnly: '检查清单无阻碍',
  toFix: '导出前需处理 {count} 项',
  pickAll: '选择所显示的全部',
  pickNone: '全部取消',
  none: '没有符合条件的已保存工作。',
  by: '作者 {user}',
  reviewedBy: '审阅者 {user}',
  verified: '已核验 {percent}%',
  needsFiles: '需要文件',
  nothingDrawn: '尚未描绘',
  slices: '{count} 层',
  name: '数据集名称',
  build: '构建数据集（{count} 个病例）',
  building: '正在构建：第 {done} / {total} 个病例',
  cancel: '取消',
  picked: '已选 {count} 个',
};

export const datasetStrings = textTables<Strings>({ en, 'zh-CN': zhCN });
