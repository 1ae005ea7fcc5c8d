// Node side of scenarios/assist.ts: the assisted 3D tools (issue 15).
// start() runs the efficiency test (test/browser/assist-efficiency.test.ts:
// the five sample discs with the real mouse against freehand tracing) once;
// its pointer-work ratio is a count of pointer work, the same every run, so
// the page hands it back as a metric of each run.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { row } from '../report.mjs';

const EFFICIENCY_TEST = 'test/browser/assist-efficiency.test.ts';
const FIGURES = 'test-results/assist-efficiency.json';

const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'assist',
  order: 3.7,
  title: 'assist: grow from seeds and one-click region in a 160×160×40 box, and outlines written on 40 slices',
  async start({ root, log }) {
    log(`assist: running ${EFFICIENCY_TEST} for assist.pointer_work_ratio`);
    const figures = path.join(root, FIGURES);
    await rm(figures, { force: true });
    const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
    const outcome = await promisify(execFile)(process.execPath, [vitest, 'run', '--project', 'browser', EFFICIENCY_TEST], { cwd: root, maxBuffer: 1 << 24 }).then(
      () => 'passed',
      (error) => `failed: ${String(error.stdout ?? error.message).split('\n').find((l) => /AssertionError|Error:/.test(l))?.trim() ?? 'see the test'}`,
    );
    const efficiency = JSON.parse(await readFile(figures, 'utf8').catch(() => 'null'));
    log(`assist: efficiency test ${outcome}${efficiency ? `; pointer work ${(efficiency.pointerWorkRatio * 100).toFixed(1)} % of freehand` : ''}`);
    return { params: { efficiency } };
  },
  rows(m) {
    return [
      row('assist.grow_preview_ms', m.growPreviewMs, 'ms', 500, 'lower'),
      row('assist.grow_preview_p95_ms', m.growPreviewP95Ms, 'ms', null, 'lower'),
      row('assist.grow_accept_ms', m.growAcceptMs, 'ms', 200, 'lower'),
      row('assist.grow_accept_p95_ms', m.growAcceptP95Ms, 'ms', null, 'lower'),
      row('assist.one_click_ms', m.oneClickMs, 'ms', 150, 'lower'),
      row('assist.one_click_p95_ms', m.oneClickP95Ms, 'ms', null, 'lower'),
      row('assist.longest_task_ms', m.longestTaskMs, 'ms', 50, 'lower'),
      row('assist.pointer_work_ratio', m.pointerWorkRatio, '×', 0.25, 'lower'),
    ];
  },
  summary(m) {
    return `grow median/p95 ${f(m.growPreviewMs)}/${f(m.growPreviewP95Ms)} ms (${f(m.growDiscVoxels)} disc voxels), accept ${f(m.growAcceptMs)} ms on ${f(m.growAcceptSlices)} slices, one click ${f(m.oneClickMs)} ms (${f(m.oneClickVoxels)} voxels), longest task ${f(m.longestTaskMs, 1)} ms, pointer work ${f(m.pointerWorkRatio, 3)} of freehand`;
  },
};
