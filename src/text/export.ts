/** The export dialog's text, per language (see ui.ts). */
import type { ChecklistCode, ChecklistFinding } from '../core/formats/checklist.js';
import { formatText, textTables, type TextShape } from '../core/text.js';

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
  resampled: 'Regular grid: resample uneven or tilted slices (the CT linearly, labels shape-based) so every reader places them exactly',
  labels: 'Labels',
  slicesOne: '1 slice',
  slices: '{count} slices',
  fileName: 'File name',
  checklist: 'Before it leaves',
  allClear: 'Nothing to look at.',
  goto: 'Show this slice',
  anyway: 'Export anyway',
  working: 'Exporting…',
  cancel: 'Cancel',
  export: 'Export',
  /** The checklist's findings; the millimetre and degree values are filled in with the digits `DIGITS` gives. */
  findings: {
    'empty-label': '{label} has no outline (a SEG keeps it as an empty segment).',
    'generic-code': '{label} has no specific meaning, only the generic “Tissue”: choose its structure in the label panel.',
    'pending-interpolation': '{label}: {count} interpolated outline(s) not yet accepted, on slices',
    'rejected-outline': '{label}: {count} outline(s) rejected in review and not yet corrected, on slices',
    'unverified-import': '{label}: {count} imported outline(s) not yet verified by a person, on slices',
    'unverified-assisted': '{label}: {count} outline(s) made with assisted tools not yet verified by a person, on slices',
    'non-uniform-spacing': 'Slices are unevenly spaced ({minStep}–{maxStep} mm): NIfTI spaces them evenly from first to last; up to {maxErrorMm} mm off, worst at slice',
    'gantry-tilt': 'Gantry tilt {tiltDeg}°: the sform keeps the slices exactly; the qform (used by some tools) is up to {qformShiftMm} mm off.',
    'single-slice': 'A single slice: its thickness is taken from the series ({sliceStep} mm).',
    'qform-precision': 'The qform can hold this orientation only to {maxErrorMm} mm; the sform is exact.',
    'geometry-roundtrip': "The file's geometry puts a voxel {errorMm} mm from its DICOM position.",
    'acquired-grid-misplaced':
      'On the acquired slices NIfTI would put voxels up to {errorMm} mm from their place, more than half a voxel ({halfVoxelMm} mm): export on the resampled grid, where sform and qform are exact, or export anyway to keep the acquired slices.',
    'missing-uid': 'The source images have no {attributes}: a DICOM SEG exported anyway gets new UIDs in their place, so a PACS will not file it with its CT.',
    'resampled-grid':
      'Written on a regular grid: {slices} slices {step} mm apart along the slice normal ({acquiredSlices} acquired); CT linear between the acquired slices, labels shape-based; sform and qform exact.',
    'burned-in-annotation':
      'The images say text is burned into their pixels ({attribute} is YES), such as the patient’s name: de-identification does not remove it from the exported CT. Check the images, or export the masks without the CT.',
    'recognizable-features':
      'The images say they show recognizable features ({attribute} is YES), such as a face: the exported CT keeps them after de-identification. Check the images, or export the masks without the CT.',
  } satisfies Record<ChecklistCode, string>,
};

type ExportText = TextShape<typeof en>;

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
  resampled: '规则网格：对间距不均或倾斜的层重采样（CT 线性插值，标签基于形状），使所有读取程序准确定位',
  labels: '标签',
  slicesOne: '1 层',
  slices: '{count} 层',
  fileName: '文件名',
  checklist: '导出前检查',
  allClear: '没有需要注意的问题。',
  goto: '显示此层',
  anyway: '仍然导出',
  working: '正在导出…',
  cancel: '取消',
  export: '导出',
  findings: {
    'empty-label': '{label} 没有任何轮廓（SEG 中将保留为空分段）。',
    'generic-code': '{label} 只有通用含义“组织”：请在标签面板中选择其解剖结构。',
    'pending-interpolation': '{label}：{count} 个插值轮廓尚未确认，位于以下层',
    'rejected-outline': '{label}：{count} 个轮廓在审核中被驳回且尚未修正，位于以下层',
    'unverified-import': '{label}：{count} 个导入的轮廓尚未经人核验，位于以下层',
    'unverified-assisted': '{label}：{count} 个辅助工具生成的轮廓尚未经人核验，位于以下层',
    'non-uniform-spacing': '层间距不均匀（{minStep}–{maxStep} mm）：NIfTI 将从首层到末层均匀排列，最多偏差 {maxErrorMm} mm，最大偏差位于层',
    'gantry-tilt': '机架倾斜 {tiltDeg}°：sform 精确保留各层位置；qform（部分工具使用）最多偏差 {qformShiftMm} mm。',
    'single-slice': '仅一层：层厚取自序列（{sliceStep} mm）。',
    'qform-precision': 'qform 只能以 {maxErrorMm} mm 的精度表示此方向；sform 是精确的。',
    'geometry-roundtrip': '文件的几何信息使一个体素偏离其 DICOM 位置 {errorMm} mm。',
    'acquired-grid-misplaced':
      '按采集层导出时，NIfTI 会使体素偏离其位置最多 {errorMm} mm，超过半个体素（{halfVoxelMm} mm）：请按重采样网格导出（sform 与 qform 均精确），或选择仍然导出以保留采集层。',
    'missing-uid': '源图像缺少 {attributes}：仍然导出的 DICOM SEG 将使用新的 UID 代替，PACS 不会把它与其 CT 归在一起。',
    'resampled-grid': '按规则网格导出：沿层法线 {slices} 层，层距 {step} mm（采集 {acquiredSlices} 层）；CT 在采集层之间线性插值，标签按形状插值；sform 与 qform 精确。',
    'burned-in-annotation': '图像声明其像素中嵌有文字（{attribute} 为 YES），例如患者姓名：去标识化不会从导出的 CT 中去除这些文字。请检查图像，或只导出不含 CT 的掩膜。',
    'recognizable-features': '图像声明其显示可识别的特征（{attribute} 为 YES），例如面部：去标识化后导出的 CT 仍保留这些特征。请检查图像，或只导出不含 CT 的掩膜。',
  },
};

/** The export dialog's text in the language of `lang`. */
export const exportStrings = textTables<ExportText>({ en, 'zh-CN': zh });

/** Decimals of the measured values in a finding; other values (label names, counts) are written as they are. */
const DIGITS: Readonly<Record<string, number>> = { minStep: 2, maxStep: 2, maxErrorMm: 2, sliceStep: 2, tiltDeg: 1, qformShiftMm: 1, errorMm: 3, halfVoxelMm: 2, step: 2 };

/** A checklist finding as the dialog says it in the language of `lang`. */
export function findingText(lang: string, f: ChecklistFinding): string {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(f.params)) {
    // The qform's precision is worth a third decimal.
    const digits = key === 'maxErrorMm' && f.code === 'qform-precision' ? 3 : DIGITS[key];
    params[key] = typeof value === 'number' && digits !== undefined ? value.toFixed(digits) : String(value);
  }
  return formatText(exportStrings(lang).findings[f.code], params);
}
