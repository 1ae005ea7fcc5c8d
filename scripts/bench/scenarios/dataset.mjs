// Node side of scenarios/dataset.ts: the multi-case dataset build of issue 16
// (five cases of 300 × 512² CT into a folder on the origin private file
// system). cases_per_min is informational; peak_heap_ratio is the highest
// page heap during the build above its value at the start, per one case's
// voxels in bytes (300·512²·2), target ≤ 1.5.
import { row } from '../report.mjs';

const PHASES = ['start', 'load', 'label', 'ct-deflate', 'ct-write', 'other'];
const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
const mb = (x) => (typeof x === 'number' ? (x / 1e6).toFixed(1) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'dataset',
  order: 5.5,
  title: 'dataset: buildDataset of 5 cases × 300 × 512² CT (3 discs on 30 slices each) into an OPFS folder',
  rows(m) {
    return [
      row('dataset.cases_per_min', m.casesPerMin, 'cases/min', null, 'higher'),
      row('dataset.peak_heap_ratio', m.peakHeapRatio, '×', 1.5, 'lower'),
    ];
  },
  summary(m) {
    return [
      `${f(m.cases)} cases in ${f(m.buildMs)} ms = ${f(m.casesPerMin, 1)} cases/min (per case ${f(m.caseMs)} ms: loader ${f(m.loaderMs)}, sink writes ${f(m.sinkWriteMs)}, CT .nii.gz ${mb(m.ctGzBytes)} MB, label ${mb(m.labelGzBytes)} MB)`,
      `peak heap +${mb(m.peakHeapBytes)} MB over ${mb(m.baseHeapBytes)} MB = ${f(m.peakHeapRatio, 2)} × one case's voxels, in ${PHASES[m.peakPhase] ?? 'n/a'}`,
      `peak per phase (× voxels): load ${f(m.peakLoadRatio, 2)}, label ${f(m.peakLabelRatio, 2)}, ct-deflate ${f(m.peakCtDeflateRatio, 2)}, ct-write ${f(m.peakCtWriteRatio, 2)}, other ${f(m.peakOtherRatio, 2)} (${f(m.heapSamples)} samples)`,
    ].join('; ');
  },
};
