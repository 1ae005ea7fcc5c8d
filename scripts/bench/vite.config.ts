// Vite config for `npm run bench` only: the project's config plus the peer
// loader's pre-bundling, a cache dir of its own (so a bench never invalidates
// the dev server's or vitest's pre-bundled deps), and no HMR (so an edit
// elsewhere in the tree cannot reload a page mid-measurement).
import { existsSync } from 'node:fs';
import { Agent } from 'node:http';
import { defineConfig, mergeConfig } from 'vite';
import project from '../../vite.config';

/**
 * The pacs scenario's proxy to Orthanc keeps its connections open: without
 * an agent every frame request opens a new one, which made the proxy, not
 * the PACS or the page, the slowest step (about 2× on 300 frames).
 */
const pacsAgent = new Agent({ keepAlive: true });

export default mergeConfig(
  project,
  defineConfig({
    cacheDir: 'node_modules/.vite-bench',
    clearScreen: false,
    logLevel: 'warn',
    optimizeDeps: {
      include: ['cornerstone-wado-image-loader'],
      // Crawl every module a run can import up front, so no dependency is
      // discovered (and re-optimised) in the middle of a timed load.
      entries: ['scripts/bench/index.html', 'scripts/bench/scenarios/*.ts', '!scripts/bench/scenarios/*.d.ts', ...(existsSync('src/index.ts') ? ['src/**/*.ts', '!src/**/*.test.ts'] : [])],
    },
    server: {
      hmr: false,
      watch: { ignored: ['**/.tmp/**', '**/bench-results.json'] },
      proxy: { '/dicom-web': { agent: pacsAgent }, '/wado': { agent: pacsAgent } },
      // Cross-origin isolation gives performance.now() microsecond steps instead of 0.1 ms.
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  }),
);
