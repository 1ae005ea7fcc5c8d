// `npm run build`: Segmark as an ES-module library in dist/ — one entry that
// registers the elements (dist/segmark.js), with workers, chunks and WASM
// codecs emitted as files beside it and found through
// `new URL(…, import.meta.url)`, so a page serves them from wherever it serves
// the library, under a strict CSP (no blob: or data: workers, no eval, no
// inline scripts). Built as an app with a module entry rather than in vite's
// library mode, which would inline every .wasm as base64 (+7 MB of data:
// URLs). Dependencies are bundled: a portal drops in one folder. Type
// declarations come from `tsc -p tsconfig.build.json`.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    modulePreload: false,
    // dcmjs-codecs (12-bit JPEG only, loaded on first use) is one 750 kB chunk.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      input: { segmark: 'src/index.ts' },
      preserveEntrySignatures: 'exports-only',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  worker: {
    format: 'es',
    rollupOptions: { output: { entryFileNames: 'workers/[name]-[hash].js', chunkFileNames: 'workers/chunks/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' } },
  },
});
