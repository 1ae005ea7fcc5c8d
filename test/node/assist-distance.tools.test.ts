/**
 * The 3-D Euclidean distance transform (src/core/annotation/distance.ts,
 * used by the Margin and Smoothing tools) against
 * scipy.ndimage.distance_transform_edt with anisotropic sampling, through
 * Debian's /usr/bin/python3.
 */
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { euclideanDistanceTransform3d, type Spacing3d } from '../../src/core/annotation/distance.js';
import { random } from './support/assist-phantoms.js';

const PYTHON = '/usr/bin/python3';
const isCI = process.env.CI === 'true';
const hasScipy = spawnSync(PYTHON, ['-c', 'import scipy.ndimage']).status === 0;
if (!hasScipy && !isCI) console.warn('assist-distance: python3-scipy is not installed, the 3-D EDT is compared with brute force only');

describe('3-D euclidean distance transform', () => {
  it.runIf(hasScipy || isCI)('REQ-ASSIST-EDT-2: matches scipy.ndimage.distance_transform_edt(sampling=…) within 1e-6 mm', async () => {
    const cases = [
      { columns: 40, rows: 30, slices: 12, density: 0.98, seed: 2, spacing: [0.7, 0.7, 2.5] },
      { columns: 25, rows: 33, slices: 20, density: 0.995, seed: 6, spacing: [0.5, 0.8, 1.25] },
      { columns: 16, rows: 16, slices: 16, density: 0.9, seed: 8, spacing: [1, 1, 1] },
    ].map((c) => {
      const rand = random(c.seed);
      return { ...c, mask: Array.from({ length: c.columns * c.rows * c.slices }, () => (rand() < c.density ? 1 : 0)) };
    });
    const script = [
      'import json, sys, numpy as np',
      'from scipy.ndimage import distance_transform_edt',
      'out = []',
      'for c in json.load(sys.stdin):',
      '    m = np.array(c["mask"], dtype=np.uint8).reshape(c["slices"], c["rows"], c["columns"])',
      '    dc, dr, dk = c["spacing"]',
      '    out.append(distance_transform_edt(m, sampling=[dk, dr, dc]).ravel().tolist())',
      'print(json.dumps(out))',
    ].join('\n');
    const child = execFile(PYTHON, ['-c', script], { maxBuffer: 1 << 27 });
    child.stdin!.end(JSON.stringify(cases));
    let stdout = '';
    child.stdout!.on('data', (d: string) => (stdout += d));
    await new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}`)))));
    const reference = JSON.parse(stdout) as number[][];
    let worst = 0;
    cases.forEach((c, n) => {
      const got = euclideanDistanceTransform3d(Uint8Array.from(c.mask), c.columns, c.rows, c.slices, c.spacing as unknown as Spacing3d);
      reference[n]!.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
    });
    console.log(`assist-distance: max |EDT3D − scipy| = ${worst.toExponential(2)} mm over ${cases.length} boxes`);
    expect(worst).toBeLessThan(1e-6);
  });
});
