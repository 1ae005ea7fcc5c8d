/**
 * The dataset package: one case as a zip in nnU-Net v2's raw layout, which
 * MONAI and other loaders read too:
 *
 *     Dataset<NNN>_<Name>/dataset.json
 *     Dataset<NNN>_<Name>/imagesTr/<case>_0000.nii.gz
 *     Dataset<NNN>_<Name>/labelsTr/<case>.nii.gz
 *     Dataset<NNN>_<Name>/provenance.json
 *
 * nnU-Net's rules (documentation/dataset_format.md): image channels are
 * `<case>_XXXX` with a 4-digit channel id, the label is `<case>`, image and
 * label share their geometry, label values are consecutive from 0 =
 * background (ours are remapped, see `dataset-labels.ts`), and dataset.json
 * holds `channel_names`, `labels` (name → value), `numTraining` and
 * `file_ending`. `provenance.json` is ours; nnU-Net ignores it.
 *
 * De-identified by default (`deidentify.ts`): the case id stands for the
 * patient, UIDs are replaced, dates removed. NIfTI files carry no patient
 * data, so only the JSON needs it.
 *
 * Gzipping the CT is the slow part (seconds for 300 × 512²). A caller with a
 * faster gzip (CompressionStream in a worker) passes the finished .nii.gz;
 * .nii.gz entries are stored in the zip as they are, never compressed twice.
 */
import { version as packageVersion } from '../../../package.json';
import type { DocumentSnapshot } from '../annotation/document-data.js';
import { SegmarkError } from '../errors.js';
import { gzip, isGzip, type GzipLevel } from './bytes.js';
import { concat } from './gzip-parts.js';
import { datasetLabels, remapLabelmap } from './dataset-labels.js';
import { buildProvenance, type DatasetAnnotator, type DatasetSource } from './dataset-provenance.js';
import { Deidentifier, DUMMY_INSTANT, type DateHandling } from './deidentify.js';
import { deidentifyJson } from './deidentify-json.js';
import { highestLabel, niftiLabelmap, niftiLabelmapOfSlices, niftiVolume, niftiVolumeOfSlices, type NiftiWriteOptions, type SparseSlices } from './nifti.js';
import { gridMisplacements, niftiFindings, resampledFindings, type NiftiGeometry } from './nifti-space.js';
import { LabelResampler, resampleCtSlice, resampleGrid, type ResampleGrid } from './resample.js';
import { zipPieces } from './zip.js';

export type { DatasetAnnotator, DatasetSource } from './dataset-provenance.js';

/**
 * The CT: its slices (HU, `rows·cols` each, written and gzipped here), or the
 * NIfTI of them already written by `niftiVolume` with the same geometry —
 * gzipped (stored as is), as the pieces of a .nii.gz (`niftiVolumePieces`,
 * with the file's CRC-32 when known), or not gzipped (gzipped here).
 */
export type DatasetImage =
  | {
      readonly slices: readonly Int16Array[];
      readonly defaultWindow?: { readonly center: number; readonly width: number };
      /** The CT's padding value (HU as stored): what a resampled image holds outside the acquired slices; default −1024. */
      readonly paddingValue?: number;
    }
  | { readonly nifti: Uint8Array | readonly Uint8Array[]; readonly crc?: number };

/** One case: the open series and its annotation. */
export interface DatasetInput {
  readonly geometry: NiftiGeometry;
  readonly image: DatasetImage;
  /**
   * Slice k's label ids (our ids, 0 = background), `rows·cols` each;
   * undefined for an empty slice. Or the label image already written by
   * `datasetLabelNifti` from the same document and level (in another worker).
   */
  readonly labelmap: SparseSlices | { readonly nifti: Uint8Array };
  readonly document: DocumentSnapshot;
  readonly source: DatasetSource;
  readonly annotator: DatasetAnnotator;
  /** When the annotation was begun and last changed (the stored document's times). */
  readonly created?: Date;
  readonly updated?: Date;
  /** The export time; now by default. */
  readonly now?: Date;
}

export interface DatasetOptions {
  /** nnU-Net dataset id, 1..999; default 1. */
  datasetId?: number;
  /** Letters, digits, '_' and '-'; default "Segmark". */
  datasetName?: string;
  /** Letters, digits, '_' and '-'; default "case_0001". */
  caseId?: string;
  /** Default true: the case id replaces the patient, UIDs are replaced, dates handled as `dates` says. */
  deidentify?: boolean;
  /** Keys UID replacement and date shifting (see `DeidentifierOptions.secret`). */
  secret?: Uint8Array | string;
  /** Default 'remove'. */
  dates?: DateHandling;
  retainPatientCharacteristics?: boolean;
  /** Channel 0's name in dataset.json; "CT" selects nnU-Net's CT normalisation. Default "CT". */
  channelName?: string;
  /** gzip level of the NIfTI files written here; default 6. */
  level?: GzipLevel;
  /**
   * The grid of the image and label files: `resampled` (a regular grid along
   * the plane normal, `resample.ts`) by default where the acquired grid would
   * misplace voxels by more than half a voxel (uneven steps, gantry tilt),
   * else `acquired`. Images and label images passed already written must be
   * on this grid; slices passed are resampled here.
   */
  grid?: 'acquired' | 'resampled';
}

export const FILE_ENDING = '.nii.gz';
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const encoder = new TextEncoder();

/** The package as zip bytes. Throws `dataset-export-invalid` (or `deidentify-invalid`) naming the field at fault. */
export function datasetPackage(input: DatasetInput, options: DatasetOptions = {}): Uint8Array {
  return concat(datasetPackagePieces(input, options));
}

/** `datasetPackage` as the zip's pieces in order (`zipPieces`): the images are not copied. */
export function datasetPackagePieces(input: DatasetInput, options: DatasetOptions = {}): Uint8Array[] {
  const { datasetId = 1, datasetName = 'Segmark', caseId = 'case_0001', deidentify = true, channelName = 'CT' } = options;
  if (!Number.isInteger(datasetId) || datasetId < 1 || datasetId > 999) invalid('datasetId', `${datasetId} is not 1..999`);
  if (!NAME.test(datasetName)) invalid('datasetName', `"${datasetName}": letters, digits, _ and - only`);
  if (!NAME.test(caseId)) invalid('caseId', `"${caseId}": letters, digits, _ and - only`);
  checkDocument(input);

  const deidentifier = deidentify
    ? new Deidentifier({
        caseId,
        ...(options.secret === undefined ? {} : { secret: options.secret }),
        ...(options.dates === undefined ? {} : { dates: options.dates }),
        ...(options.retainPatientCharacteristics === undefined ? {} : { retainPatientCharacteristics: options.retainPatientCharacteristics }),
      })
    : undefined;
  const nifti: NiftiWriteOptions = options.level === undefined ? {} : { level: options.level };
  const labels = datasetLabels(input.document.labels);
  const folder = `Dataset${String(datasetId).padStart(3, '0')}_${datasetName}`;
  const files = { image: `imagesTr/${caseId}_0000${FILE_ENDING}`, label: `labelsTr/${caseId}${FILE_ENDING}` };

  const grid = (options.grid ?? (gridMisplacements(input.geometry).length > 0 ? 'resampled' : 'acquired')) === 'resampled' ? resampleGrid(input.geometry) : undefined;
  const labelBytes = Array.isArray(input.labelmap)
    ? datasetLabelNifti(input.geometry, input.labelmap, input.document.labels, nifti, grid)
    : (input.labelmap as { readonly nifti: Uint8Array }).nifti;
  const image = imageNifti(input, nifti, grid);
  const written = grid?.geometry ?? input.geometry;
  const datasetJson = {
    channel_names: { '0': channelName },
    labels: Object.fromEntries([['background', 0], ...labels.map((l) => [l.name, l.value])]),
    numTraining: 1,
    file_ending: FILE_ENDING,
    name: datasetName,
    description: `Exported by Segmark ${packageVersion}; see provenance.json`,
  };
  const provenance = buildProvenance({
    appVersion: packageVersion,
    folder,
    caseId,
    files,
    annotator: input.annotator,
    created: input.created,
    updated: input.updated,
    exported: input.now ?? new Date(),
    document: input.document,
    labels,
    source: input.source,
    shape: [written.columns, written.rows, written.slices],
    findings: grid ? resampledFindings(input.geometry) : niftiFindings(input.geometry),
    deidentifier,
  });

  // A fixed entry time: the same case gives the same bytes, and a de-identified zip does not tell when it was made.
  return zipPieces(
    [
      { name: `${folder}/dataset.json`, bytes: json(datasetJson) },
      { name: `${folder}/${files.image}`, ...image, store: true },
      { name: `${folder}/${files.label}`, bytes: labelBytes, store: true },
      { name: `${folder}/provenance.json`, bytes: json(deidentifier ? deidentifyJson(provenance, deidentifier) : provenance) },
    ],
    DUMMY_INSTANT,
  );
}

/** The package's label image: the labelmap with each id replaced by its dataset value (`dataset-labels.ts`), as .nii.gz. */
export function datasetLabelNifti(geometry: NiftiGeometry, labelmap: SparseSlices, labels: DocumentSnapshot['labels'], options: NiftiWriteOptions = {}, grid?: ResampleGrid): Uint8Array {
  const values = remapLabelmap(labelmap, datasetLabels(labels));
  if (!grid) return niftiLabelmap(geometry, values, options);
  const resampler = new LabelResampler(grid, (k) => values[k]);
  return niftiLabelmapOfSlices(grid.geometry, (t) => resampler.slice(t), highestLabel(values), options);
}

/** The CT's .nii.gz (with its CRC-32 when known): written here from slices, gzipped here from raw NIfTI, or taken as it is. */
function imageNifti({ image, geometry }: DatasetInput, options: NiftiWriteOptions, grid: ResampleGrid | undefined): { bytes: Uint8Array | readonly Uint8Array[]; crc?: number } {
  if ('nifti' in image) {
    // Pieces are the pieces of a .nii.gz (`niftiVolumePieces`), stored as they are.
    if (!(image.nifti instanceof Uint8Array)) return { bytes: image.nifti, ...(image.crc === undefined ? {} : { crc: image.crc }) };
    return { bytes: isGzip(image.nifti) ? image.nifti : gzip(image.nifti, options.level) };
  }
  if (grid) {
    // As below: a loaded `Volume` passed as the geometry brings its `loaded` flags.
    const missing = (geometry as { readonly loaded?: Uint8Array }).loaded?.indexOf(0) ?? -1;
    if (missing >= 0) throw new RangeError(`slice ${missing} is not decoded yet; export once the volume has loaded`);
    const padding = image.paddingValue ?? -1024;
    const window = image.defaultWindow ? { defaultWindow: image.defaultWindow } : {};
    return { bytes: niftiVolumeOfSlices({ ...grid.geometry, ...window }, (t) => resampleCtSlice(grid, t, (k) => image.slices[k]!, padding), options) };
  }
  // A loaded `Volume` passed as the geometry brings its `loaded` flags, so undecoded slices are refused.
  return { bytes: niftiVolume({ ...geometry, sliceData: image.slices, ...(image.defaultWindow ? { defaultWindow: image.defaultWindow } : {}) }, options) };
}

/** The document must describe the series being exported. */
function checkDocument({ document, geometry, source }: DatasetInput): void {
  const { series } = document;
  if (series.rows !== geometry.rows || series.columns !== geometry.columns || series.slices !== geometry.slices) {
    invalid('document.series', `${series.columns}×${series.rows}×${series.slices} for a ${geometry.columns}×${geometry.rows}×${geometry.slices} series`);
  }
  if (series.seriesInstanceUID !== source.seriesInstanceUID || series.studyInstanceUID !== source.studyInstanceUID) {
    invalid('document.series', 'the document belongs to another series');
  }
}

function json(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

function invalid(field: string, detail: string): never {
  throw new SegmarkError('dataset-export-invalid', `${field}: ${detail}`, { params: { field } });
}
