/**
 * A tiny DICOMweb server on node:http for the series-stream tests: the few
 * QIDO-RS and WADO-RS routes `readDicomWebSeries` uses, over real DICOM files
 * (metadata as DICOM JSON made by dcmjs, frames cut out by dicom-parser), with
 * the series retrieve answered as a test asks: streamed whole, refused with a
 * status, answered with JSON instead of multipart, cut short after some parts
 * (the socket destroyed, the body ended without its close delimiter, or
 * nothing more sent while the connection stays open), or sent slowly. It logs every request, the frame requests in flight at most,
 * and whether the client closed the series answer before it was all sent.
 *
 * Why not Orthanc: it always streams the series retrieve whole; the
 * fallbacks need a server that refuses or breaks it on purpose.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dcmjs from 'dcmjs';
import dicomParser from 'dicom-parser';

export type SeriesMode =
  | { kind: 'stream'; contentLength?: boolean; delayMs?: number }
  | { kind: 'status'; status: number }
  | { kind: 'json' }
  /** `parts` whole parts, then the socket is destroyed (`destroy`), the body ends without a close delimiter (`end`), or nothing more comes (`stall`). */
  | { kind: 'cut'; parts: number; how: 'destroy' | 'end' | 'stall' };

export interface TinyFile {
  sop: string;
  instanceNumber: number;
  bytes: Uint8Array;
  json: Record<string, unknown>;
  frame: Uint8Array;
  transferSyntax: string;
}

export interface TinyPacs {
  root: string;
  study: string;
  series: string;
  files: TinyFile[];
  mode: SeriesMode;
  /** Paths asked for, in order (without the root). */
  requests: string[];
  /** SOP Instance UIDs whose part was sent whole in a series answer. */
  streamed: string[];
  /** The most frame requests being answered at once. */
  framesInFlightMax: number;
  /** Whether a series answer was closed by the client before all of it was sent. */
  seriesClosedEarly: boolean;
  close(): Promise<void>;
}

const BOUNDARY = 'tiny-pacs-boundary-7f3a';

/** A DICOM file as the server holds it: its metadata (without bulk data) and its one frame. */
export function tinyFile(bytes: Uint8Array): TinyFile {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const message = dcmjs.data.DicomMessage.readFile(copy);
  const json: Record<string, unknown> = {};
  for (const [tag, element] of Object.entries(message.dict)) {
    if (tag === '7FE00010' || (element.Value ?? []).some((v) => v instanceof ArrayBuffer)) continue;
    json[tag] = { vr: element.vr, ...(element.Value ? { Value: element.Value } : {}) };
  }
  const ds = dicomParser.parseDicom(bytes);
  const pixels = ds.elements.x7fe00010!;
  const frame = pixels.encapsulatedPixelData
    ? dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixels, 0, pixels.fragments!.length)
    : bytes.subarray(pixels.dataOffset, pixels.dataOffset + pixels.length);
  return {
    sop: ds.string('x00080018')!,
    instanceNumber: Number(ds.string('x00200013')),
    bytes,
    json,
    frame,
    transferSyntax: ds.string('x00020010')!.trim(),
  };
}

function value(vr: string, v: unknown): { vr: string; Value: unknown[] } {
  return { vr, Value: [v] };
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function multipartHead(type: string): string {
  return `multipart/related; type="${type}"; boundary=${BOUNDARY}`;
}

function partHead(first: boolean, contentType: string, length?: number): Buffer {
  return Buffer.from(`${first ? '' : '\r\n'}--${BOUNDARY}\r\nContent-Type: ${contentType}\r\n${length === undefined ? '' : `Content-Length: ${length}\r\n`}\r\n`, 'latin1');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `searchByNumber`: how a search of the series' instances by InstanceNumber is met — 'refused' with
 * 400, or 'ignored' (the first instance, as by a server that drops a filter it cannot apply).
 */
export async function startTinyPacs(files: TinyFile[], mode: SeriesMode = { kind: 'stream' }, options: { searchByNumber?: 'refused' | 'ignored' } = {}): Promise<TinyPacs> {
  const study = '2.25.1001';
  const series = '2.25.1002';
  let framesInFlight = 0;
  const pacs: TinyPacs = {
    root: '',
    study,
    series,
    files,
    mode,
    requests: [],
    streamed: [],
    framesInFlightMax: 0,
    seriesClosedEarly: false,
    close: async () => {},
  };
  const bySop = new Map(files.map((f) => [f.sop, f]));
  const metadataOf = (f: TinyFile): Record<string, unknown> => ({
    ...f.json,
    '0020000D': value('UI', study),
    '0020000E': value('UI', series),
  });

  const seriesAnswer = async (res: ServerResponse): Promise<void> => {
    const m = pacs.mode;
    if (m.kind === 'status') return send(res, m.status, 'application/json', '{"error": "refused"}');
    if (m.kind === 'json') return send(res, 200, 'application/dicom+json', JSON.stringify(files.map(metadataOf)));
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) pacs.seriesClosedEarly = closed = true;
    });
    res.writeHead(200, { 'Content-Type': multipartHead('application/dicom') });
    const whole = m.kind === 'cut' ? m.parts : files.length;
    for (let i = 0; i < whole && !closed; i++) {
      const f = files[i]!;
      if (m.kind === 'stream' && m.delayMs) await sleep(m.delayMs);
      if (closed) return;
      res.write(partHead(i === 0, 'application/dicom', m.kind === 'stream' && m.contentLength ? f.bytes.length : undefined));
      res.write(f.bytes);
      pacs.streamed.push(f.sop);
    }
    if (closed) return;
    if (m.kind === 'cut') {
      // Half of the next part, then the end: what a connection lost midway leaves.
      const next = files[m.parts];
      if (next) {
        res.write(partHead(m.parts === 0, 'application/dicom'));
        res.write(next.bytes.subarray(0, next.bytes.length >> 1));
      }
      await sleep(20);
      if (m.how === 'destroy') res.destroy();
      else if (m.how === 'end') res.end();
      return;
    }
    res.end(`\r\n--${BOUNDARY}--\r\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/dicom-web/, '');
    pacs.requests.push(path);
    const base = `/studies/${study}/series`;
    if (path === base) {
      if (url.searchParams.get('SeriesInstanceUID') !== series) return send(res, 200, 'application/dicom+json', '[]');
      return send(res, 200, 'application/dicom+json', JSON.stringify([{ '0020000E': value('UI', series), '00201209': value('IS', files.length) }]));
    }
    if (path === `${base}/${series}/instances`) {
      const number = url.searchParams.get('InstanceNumber');
      if (number !== null && options.searchByNumber === 'refused') return send(res, 400, 'application/json', '{"error": "InstanceNumber is not searchable"}');
      const offset = url.searchParams.get('offset');
      const hits = number !== null && options.searchByNumber !== 'ignored' ? files.filter((f) => f.instanceNumber === Number(number)) : files.slice(Number(offset ?? 0), Number(offset ?? 0) + 1);
      return send(res, 200, 'application/dicom+json', JSON.stringify(hits.map((f) => ({ '00080018': value('UI', f.sop), '00200013': value('IS', f.instanceNumber) }))));
    }
    if (path === `${base}/${series}/metadata`) return send(res, 200, 'application/dicom+json', JSON.stringify(files.map(metadataOf)));
    if (path === `${base}/${series}`) return seriesAnswer(res);
    const instance = new RegExp(`^${base}/${series}/instances/([0-9.]+)(/metadata|/frames/1)$`).exec(path);
    const f = instance ? bySop.get(instance[1]!) : undefined;
    if (!f) return send(res, 404, 'application/json', '{}');
    if (instance![2] === '/metadata') return send(res, 200, 'application/dicom+json', JSON.stringify([metadataOf(f)]));
    framesInFlight++;
    pacs.framesInFlightMax = Math.max(pacs.framesInFlightMax, framesInFlight);
    // A little time in flight, so that requests sent together overlap here.
    await sleep(5);
    const type = `application/octet-stream; transfer-syntax=${f.transferSyntax}`;
    const body = Buffer.concat([partHead(true, type), f.frame, Buffer.from(`\r\n--${BOUNDARY}--`, 'latin1')]);
    framesInFlight--;
    return send(res, 200, multipartHead('application/octet-stream'), body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pacs.root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
  pacs.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return pacs;
}
