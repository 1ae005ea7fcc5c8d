/** The export dialog's text, per language (interface text; see strings.ts). */
import type { ChecklistFinding } from '../../core/formats/checklist.js';

const num = (v: string | number | undefined, digits = 1) => (typeof v === 'number' ? v.toFixed(digits) : String(v ?? ''));

const en = {
  title: 'Export',
  format: 'Format',
  formats: {
    nifti: 'NIfTI labelmap (.nii.gz, with labels.json)',
    'nifti-image': 'NIfTI labelmap and CT volume (int16 HU)',
    'dicom-seg': 'DICOM SEG (binary segmentation)',
    'png-zip': 'PNG masks (zip, one label-valued PNG per slice, labels.json)',
    coco: 'COCO JSON (polygons from the outlines, RLE where there are holes)',
    dataset: 'Dataset package (nnU-Net v2 raw layout, CT and labels, provenance)',
  },
  deidentify: 'De-identify (case id instead of the patient, new UIDs, no dates)',
  labels: 'Labels',
  slices: (n: number) => (n === 1 ? '1 slice' : `${n} slices`),
  fileName: 'File name',
  checklist: 'Before it leaves',
  allClear: 'Nothing to look at.',
  goto: 'Show this slice',
  anyway: 'Export anyway',
  working: 'Exporting…',
  cancel: 'Cancel',
  export: 'Export',
  finding(f: ChecklistFinding): string {
    const p = f.params;
    switch (f.code) {
      case 'empty-label':
        return `${p['label']} has no outline (a SEG keeps it as an empty segment).`;
      case 'generic-code':
        return `${p['label']} has no specific meaning, only the generic “Tissue”: choose its structure in the label panel.`;
      case 'pending-interpolation':
        return `${p['label']}: ${p['count']} interpolated outline(s) not yet accepted, on slices`;
      case 'rejected-outline':
        return `${p['label']}: ${p['count']} outline(s) rejected in review and not yet corrected, on slices`;
      case 'unverified-import':
        return `${p['label']}: ${p['count']} imported outline(s) not yet verified by a person, on slices`;
      case 'non-uniform-spacing':
        return `Slices are unevenly spaced (${num(p['minStep'], 2)}–${num(p['maxStep'], 2)} mm): NIfTI spaces them evenly from first to last; up to ${num(p['maxErrorMm'], 2)} mm off, worst at slice`;
      case 'gantry-tilt':
        return `Gantry tilt ${num(p['tiltDeg'])}°: the sform keeps the slices exactly; the qform (used by some tools) is up to ${num(p['qformShiftMm'])} mm off.`;
      case 'single-slice':
        return `A single slice: its thickness is taken from the series (${num(p['sliceStep'], 2)} mm).`;
      case 'qform-precision':
        return `The qform can hold this orientation only to ${num(p['maxErrorMm'], 3)} mm; the sform is exact.`;
      case 'geometry-roundtrip':
        return `The file's geometry puts a voxel ${num(p['errorMm'], 3)} mm from its DICOM position.`;
    }
  },
};

type ExportText = typeof en;

const zh: ExportText = {
  title: '导出',
  format: '格式',
  formats: {
    nifti: 'NIfTI 标签图（.nii.gz，附 labels.json）',
    'nifti-image': 'NIfTI 标签图和 CT 体数据（int16 HU）',
    'dicom-seg': 'DICOM SEG（二值分割）',
    'png-zip': 'PNG 掩膜（压缩包，每层一个标签值 PNG，附 labels.json）',
    coco: 'COCO JSON（由轮廓生成多边形，有空洞时使用 RLE）',
    dataset: '数据集包（nnU-Net v2 原始格式，含 CT、标签和来源记录）',
  },
  deidentify: '去标识化（以病例编号代替患者，新的 UID，不含日期）',
  labels: '标签',
  slices: (n: number) => `${n} 层`,
  fileName: '文件名',
  checklist: '导出前检查',
  allClear: '没有需要注意的问题。',
  goto: '显示此层',
  anyway: '仍然导出',
  working: '正在导出…',
  cancel: '取消',
  export: '导出',
  finding(f: ChecklistFinding): string {
    const p = f.params;
    switch (f.code) {
      case 'empty-label':
        return `${p['label']} 没有任何轮廓（SEG 中将保留为空分段）。`;
      case 'generic-code':
        return `${p['label']} 只有通用含义“组织”：请在标签面板中选择其解剖结构。`;
      case 'pending-interpolation':
        return `${p['label']}：${p['count']} 个插值轮廓尚未确认，位于以下层`;
      case 'rejected-outline':
        return `${p['label']}：${p['count']} 个轮廓在审核中被驳回且尚未修正，位于以下层`;
      case 'unverified-import':
        return `${p['label']}：${p['count']} 个导入的轮廓尚未经人核验，位于以下层`;
      case 'non-uniform-spacing':
        return `层间距不均匀（${num(p['minStep'], 2)}–${num(p['maxStep'], 2)} mm）：NIfTI 将从首层到末层均匀排列，最多偏差 ${num(p['maxErrorMm'], 2)} mm，最大偏差位于层`;
      case 'gantry-tilt':
        return `机架倾斜 ${num(p['tiltDeg'])}°：sform 精确保留各层位置；qform（部分工具使用）最多偏差 ${num(p['qformShiftMm'])} mm。`;
      case 'single-slice':
        return `仅一层：层厚取自序列（${num(p['sliceStep'], 2)} mm）。`;
      case 'qform-precision':
        return `qform 只能以 ${num(p['maxErrorMm'], 3)} mm 的精度表示此方向；sform 是精确的。`;
      case 'geometry-roundtrip':
        return `文件的几何信息使一个体素偏离其 DICOM 位置 ${num(p['errorMm'], 3)} mm。`;
    }
  },
};

export function exportStrings(lang: string): ExportText {
  return lang === 'zh-CN' || lang.toLowerCase().startsWith('zh') ? zh : en;
}
