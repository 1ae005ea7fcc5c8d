// Node side of scenarios/hostile.ts: the security review's inputs (issue 17).
// The driver samples the browser's memory (the proportional set size of all
// its processes, `sampleMemory`) while they are fed.
import { row } from '../report.mjs';

const f = (x, digits = 0) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');

/** In the order `hostileInputs()` gives them. */
const INPUTS = ['deflate bomb', '6 × RLE 16384²', 'zip 3 × 1 GiB', 'nesting 100,000', 'SEG 1,000 segments', 'SEG 300 segments', '5,000 tiny files'];

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'hostile',
  order: 7,
  title: 'hostile: the security review\'s inputs (bombs, deep nesting, huge SEGs, 5,000 tiny files) — time to the coded error, memory, responsiveness',
  sampleMemory: true,
  rows(m) {
    return [
      row('hostile.error_ms_max', m.errorMsMax, 'ms', 3000, 'lower'),
      row('hostile.peak_memory_mb_max', m.peakMemoryMb, 'MB', 1024, 'lower'),
      row('hostile.unresponsive_ms_max', m.unresponsiveMsMax, 'ms', 1000, 'lower'),
      row('hostile.tiny_files_ms', m.tinyFilesMs, 'ms', null, 'lower'),
    ];
  },
  summary(m) {
    const each = INPUTS.map((name, i) => `${name} ${f(m[`in${i}Ms`])} ms (unresponsive ${f(m[`in${i}UnresponsiveMs`])})`);
    return `slowest error ${f(m.errorMsMax)} ms, peak ${f(m.peakMemoryMb)} MB (${f(m.baseMemoryMb)} MB before), unresponsive ≤ ${f(m.unresponsiveMsMax)} ms; ${each.join(', ')}`;
  },
};
