// Node side of scenarios/assist.ts: the assisted 3D tools (issue 15).
import { row } from '../report.mjs';

const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'assist',
  order: 3.7,
  title: 'assist: grow from seeds and one-click region in a 160×160×40 box, and outlines written on 40 slices',
  rows(m) {
    return [
      row('assist.grow_preview_ms', m.growPreviewMs, 'ms', 500, 'lower'),
      row('assist.grow_preview_p95_ms', m.growPreviewP95Ms, 'ms', null, 'lower'),
      row('assist.grow_accept_ms', m.growAcceptMs, 'ms', 200, 'lower'),
      row('assist.grow_accept_p95_ms', m.growAcceptP95Ms, 'ms', null, 'lower'),
      row('assist.one_click_ms', m.oneClickMs, 'ms', 150, 'lower'),
      row('assist.one_click_p95_ms', m.oneClickP95Ms, 'ms', null, 'lower'),
      row('assist.longest_task_ms', m.longestTaskMs, 'ms', 50, 'lower'),
    ];
  },
  summary(m) {
    return `grow median/p95 ${f(m.growPreviewMs)}/${f(m.growPreviewP95Ms)} ms (${f(m.growDiscVoxels)} disc voxels), accept ${f(m.growAcceptMs)} ms on ${f(m.growAcceptSlices)} slices, one click ${f(m.oneClickMs)} ms (${f(m.oneClickVoxels)} voxels), longest task ${f(m.longestTaskMs, 1)} ms`;
  },
};
