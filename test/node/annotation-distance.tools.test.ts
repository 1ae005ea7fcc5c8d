/**
 * The distance transform (src/core/annotation/distance.ts) against scipy
 * (Debian's python3-scipy through /usr/bin/python3); the rest of its tests,
 * which need no outside tool, are in annotation-distance.test.ts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { euclideanDistanceTransform } from '../../src/core/annotation/distance.js';
import { randomMask } from './support/annotation-geometry.js';

const PYTHON = '/usr/bin/python3';
const isCI = process.env.CI === 'true';

/** Debian's python3-scipy; outside CI its absence skips the comparison (with a message), in CI the test fails. */
const hasScipy = spawnSync(PYTHON, ['-c', 'import scipy.ndimage']).status === 0;
if (!hasScipy && !isCI) console.warn('annotation-distance: python3-scipy is not installed, the EDT is compared with brute force only');

describe('euclidean distance transform', () => {
  it.runIf(hasScipy || isCI)('REQ-DIST-4: matches scipy.ndimage.distance_transform_edt (with and without sampling)', async () => {
    const inputs = [
      { columns: 64, rows: 48, density: 0.97, seed: 3, spacing: [1, 1] },
      { columns: 50, rows: 70, density: 0.9, seed: 5, spacing: [0.78125, 0.78125] },
      { columns: 33, rows: 40, density: 0.995, seed: 9, spacing: [3, 0.7] },
    ].map((c) => ({ ...c, mask: Array.from(randomMask(c.columns, c.rows, c.density, c.seed)) }));
    const script = [
      'import json, sys, numpy as np',
      'from scipy.ndimage import distance_transform_edt',
      'out = []',
      'for c in json.load(sys.stdin):',
      '    m = np.array(c["mask"], dtype=np.uint8).reshape(c["rows"], c["columns"])',
      '    out.append(distance_transform_edt(m, sampling=c["spacing"]).ravel().tolist())',
      'print(json.dumps(out))',
    ].join('\n');
    const child = execFile(PYTHON, ['-c', script], { maxBuffer: 1 << 26 });
    child.stdin!.end(JSON.stringify(inputs));
    let stdout = '';
    child.stdout!.on('data', (d: string) => (stdout += d));
    await new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}`)))));
    const reference = JSON.parse(stdout) as number[][];
    let worst = 0;
    inputs.forEach((c, n) => {
      const got = euclideanDistanceTransform(Uint8Array.from(c.mask), c.columns, c.rows, { spacing: c.spacing as [number, number] });
      reference[n]!.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
    });
    console.log(`annotation-distance: max |EDT − scipy| = ${worst.toExponential(2)} over ${inputs.length} masks`);
    expect(worst).toBeLessThan(1e-9);
  });
});
