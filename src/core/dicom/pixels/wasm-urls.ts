/**
 * Browser-only: the URLs vite gives the codecs' .wasm files, which it emits as
 * hashed assets next to the bundle. Imported dynamically by `codecs.ts` only in
 * a page or worker, so Node never has to resolve a `?url` import.
 */
import charlsUrl from '@cornerstonejs/codec-charls/decodewasm?url';
import libjpegTurboUrl from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import openjpegUrl from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import openjphUrl from '@cornerstonejs/codec-openjph/wasm?url';
import dcmjsCodecsUrl from 'dcmjs-codecs/build/dcmjs-native-codecs.wasm?url';
import type { CodecId } from './codecs.js';

const URLS: Readonly<Record<CodecId, string | undefined>> = {
  charls: charlsUrl,
  'libjpeg-turbo': libjpegTurboUrl,
  openjpeg: openjpegUrl,
  openjph: openjphUrl,
  'dcmjs-codecs': dcmjsCodecsUrl,
  'jpeg-lossless': undefined,
};

export function wasmUrl(codec: CodecId): string | undefined {
  return URLS[codec];
}
