// Node side of scenarios/peer-cwil.ts: cornerstone-wado-image-loader 4.13 + cornerstone-core, workers on.
import { row, throughput } from '../report.mjs';

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'peer-cwil',
  order: 2,
  title: 'peer: cornerstone-wado-image-loader 4.13 + cornerstone-core (web workers)',
  rows(m, { series }) {
    return [
      row('peer.first_image_ms', m.firstImageMs, 'ms', null, 'lower'),
      row('peer.all_slices_ms', m.allMs, 'ms', null, 'lower'),
      row('peer.throughput_mb_s', throughput(series.totalBytes, m.allMs), 'MB/s', null, 'higher'),
      row('peer.slice_change_p50_ms', m.renderP50, 'ms', null, 'lower'),
      row('peer.slice_change_p95_ms', m.renderP95, 'ms', null, 'lower'),
      row('peer.heap_to_voxels_ratio', m.heapRatio, '×', null, 'lower'),
      row('peer.cpu_ms', m.loadCpuMs, 'ms', null, 'lower'),
    ];
  },
};
