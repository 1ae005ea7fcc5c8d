/** Interface text of <segmark-study-browser>, per language (see ui.ts; messages about errors live in core/messages.ts). */
import { textTables, type TextShape } from '../core/text.js';

const en = {
  search: 'Search',
  searchForm: 'Search the PACS for studies',
  patientName: 'Patient name',
  patientID: 'Patient ID',
  dateFrom: 'Study date from',
  dateTo: 'to',
  modality: 'Modality',
  anyModality: 'Any',
  accession: 'Accession number',
  studies: 'Studies',
  date: 'Date',
  description: 'Description',
  modalities: 'Modalities',
  seriesCount: 'Series',
  instances: 'Images',
  showSeries: 'Show the series of',
  seriesOf: 'Series of',
  number: 'No.',
  open: 'Open',
  openSeries: 'Open series',
  searching: 'Searching…',
  loadingSeries: 'Loading series…',
  found: '{count} studies found',
  none: 'No study matches.',
  noRoot: 'No PACS address (root) is set.',
};

type Strings = TextShape<typeof en>;

const zhCN: Strings = {
  search: '搜索',
  searchForm: '在 PACS 中搜索检查',
  patientName: '患者姓名',
  patientID: '患者 ID',
  dateFrom: '检查日期从',
  dateTo: '至',
  modality: '检查类型',
  anyModality: '全部',
  accession: '检查号',
  studies: '检查',
  date: '日期',
  description: '描述',
  modalities: '检查类型',
  seriesCount: '序列',
  instances: '图像',
  showSeries: '显示以下检查的序列：',
  seriesOf: '检查的序列：',
  number: '序号',
  open: '打开',
  openSeries: '打开序列',
  searching: '正在搜索…',
  loadingSeries: '正在加载序列…',
  found: '找到 {count} 个检查',
  none: '没有匹配的检查。',
  noRoot: '未设置 PACS 地址（root）。',
};

/** The study browser's text in the language of `lang`. */
export const studyBrowserStrings = textTables<Strings>({ en, 'zh-CN': zhCN });
