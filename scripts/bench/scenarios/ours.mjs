// Node side of scenarios/ours.ts: <segmark-annotator> — the rows the issue tracks.
import { row, throughput } from '../report.mjs';

/** @type {import('../driver.mjs').ScenarioDescriptor} */
export default {
  id: 'ours',
  order: 0,
  title: 'ours: <segmark-annotator> loadFiles()',
  rows(m, { series, medians }) {
    const peerAll = medians['peer-cwil']?.allMs ?? null;
    // The cheapest read of the same files in this run: the lesser of the two floors that ran.
    const floors = [medians.floor?.allMs, medians['floor-concat']?.allMs].filter((ms) => typeof ms === 'number' && ms > 0);
    const floorMs = floors.length > 0 ? Math.min(...floors) : null;
    return [
      row('load.first_image_ms', m.firstImageMs, 'ms', 80, 'lower'),
      row('load.all_slices_ms', m.allMs, 'ms', 600, 'lower'),
      // Every slice decoded; all_slices_ms is when loadFiles resolves, after the stored work is looked up too.
      row('load.slices_decoded_ms', m.slicesReadyMs, 'ms', null, 'lower'),
      row('load.throughput_mb_s', throughput(series.totalBytes, m.allMs), 'MB/s', 260, 'higher'),
      row('render.slice_change_p95_ms', m.renderP95, 'ms', 2, 'lower'),
      row('render.slice_change_p50_ms', m.renderP50, 'ms', null, 'lower'),
      row('mpr.slice_change_p95_ms', m.mprSliceP95, 'ms', 4, 'lower'),
      row('mpr.slice_change_p50_ms', m.mprSliceP50, 'ms', null, 'lower'),
      row('memory.heap_to_voxels_ratio', m.heapRatio, '×', 1.15, 'lower'),
      row('load.cpu_ms', m.loadCpuMs, 'ms', null, 'lower'),
      row('load.time_vs_peer_ratio', m.allMs != null && peerAll ? m.allMs / peerAll : null, '×', 0.5, 'lower'),
      row('load.floor_ms', floorMs, 'ms', null, 'lower'),
      row('load.vs_floor_ratio', m.allMs != null && floorMs ? m.allMs / floorMs : null, '×', 1.3, 'lower'),
    ];
  },
};
