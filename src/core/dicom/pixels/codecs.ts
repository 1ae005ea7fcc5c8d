/**
 * The codec-loading seam. Each codec module is imported on first use and
 * instantiated once per thread (worker or page); a failed or aborted module is
 * forgotten so the next frame gets a fresh one.
 *
 * Where the .wasm files come from differs by host, and that is the only thing
 * injected:
 * - Browser (page or worker): URLs that vite emits for `…wasm?url` imports,
 *   loaded from `wasm-urls.ts` only there, so plain Node never sees `?url`.
 *   Fetched same-origin, no blob: and no eval, as a hospital CSP requires.
 * - Node (tests, scripts): the Emscripten factories find their .wasm next to
 *   their own JS through `__dirname`; dcmjs-codecs reads its file with `fs`.
 * - Anything else: `configureCodecs({ locateWasm })` before the first decode.
 */
import { SegmarkError } from '../../errors.js';

export type CodecId = 'charls' | 'libjpeg-turbo' | 'openjpeg' | 'openjph' | 'dcmjs-codecs' | 'jpeg-lossless';

export interface CodecConfig {
  /** URL (browser) or path (Node) of a codec's .wasm; undefined keeps that codec's default. */
  locateWasm?: (codec: CodecId) => string | undefined;
}

let config: CodecConfig | undefined;
const modules = new Map<CodecId, Promise<unknown>>();

/** Sets where codecs load their .wasm from; call before the first decode of the thread. */
export function configureCodecs(next: CodecConfig): void {
  config = next;
  modules.clear();
}

/** Forgets a codec module, e.g. after it aborted: Emscripten modules are unusable after abort(). */
export function forgetCodec(codec: CodecId): void {
  modules.delete(codec);
}

/** True in a page or a worker; false in Node. */
function isBrowserLike(): boolean {
  const g = globalThis as { window?: unknown; WorkerGlobalScope?: unknown };
  return typeof g.window !== 'undefined' || typeof g.WorkerGlobalScope !== 'undefined';
}

async function locate(codec: CodecId): Promise<string | undefined> {
  if (config?.locateWasm) return config.locateWasm(codec);
  if (!isBrowserLike()) return undefined;
  const { wasmUrl } = await import('./wasm-urls.js');
  return wasmUrl(codec);
}

async function emscriptenOptions(codec: CodecId): Promise<EmscriptenModuleOptions> {
  const url = await locate(codec);
  // `print` silenced: OpenJPEG narrates every header it reads on stdout. Errors still reach printErr.
  const print = (): void => undefined;
  return url === undefined ? { print } : { print, locateFile: (path: string) => (path.endsWith('.wasm') ? url : path) };
}

/** The codec module for `codec`, loading it once. */
function once<T>(codec: CodecId, load: () => Promise<T>): Promise<T> {
  let p = modules.get(codec) as Promise<T> | undefined;
  if (!p) {
    p = load().catch((error: unknown) => {
      modules.delete(codec);
      throw new SegmarkError('decode-failed', `codec ${codec} failed to load`, { cause: error });
    });
    modules.set(codec, p);
  }
  return p;
}

export function charls(): Promise<{ JpegLSDecoder: new () => EmbindDecoder }> {
  return once('charls', async () => {
    const { default: factory } = await import('@cornerstonejs/codec-charls/decodewasmjs');
    return factory(await emscriptenOptions('charls'));
  });
}

export function libjpegTurbo(): Promise<{ JPEGDecoder: new () => EmbindDecoder }> {
  return once('libjpeg-turbo', async () => {
    const { default: factory } = await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs');
    return factory(await emscriptenOptions('libjpeg-turbo'));
  });
}

export function openjpeg(): Promise<{ J2KDecoder: new () => EmbindDecoder }> {
  return once('openjpeg', async () => {
    const { default: factory } = await import('@cornerstonejs/codec-openjpeg/decodewasmjs');
    return factory(await emscriptenOptions('openjpeg'));
  });
}

export function openjph(): Promise<{ HTJ2KDecoder: new () => EmbindDecoder }> {
  return once('openjph', async () => {
    const { default: factory } = await import('@cornerstonejs/codec-openjph/wasmjs');
    return factory(await emscriptenOptions('openjph'));
  });
}

/**
 * Cornerstone's fork of jpeg-lossless-decoder-js: the original (2.1.2) drops the
 * last sample of a frame whose final Huffman code ends on a byte boundary, which
 * DCMTK produces (CTImage 4.70 decodes with its last pixel wrong); the fork fixes
 * that and ships its own types.
 */
export function jpegLossless(): Promise<typeof import('@cornerstonejs/jpeg-lossless-decoder-js')> {
  return once('jpeg-lossless', () => import('@cornerstonejs/jpeg-lossless-decoder-js'));
}

type DcmjsCodecs = typeof import('dcmjs-codecs');

/**
 * dcmjs-codecs: DCMTK's IJG 8/12/16-bit JPEG in WASM, used for 12-bit lossy
 * JPEG (4.51, 4.53, 4.55), which libjpeg-turbo-8bit cannot decode. Its own
 * loader fetches the .wasm through `eval("fetch(…)")`, which a CSP without
 * 'unsafe-eval' blocks; in a browser we hand it the bytes ourselves by
 * replacing that one static method before initialising.
 */
export function dcmjsCodecs(): Promise<DcmjsCodecs> {
  return once('dcmjs-codecs', async () => {
    const mod = (await import('dcmjs-codecs')) as DcmjsCodecs & { default?: DcmjsCodecs };
    // A webpack UMD bundle: named exports under vite, only `default` under Node's CJS interop.
    const lib = mod.NativeCodecs ? mod : mod.default;
    if (!lib?.NativeCodecs) throw new Error('dcmjs-codecs exports no NativeCodecs');
    if (!lib.NativeCodecs.isInitialized()) {
      const url = await locate('dcmjs-codecs');
      if (url !== undefined && isBrowserLike()) {
        const native = lib.NativeCodecs as unknown as { _getWebAssemblyBytes: () => Promise<ArrayBuffer> };
        native._getWebAssemblyBytes = async () => {
          const response = await fetch(url);
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          return response.arrayBuffer();
        };
        await lib.NativeCodecs.initializeAsync();
      } else {
        await lib.NativeCodecs.initializeAsync(url === undefined ? {} : { webAssemblyModulePathOrUrl: url });
      }
    }
    return lib;
  });
}
