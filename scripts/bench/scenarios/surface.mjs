// Node side of scenarios/surface.ts: the 3D view of five labelled discs (issue 14).
import { row } from '../report.mjs';

const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'surface',
  order: 3.5,
  title: 'surface: the 3D view of 5 labelled discs on 512×512×300 — first picture, an edit re-meshed, the longest task',
  rows(m) {
    return [
      row('surface.all_labels_ms', m.allMs, 'ms', 600, 'lower'),
      row('surface.update_ms', m.updateMs, 'ms', 150, 'lower'),
      row('surface.longest_task_ms', m.longestTaskMs, 'ms', 50, 'lower'),
      row('surface.open_ms', m.openMs, 'ms', null, 'lower'),
      row('surface.open_longest_task_ms', m.openLongestTaskMs, 'ms', null, 'lower'),
    ];
  },
  summary(m) {
    return `open ${f(m.openMs)} ms (longest task ${f(m.openLongestTaskMs)}), first picture ${f(m.allMs)} ms, update median/max ${f(m.updateMs)}/${f(m.updateMaxMs)} ms, longest task ${f(m.longestTaskMs, 1)} ms, ${f(m.triangles)} triangles`;
  },
};
