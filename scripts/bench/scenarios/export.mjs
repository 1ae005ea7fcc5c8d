// Node side of scenarios/export.ts: NIfTI, DICOM SEG and dataset exports of a
// 512×512×300 series with 5 labels through the export worker, the page's
// longest task meanwhile, and the import of the 300-frame SEG.
import { row } from '../report.mjs';

const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'export',
  order: 5,
  title: 'export: NIfTI, DICOM SEG and dataset exports of 512×512×300 (5 labels × 60 slices) in a worker, and the SEG import',
  rows(m) {
    return [
      row('export.nifti_ms', m.niftiMs, 'ms', 500, 'lower'),
      row('export.nifti_first_ms', m.niftiFirstMs, 'ms', null, 'lower'),
      row('export.seg_ms', m.segMs, 'ms', 1000, 'lower'),
      row('export.seg_first_ms', m.segFirstMs, 'ms', null, 'lower'),
      row('export.dataset_ms', m.datasetMs, 'ms', 5000, 'lower'),
      row('export.dataset_first_ms', m.datasetFirstMs, 'ms', null, 'lower'),
      row('export.longest_task_ms', m.longestTaskMs, 'ms', 100, 'lower'),
      row('export.nifti_bytes', m.niftiBytes, 'B', null, 'lower'),
      row('export.seg_bytes', m.segBytes, 'B', null, 'lower'),
      row('export.dataset_bytes', m.datasetBytes, 'B', null, 'lower'),
      row('import.seg_300_ms', m.importMs, 'ms', 1000, 'lower'),
      row('import.seg_300_read_ms', m.importReadMs, 'ms', null, 'lower'),
      row('import.seg_300_apply_ms', m.importApplyMs, 'ms', null, 'lower'),
      row('import.seg_300_first_ms', m.importFirstMs, 'ms', null, 'lower'),
      row('import.longest_task_ms', m.importLongestTaskMs, 'ms', null, 'lower'),
    ];
  },
  summary(m) {
    const formats = ['nifti', 'seg', 'dataset'];
    return [
      `nifti ${f(m.niftiMs)} ms (first ${f(m.niftiFirstMs)}), seg ${f(m.segMs)} ms (first ${f(m.segFirstMs)}), dataset ${f(m.datasetMs)} ms (first ${f(m.datasetFirstMs)})`,
      `longest task ${f(m.longestTaskMs)} ms in ${formats[m.longestTaskFormat] ?? 'n/a'} (${f(m.longTaskCount)} > 50 ms; per format ${formats.map((k) => `${f(m[`${k}LongestTaskMs`])} ms at +${f(m[`${k}LongestTaskAtMs`])} ms`).join(', ')})`,
      `job build ${formats.map((k) => f(m[`${k}JobMs`], 1)).join('/')} ms, runner.run sync start ${formats.map((k) => f(m[`${k}StartMs`], 1)).join('/')} ms`,
      `in page: labelmapOf ${f(m.labelmapMs)} ms, NIfTI write ${f(m.niftiRawMs)} (copy ${f(m.niftiCopyMs)}, max scan ${f(m.niftiScanMs)}), gzip fflate 6 ${f(m.niftiFflateMs)} / fflate 1 ${f(m.niftiFflate1Ms)}, runExport nifti ${f(m.niftiInPageMs)}, worker round trip of an empty export ${f(m.workerTripMs)} ms`,
      `seg runExport ${f(m.segInPageMs)} ms (writeSeg ≈ ${f(m.segWriteMs)}; packFrame over all (segment, slice) ${f(m.packNowMs)} ms, bounded ${f(m.packFastMs)} ms)`,
      `dataset: CT NIfTI write ${f(m.ctRawMs)} ms, CT gzip native ${f(m.ctGzipMs)} ms (${f((m.ctGzipBytes ?? 0) / 1e6, 1)} MB) / fflate 1 ${f(m.ctFflate1Ms)} ms (${f((m.ctFflate1Bytes ?? 0) / 1e6, 1)} MB), label NIfTI fflate ${f(m.labelFflateMs)} ms, datasetPackage ${f(m.packageMs)} ms`,
      `CT chunk post (copy + transfer) p50/max ${f(m.chunkPostP50Ms, 1)}/${f(m.chunkPostMaxMs, 1)} ms, as a clone ${f(m.chunkCloneP50Ms, 1)}/${f(m.chunkCloneMaxMs, 1)} ms`,
      `import ${f(m.importMs)} ms (readMask in the worker ${f(m.importReadMs)} + applyImport ${f(m.importApplyMs)}; first ${f(m.importFirstMs)}; longest task ${f(m.importLongestTaskMs)}; readSeg ${f(m.importReadSegMs)} (unpack ${f(m.unpackNowMs)}, bytewise ${f(m.unpackFastMs)}), readSegPlanes ${f(m.importReadPlanesMs)}, maskToRegion all ${f(m.importContourMs)} (rows cropped ${f(m.importContourCropMs)}))`,
    ].join(', ');
  },
};
