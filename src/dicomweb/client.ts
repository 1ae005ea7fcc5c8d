/**
 * QIDO-RS searches, WADO-RS metadata, frames and instances, and STOW-RS, as
 * typed functions over a `DicomWebSource`. Each rejects with a SegmarkError
 * (`pacs-*` codes, or `aborted`).
 */
import { displayUrl } from '../core/util/display-url.js';
import { SegmarkError, toSegmarkError } from '../core/errors.js';
import { jsonItems, jsonNumber, jsonString, jsonStrings, type DicomJson } from './dicom-json.js';
import { dicomWebRequest, rootOf, type DicomWebSource, type Part } from './request.js';

export interface StudyQuery {
  /** Patient name; matched as a prefix, case-insensitively where the PACS allows (`*` and `?` are wildcards). */
  patientName?: string;
  patientID?: string;
  /** Study date range, `YYYYMMDD` or `YYYY-MM-DD`; either end may be left open. */
  dateFrom?: string;
  dateTo?: string;
  /** A modality the study holds, e.g. `CT`. */
  modality?: string;
  accessionNumber?: string;
  /** At most this many studies (default 100). */
  limit?: number;
}

export interface StudyResult {
  studyInstanceUID: string;
  patientName: string;
  patientID: string;
  /** `YYYYMMDD`, as DICOM writes dates. */
  studyDate: string;
  studyDescription: string;
  accessionNumber: string;
  modalities: string[];
  seriesCount: number | undefined;
  instanceCount: number | undefined;
}

export interface SeriesResult {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  modality: string;
  seriesNumber: number | undefined;
  seriesDescription: string;
  instanceCount: number | undefined;
}

/** The frames of one instance as the server sent them, and the transfer syntax they are in. */
export interface FrameSet {
  frames: Uint8Array[];
  transferSyntaxUID: string;
  bytes: number;
}

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const DEFAULT_LIMIT = 100;

/** DICOM dates are `YYYYMMDD`; a date input gives `YYYY-MM-DD`. */
function dicomDate(value: string | undefined): string {
  return (value ?? '').replace(/-/g, '').trim();
}

/**
 * A patient-name search as people type it: a prefix match, with `^` (between
 * family and given name) sent as `*`. dicomweb-client percent-encodes query
 * values, and Orthanc does not decode them: `%5E` matches nothing there
 * (TOOLCHAIN §4), while `*` passes through both unencoded.
 */
function patientNameQuery(name: string): string {
  const trimmed = name.trim().replace(/\^/g, '*');
  return trimmed.endsWith('*') ? trimmed : `${trimmed}*`;
}

export async function searchStudies(source: DicomWebSource, query: StudyQuery = {}, signal?: AbortSignal): Promise<StudyResult[]> {
  const params: Record<string, string> = { limit: String(query.limit ?? DEFAULT_LIMIT) };
  if (query.patientName?.trim()) params.PatientName = patientNameQuery(query.patientName);
  if (query.patientID?.trim()) params.PatientID = query.patientID.trim();
  if (query.accessionNumber?.trim()) params.AccessionNumber = query.accessionNumber.trim();
  if (query.modality?.trim()) params.ModalitiesInStudy = query.modality.trim().toUpperCase();
  const from = dicomDate(query.dateFrom);
  const to = dicomDate(query.dateTo);
  if (from || to) params.StudyDate = from === to ? from : `${from}-${to}`;
  const url = displayUrl(`${rootOf(source)}/studies`);
  const body = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) => client.searchForStudies({ queryParams: params, request }));
  return dataSets(body, url).map((ds) => ({
    studyInstanceUID: jsonString(ds, '0020000D'),
    patientName: jsonString(ds, '00100010'),
    patientID: jsonString(ds, '00100020'),
    studyDate: jsonString(ds, '00080020'),
    studyDescription: jsonString(ds, '00081030'),
    accessionNumber: jsonString(ds, '00080050'),
    modalities: jsonStrings(ds, '00080061').filter(Boolean),
    seriesCount: jsonNumber(ds, '00201206'),
    instanceCount: jsonNumber(ds, '00201208'),
  }));
}

export async function searchSeries(source: DicomWebSource, studyInstanceUID: string, query: { modality?: string } = {}, signal?: AbortSignal): Promise<SeriesResult[]> {
  const queryParams: Record<string, string> = query.modality ? { Modality: query.modality } : {};
  const url = displayUrl(`${rootOf(source)}/studies/${studyInstanceUID}/series`);
  const body = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) =>
    client.searchForSeries({ studyInstanceUID, queryParams, request }),
  );
  return dataSets(body, url)
    .map((ds) => ({
      studyInstanceUID,
      seriesInstanceUID: jsonString(ds, '0020000E'),
      modality: jsonString(ds, '00080060'),
      seriesNumber: jsonNumber(ds, '00200011'),
      seriesDescription: jsonString(ds, '0008103E'),
      instanceCount: jsonNumber(ds, '00201209'),
    }))
    .sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));
}

/** WADO-RS metadata of every instance of a series (DICOM JSON; pixel data left out by the server). */
export async function seriesMetadata(source: DicomWebSource, studyInstanceUID: string, seriesInstanceUID: string, signal?: AbortSignal): Promise<DicomJson[]> {
  const url = displayUrl(`${rootOf(source)}/studies/${studyInstanceUID}/series/${seriesInstanceUID}/metadata`);
  const body = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) =>
    client.retrieveSeriesMetadata({ studyInstanceUID, seriesInstanceUID, request }),
  );
  const list = dataSets(body, url);
  if (list.length === 0) throw new SegmarkError('pacs-not-found', 'the series has no instances', { file: url, params: { status: 204 } });
  return list;
}

/** An instance of a series as a QIDO-RS search lists it: enough to choose which one to open first. */
export interface InstanceResult {
  sopInstanceUID: string;
  instanceNumber: number | undefined;
}

/**
 * How many instances a series holds, from a QIDO-RS series search (answered
 * from the server's database; Orthanc opens no file for it). Rejects with
 * `pacs-not-found` when the study has no such series; undefined when the
 * server does not say.
 */
export async function seriesInstanceCount(source: DicomWebSource, studyInstanceUID: string, seriesInstanceUID: string, signal?: AbortSignal): Promise<number | undefined> {
  const url = displayUrl(`${rootOf(source)}/studies/${studyInstanceUID}/series`);
  const queryParams = { SeriesInstanceUID: seriesInstanceUID, includefield: '00201209' };
  const body = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) => client.searchForSeries({ studyInstanceUID, queryParams, request }));
  const found = dataSets(body, url).find((ds) => jsonString(ds, '0020000E') === seriesInstanceUID);
  if (!found) throw new SegmarkError('pacs-not-found', 'the study has no such series', { file: displayUrl(`${url}/${seriesInstanceUID}`), params: { status: 204 } });
  return jsonNumber(found, '00201209');
}

/**
 * A QIDO-RS search of a series' instances with `query` (e.g. `{ InstanceNumber: '150', limit: '1' }`).
 * Only what is asked for: Orthanc reads the file of each instance it lists, so the whole list of a
 * large series takes as long as its metadata.
 */
export async function searchInstances(
  source: DicomWebSource,
  studyInstanceUID: string,
  seriesInstanceUID: string,
  query: Record<string, string>,
  signal?: AbortSignal,
): Promise<InstanceResult[]> {
  const url = displayUrl(`${rootOf(source)}/studies/${studyInstanceUID}/series/${seriesInstanceUID}/instances`);
  const body = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) =>
    client.searchForInstances({ studyInstanceUID, seriesInstanceUID, queryParams: query, request }),
  );
  return dataSets(body, url)
    .map((ds) => ({ sopInstanceUID: jsonString(ds, '00080018'), instanceNumber: jsonNumber(ds, '00200013') }))
    .filter((i) => i.sopInstanceUID !== '');
}

/** WADO-RS metadata of one instance (DICOM JSON). */
export async function instanceMetadata(
  source: DicomWebSource,
  uids: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string },
  signal?: AbortSignal,
): Promise<DicomJson> {
  const url = displayUrl(`${rootOf(source)}/studies/${uids.studyInstanceUID}/series/${uids.seriesInstanceUID}/instances/${uids.sopInstanceUID}/metadata`);
  const body = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) => client.retrieveInstanceMetadata({ ...uids, request }));
  const [ds] = dataSets(body, url);
  if (!ds) throw new SegmarkError('pacs-not-found', 'the instance has no metadata', { file: url, params: { status: 204 } });
  return ds;
}

/**
 * Frames 1…count of an instance, in whatever transfer syntax the server stores
 * them (`transfer-syntax=*`): compressed frames are passed through to our
 * decoders rather than decompressed by the server.
 */
export async function instanceFrames(
  source: DicomWebSource,
  uids: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string },
  count: number,
  signal?: AbortSignal,
): Promise<FrameSet> {
  const frameNumbers = Array.from({ length: count }, (_, i) => i + 1).join(',');
  const url = displayUrl(`${rootOf(source)}/studies/${uids.studyInstanceUID}/series/${uids.seriesInstanceUID}/instances/${uids.sopInstanceUID}/frames/${frameNumbers}`);
  const parts = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) =>
    client.retrieveInstanceFrames({ ...uids, frameNumbers, mediaTypes: [{ mediaType: 'application/octet-stream', transferSyntaxUID: '*' }], request }),
  );
  checkParts(parts, count, url);
  const transferSyntaxUID = parts[0]?.transferSyntaxUID?.trim() || EXPLICIT_VR_LITTLE_ENDIAN;
  const frames = parts.map((p) => new Uint8Array(p));
  return { frames, transferSyntaxUID, bytes: frames.reduce((n, f) => n + f.length, 0) };
}

/**
 * A multipart body cut short loses its last parts without an error from the
 * parser (it stops at the last boundary it finds), so the count is checked
 * against what was asked for.
 */
export function checkParts(parts: unknown, expected: number, url: string): asserts parts is Part[] {
  if (!Array.isArray(parts) || parts.length !== expected || parts.some((p) => !(p instanceof ArrayBuffer) || p.byteLength === 0)) {
    const got = Array.isArray(parts) ? parts.length : 0;
    throw new SegmarkError('pacs-bad-response', `${got} part(s) in the multipart body, ${expected} expected`, {
      file: url,
      params: { reason: `incomplete multipart body: ${got} of ${expected} parts` },
    });
  }
}

/** One whole instance (Part 10 bytes), in the transfer syntax the server has it in. */
export async function retrieveInstance(
  source: DicomWebSource,
  uids: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string },
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const url = displayUrl(`${rootOf(source)}/studies/${uids.studyInstanceUID}/series/${uids.seriesInstanceUID}/instances/${uids.sopInstanceUID}`);
  // Without media types dicomweb-client asks for `multipart/related; type="application/dicom"`, which
  // servers answer in the stored transfer syntax; its media type check rejects an explicit
  // `application/dicom` entry.
  const part = await dicomWebRequest(source, { method: 'GET', url, signal }, (client, request) => client.retrieveInstance({ ...uids, request }));
  checkParts(part === undefined ? [] : [part], 1, url);
  return new Uint8Array(part as ArrayBuffer);
}

export interface StoreResult {
  /** SOP Instance UIDs the server says it stored. */
  stored: string[];
}

/**
 * STOW-RS of Part 10 files. Never retried here (the server may have stored
 * some of them); a response that lists failed instances (0008,1198) is a
 * failure, `pacs-store-failed`, as is any other error but `pacs-unauthorized`
 * (which the host answers by signing in again) and `aborted`.
 */
export async function storeInstances(source: DicomWebSource, files: readonly Uint8Array[], signal?: AbortSignal): Promise<StoreResult> {
  const url = displayUrl(`${rootOf(source)}/studies`);
  const datasets = files.map((f) => f.slice().buffer);
  let body: unknown;
  try {
    body = await dicomWebRequest(source, { method: 'POST', url, signal }, (client, request) => client.storeInstances({ datasets, request }));
  } catch (error) {
    const e = toSegmarkError(error, 'internal');
    if (e.code === 'pacs-unauthorized' || e.code === 'aborted') throw e;
    throw new SegmarkError('pacs-store-failed', e.message, { file: url, cause: e, params: { reason: String(e.params.reason ?? e.message), ...(e.params.status ? { status: e.params.status } : {}) } });
  }
  const response = parseJson(body);
  const failed = response ? jsonItems(response, '00081198') : [];
  if (failed.length > 0) {
    const reason = jsonNumber(failed[0]!, '00081197');
    throw new SegmarkError('pacs-store-failed', `the PACS refused ${failed.length} instance(s)`, {
      file: url,
      params: { reason: `refused, failure reason ${reason ?? 'not given'}` },
    });
  }
  return { stored: response ? jsonItems(response, '00081199').map((item) => jsonString(item, '00081155')) : [] };
}

/** A STOW response body: dicomweb-client hands it over as text (or already parsed). */
function parseJson(body: unknown): DicomJson | undefined {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as DicomJson;
  if (typeof body !== 'string' || !body.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as DicomJson) : undefined;
  } catch {
    return undefined;
  }
}

/** A QIDO or metadata body must be a JSON array of data sets; anything else is a bad answer. */
function dataSets(body: unknown, url: string): DicomJson[] {
  // 204 No Content (no match) reaches us as an empty array from dicomweb-client.
  if (Array.isArray(body)) return body.filter((v): v is DicomJson => typeof v === 'object' && v !== null);
  throw new SegmarkError('pacs-bad-response', 'the answer is not a DICOM JSON array', { file: url, params: { reason: 'not DICOM JSON' } });
}
