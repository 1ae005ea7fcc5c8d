/**
 * The multi-case nnU-Net v2 build checked from outside (issue 16): five
 * synthetic cases of four patients (different label subsets, one with a 20°
 * gantry tilt) built into a folder and into a zip in parts, every file read
 * by nibabel and held to nnU-Net v2's `verify_dataset_integrity` rules
 * (support/nnunet_check.py); a second build from the definition's JSON,
 * cancelled after two cases and resumed, gives the same case ids and label
 * values voxel for voxel. Missing tools fail the tests. What needs no tool:
 * dataset-build.test.ts.
 */
import { execFile } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, type BuildResult } from '../../src/core/formats/dataset-build.js';
import { definitionFromJson, definitionToJson, type DatasetDefinition } from '../../src/core/formats/dataset-definition.js';
import { DirectorySink, partName, ZipPartsSink } from '../../src/core/formats/dataset-sinks.js';
import { syntheticDefinition, syntheticLoader } from './support/dataset-build-cases.js';
import { nodeDirectory } from './support/node-directory.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const HELPER = 'test/node/support/nnunet_check.py';
const FOLDER = 'Dataset042_LumbarTest';
const NOW = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));

interface Verified {
  problems: string[];
  datasetJson: { labels: Record<string, number>; numTraining: number; channel_names: Record<string, string>; file_ending: string };
  cases: Record<string, { split: string; shape: number[]; spacing: number[]; labelValues: number[]; labelDtype: string; imageDtype: string }>;
}

async function py<T>(...args: string[]): Promise<T> {
  expect(existsSync(PYTHON), `${PYTHON} is required`).toBe(true);
  const { stdout } = await run(PYTHON, [HELPER, ...args], { maxBuffer: 1 << 26 });
  return JSON.parse(stdout) as T;
}

let work: string;
let def: DatasetDefinition;
let definitionFile: string;
let first: BuildResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'segmark-nnunet-'));
  def = syntheticDefinition();
  definitionFile = join(work, 'definition.json');
  writeFileSync(definitionFile, definitionToJson(def));
  mkdirSync(join(work, 'folder'));
  first = await buildDataset(def, syntheticLoader(), new DirectorySink(nodeDirectory(join(work, 'folder'))), { now: NOW });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a five-case dataset against nnU-Net v2 rules, read by nibabel', () => {
  let verified: Verified;
  beforeAll(async () => {
    verified = await py<Verified>('verify', join(work, 'folder', FOLDER), definitionFile);
  });

  it('passes every verify_dataset_integrity check, and sform = qform in every file', () => {
    expect(verified.problems).toEqual([]);
    expect(first.numTraining).toBe(4);
    expect(verified.datasetJson.numTraining).toBe(4);
  });

  it('has each case where the definition’s split puts its patient, the label values its structures have, uint8 labels and int16 CT', () => {
    expect(Object.fromEntries(Object.entries(verified.cases).map(([c, f]) => [c, [f.split, f.labelValues]]))).toEqual({
      LumbarTest_0001: ['train', [0, 1, 2]], // L4/L5, L5/S1
      LumbarTest_0002: ['train', [0, 2, 3]], // L5/S1 (id 4 there), L5 body (id 9)
      LumbarTest_0003: ['train', [0, 1]], // tilted: L4/L5 (id 3 there)
      LumbarTest_0004: ['train', [0, 1, 4]], // L4/L5, L3/L4 (id 5)
      LumbarTest_0005: ['test', [0, 2]], // L5/S1
    });
    for (const f of Object.values(verified.cases)) expect([f.labelDtype, f.imageDtype]).toEqual(['uint8', 'int16']);
  });

  it('writes the tilted case on a regular grid: the pixel spacing kept, slices along the normal, spacing consistent with the affine', () => {
    const tilted = verified.cases['LumbarTest_0003']!;
    const straight = verified.cases['LumbarTest_0001']!;
    expect(straight.shape).toEqual([32, 32, 8]);
    expect(straight.spacing.map((s) => Number(s.toFixed(4)))).toEqual([0.8, 0.7, 2.5]);
    expect(tilted.shape.length).toBe(3);
    expect(tilted.spacing[0]).toBeCloseTo(0.8, 4);
    expect(tilted.spacing[1]).toBeCloseTo(0.7, 4);
    // The slices' distance along the normal: 2.5 mm table steps times cos 20°.
    expect(tilted.spacing[2]).toBeCloseTo(2.5 * Math.cos((20 * Math.PI) / 180), 3);
  });
});

describe('the checker itself', () => {
  it('finds what nnU-Net would refuse: a gap in the label values, a label file missing, a value not in dataset.json, numTraining off', async () => {
    const broken = join(work, 'broken');
    cpSync(join(work, 'folder', FOLDER), broken, { recursive: true });
    const jsonPath = join(broken, 'dataset.json');
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { labels: Record<string, number>; numTraining: number };
    delete json.labels['L5 椎体']; // value 3: a gap, and case 0002's voxels of value 3 are then unknown
    json.numTraining = 5;
    writeFileSync(jsonPath, JSON.stringify(json));
    rmSync(join(broken, 'labelsTr', 'LumbarTest_0004.nii.gz'));
    const { problems } = await py<Verified>('verify', broken, definitionFile);
    expect(problems).toEqual(
      expect.arrayContaining([
        'numTraining 5 for 4 training cases',
        'LumbarTest_0004 has no labelsTr/LumbarTest_0004.nii.gz',
        expect.stringMatching(/^labels \[0, 1, 2, 4\] are not consecutive/),
        expect.stringMatching(/^LumbarTest_0002: label values \[0, 2, 3\] not all in dataset.json/),
      ]),
    );
  });
});

describe('the same dataset again', () => {
  it('built from the definition read back from its JSON, cancelled after two cases and resumed: the same case ids and label values voxel for voxel', async () => {
    const again = definitionFromJson(readFileSync(definitionFile, 'utf8'));
    const dir = join(work, 'again');
    mkdirSync(dir);
    const controller = new AbortController();
    await expect(
      buildDataset(again, syntheticLoader(), new DirectorySink(nodeDirectory(dir)), {
        now: NOW,
        signal: controller.signal,
        onProgress: (p) => p.step === 'written' && p.done === 2 && controller.abort(),
      }),
    ).rejects.toMatchObject({ code: 'aborted' });
    const loads: string[] = [];
    const resumed = await buildDataset(again, syntheticLoader(loads), new DirectorySink(nodeDirectory(dir)), { now: new Date(Date.UTC(2027, 1, 1)) });
    expect(resumed.cases.map((c) => c.outcome)).toEqual(['skipped', 'skipped', 'written', 'written', 'written']);
    expect(loads).toEqual(['LumbarTest_0003', 'LumbarTest_0004', 'LumbarTest_0005']);
    const compared = await py<{ problems: string[]; files: string[]; labelFilesCompared: number }>('compare', join(work, 'folder', FOLDER), join(dir, FOLDER));
    expect(compared.problems).toEqual([]);
    expect(compared.labelFilesCompared).toBe(5);
    expect((await py<Verified>('verify', join(dir, FOLDER), definitionFile)).problems).toEqual([]);
  });

  it('as a zip in parts of at most 12 kB: Python’s zipfile checks every part, and the parts unzipped into one folder pass the same checks', async () => {
    const partsDir = join(work, 'parts');
    mkdirSync(partsDir);
    const files: string[] = [];
    const sink = new ZipPartsSink({
      maxPartBytes: 12_000,
      openPart(index) {
        const path = join(partsDir, partName(FOLDER, index));
        files.push(path);
        const out = createWriteStream(path);
        return {
          write: (bytes) => new Promise<void>((resolve, reject) => out.write(bytes, (e) => (e ? reject(e) : resolve()))),
          close: () => new Promise<void>((resolve) => out.end(resolve)),
          abort: () => new Promise<void>((resolve) => out.destroy() && resolve()),
        };
      },
    });
    await buildDataset(def, syntheticLoader(), sink, { now: NOW });
    expect(files.length).toBeGreaterThan(1);
    const unzipped = join(work, 'unzipped');
    const listing = await py<{ parts: { part: string; entries: string[]; badCrc: string | null }[] }>('unzip', unzipped, ...files);
    expect(listing.parts.map((p) => p.badCrc)).toEqual(files.map(() => null));
    expect((await py<Verified>('verify', join(unzipped, FOLDER), definitionFile)).problems).toEqual([]);
    const compared = await py<{ problems: string[] }>('compare', join(work, 'folder', FOLDER), join(unzipped, FOLDER));
    expect(compared.problems).toEqual([]);
  });
});
