// Node side of scenarios/polygon.ts: the polygon tool with 10,000 vertices in the annotator (issue 17).
import { row } from '../report.mjs';

const f = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'polygon',
  order: 3.2,
  title: 'polygon: clicks at 10,000 vertices and the commit of that outline, in the annotator',
  rows(m) {
    return [
      row('polygon.click_10k_vertices_p95_ms', m.clickP95Ms, 'ms', 16, 'lower'),
      row('polygon.commit_10k_longest_task_ms', m.commitLongestTaskMs, 'ms', 200, 'lower'),
    ];
  },
  summary(m) {
    return `click p50/p95/max ${f(m.clickP50Ms)}/${f(m.clickP95Ms)}/${f(m.clickMaxMs)} ms, commit: Enter's task ${f(m.commitTaskMs, 0)} ms, shown after ${f(m.commitShownMs, 0)} ms, longest task ${f(m.commitLongestTaskMs, 0)} ms; 10k vertices placed in ${f(m.buildMs / 1000)} s`;
  },
};
