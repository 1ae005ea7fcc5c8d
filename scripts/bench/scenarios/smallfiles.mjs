// Node side of scenarios/smallfiles.ts: 5,000 tiny DICOM files dropped at once (issue 17).
import { row } from '../report.mjs';

const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'smallfiles',
  order: 0.8,
  title: 'smallfiles: 5,000 tiny DICOM files dropped at once — longest main-thread task, as 5,000 series and as one',
  rows(m) {
    return [
      row('smallfiles.longest_task_ms', m.longestTaskMs, 'ms', 200, 'lower'),
      row('smallfiles.one_series_longest_task_ms', m.oneSeriesLongestTaskMs, 'ms', 200, 'lower'),
      row('smallfiles.all_ms', m.allMs, 'ms', null, 'lower'),
      row('smallfiles.one_series_all_ms', m.oneSeriesAllMs, 'ms', null, 'lower'),
    ];
  },
  summary(m) {
    return `5,000 one-image series: longest task ${f(m.longestTaskMs)} ms, loaded in ${f(m.allMs)} ms; one series of 5,000: longest task ${f(m.oneSeriesLongestTaskMs)} ms, loaded in ${f(m.oneSeriesAllMs)} ms`;
  },
};
