/**
 * Types for the codec packages, which ship none (TOOLCHAIN §3). Only what
 * src/core/dicom/pixels/ calls is declared; the shapes were read off the
 * Emscripten/embind builds and checked by the transfer-syntax tests.
 */

/** Options every Emscripten module factory accepts (a subset). */
interface EmscriptenModuleOptions {
  /** Maps a file the module asks for (its .wasm) to a URL or path. */
  locateFile?: (path: string, prefix: string) => string;
  /** The .wasm bytes, when the host has them already. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where the module's stdout goes (console.log by default). */
  print?: (text: string) => void;
}

/** What the embind decoders report about a decoded (or parsed) frame. */
interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
  isUsingColorTransform?: boolean;
}

/** The calling pattern shared by the charls, libjpeg-turbo, openjpeg and openjph decoders. */
interface EmbindDecoder {
  /** A view into WASM memory of `length` bytes to copy the encoded frame into. */
  getEncodedBuffer(length: number): Uint8Array;
  /** A view into WASM memory of the decoded frame; valid until the next call or delete(). */
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  /** Frees the C++ object; embind objects are not garbage collected. */
  delete(): void;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (options?: EmscriptenModuleOptions) => Promise<{ JpegLSDecoder: new () => EmbindDecoder }>;
  export default factory;
}

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (options?: EmscriptenModuleOptions) => Promise<{ JPEGDecoder: new () => EmbindDecoder }>;
  export default factory;
}

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: EmscriptenModuleOptions) => Promise<{ J2KDecoder: new () => EmbindDecoder }>;
  export default factory;
}

declare module '@cornerstonejs/codec-openjph/wasmjs' {
  interface HTJ2KEncoder {
    /** A view into WASM memory sized for `frameInfo`, to copy the raw frame into. */
    getDecodedBuffer(frameInfo: CodecFrameInfo): Uint8Array;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    setQuality(lossless: boolean, quantizationStep: number): void;
    delete(): void;
  }
  const factory: (
    options?: EmscriptenModuleOptions,
  ) => Promise<{ HTJ2KDecoder: new () => EmbindDecoder; HTJ2KEncoder: new () => HTJ2KEncoder }>;
  export default factory;
}
