/**
 * Where DICOM bytes come from: files (picked or dropped), blobs with a name,
 * URLs, and zip archives holding any of these. Reading errors become
 * SegmarkErrors naming the file; one bad source never stops the others.
 */
import { unzip, type Unzipped } from 'fflate';
import { SegmarkError, toSegmarkError } from '../errors.js';

export interface NamedBlob {
  name: string;
  blob: Blob;
}

export interface UrlSource {
  url: string;
  headers?: Record<string, string>;
}

export type LoadSource = NamedBlob | UrlSource | (Blob & { name: string });

export interface SourceBytes {
  name: string;
  bytes: Uint8Array;
}

export function sourceName(source: LoadSource): string {
  if ('url' in source) return source.url;
  return source.name;
}

export function sourceSize(source: LoadSource): number {
  if ('url' in source) return 0;
  return 'blob' in source ? source.blob.size : source.size;
}

export async function readSource(source: LoadSource, signal?: AbortSignal): Promise<Uint8Array> {
  const name = sourceName(source);
  try {
    if ('url' in source) {
      const response = await fetch(source.url, { headers: source.headers, signal });
      if (!response.ok) {
        throw new SegmarkError('fetch-failed', `HTTP ${response.status} ${response.statusText}`, {
          file: name,
          params: { status: response.status },
        });
      }
      // A web page where a file was expected is a server's error or login page, often sent with 200.
      const type = response.headers.get('content-type') ?? '';
      if (type.startsWith('text/html')) {
        throw new SegmarkError('fetch-failed', `the server answered with a web page (${type}), not a file`, {
          file: name,
          params: { status: response.status },
        });
      }
      return new Uint8Array(await response.arrayBuffer());
    }
    const blob = 'blob' in source ? source.blob : source;
    return new Uint8Array(await blob.arrayBuffer());
  } catch (error) {
    throw toSegmarkError(error, 'url' in source ? 'fetch-failed' : 'read-failed', name);
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/** Entries of a zip archive as named byte arrays; folders and macOS resource forks are left out. */
export function unzipEntries(archiveName: string, bytes: Uint8Array): Promise<SourceBytes[]> {
  return new Promise((resolve, reject) => {
    unzip(bytes, { filter: (f) => !f.name.endsWith('/') && !f.name.includes('__MACOSX/') }, (error, files: Unzipped) => {
      if (error) {
        reject(new SegmarkError('read-failed', `zip archive: ${error.message}`, { file: archiveName, cause: error }));
        return;
      }
      resolve(Object.entries(files).map(([entry, data]) => ({ name: `${archiveName}/${entry}`, bytes: data })));
    });
  });
}
