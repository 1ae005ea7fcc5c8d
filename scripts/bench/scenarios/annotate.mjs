// Node side of scenarios/annotate.ts: annotation work on one 512×512 slice (issue 3).
import { row } from '../report.mjs';

const f = (x, digits = 2) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'annotate',
  order: 3,
  title: 'annotate: commit, brush, livewire and interpolation on a 512×512 slice',
  rows(m) {
    return [
      row('edit.commit_1000_vertices_ms', m.commitMs, 'ms', 2, 'lower'),
      row('edit.commit_1000_vertices_p95_ms', m.commitP95Ms, 'ms', null, 'lower'),
      row('brush.frame_p95_ms', m.brushP95Ms, 'ms', 4, 'lower'),
      row('livewire.update_p95_ms', m.livewireP95Ms, 'ms', 8, 'lower'),
      row('interpolate.20_slices_ms', m.interpolateMs, 'ms', 200, 'lower'),
      row('mpr.label_redraw_ms', m.mprLabelRedrawMs, 'ms', 8, 'lower'),
      row('mpr.label_redraw_p95_ms', m.mprLabelRedrawP95Ms, 'ms', null, 'lower'),
      row('mpr.sagittal_stroke_commit_ms', m.planeStrokeCommitMs, 'ms', 30, 'lower'),
      row('mpr.sagittal_stroke_commit_p95_ms', m.planeStrokeP95Ms, 'ms', null, 'lower'),
      row('mpr.sagittal_stroke_shown_ms', m.planeStrokeShownMs, 'ms', null, 'lower'),
    ];
  },
  summary(m) {
    return [
      `commit median/p95 ${f(m.commitMs)}/${f(m.commitP95Ms)} ms (ops ${f(m.commitOpsMs)}, raster ${f(m.commitRasterMs)}, draw ${f(m.commitDrawMs)})`,
      `brush p50/p95 ${f(m.brushP50Ms)}/${f(m.brushP95Ms)} ms`,
      `livewire p50/p95 ${f(m.livewireP50Ms)}/${f(m.livewireP95Ms)} ms (prepare ${f(m.livewirePrepareMs, 0)} ms)`,
      `interpolate ${f(m.interpolateMs, 0)} ms (first ${f(m.interpolateFirstMs, 0)} ms)`,
    ].join(', ');
  },
};
