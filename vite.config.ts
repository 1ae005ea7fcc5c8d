import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { saveFigures } from './test/browser/support/figures-command.js';
import { keyPress, pointerClicks, pointerDoubleClick, pointerMove, pointerPath } from './test/browser/support/pointer-commands.js';

/** Chromium as installed by Debian's package; scripts/test.mjs installs it when missing. */
const chromium = process.env.SEGMARK_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep headless Chromium away from the closed network of the build machines. */
const chromiumArgs = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// UMD and CommonJS packages that vite must pre-bundle before the first page load;
// without this the first browser test run reloads the page mid-test.
const prebundled = [
  'cornerstone-core',
  'dicom-parser',
  '@cornerstonejs/codec-charls/decodewasmjs',
  '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
  '@cornerstonejs/codec-openjpeg/decodewasmjs',
  '@cornerstonejs/codec-openjph/wasmjs',
  '@cornerstonejs/jpeg-lossless-decoder-js',
  'dcmjs-codecs',
  'idb',
  'dicomweb-client',
  // vtk.js, for the 3D view: ES modules, but thousands of files and CommonJS dependencies.
  '@kitware/vtk.js/Common/Core/DataArray',
  '@kitware/vtk.js/Common/DataModel/ImageData',
  '@kitware/vtk.js/Common/DataModel/PolyData',
  '@kitware/vtk.js/Filters/Sources/PlaneSource',
  '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera',
  '@kitware/vtk.js/Rendering/Core/Actor',
  '@kitware/vtk.js/Rendering/Core/Mapper',
  '@kitware/vtk.js/Rendering/Core/RenderWindow',
  '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor',
  '@kitware/vtk.js/Rendering/Core/Renderer',
  '@kitware/vtk.js/Rendering/Core/Texture',
  '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry',
  '@kitware/vtk.js/Rendering/OpenGL/RenderWindow',
  // Tests only: the accessibility checker.
  'axe-core',
];

/**
 * Node tests that need more than Node (project `tools`, run by `npm test` only): they call
 * Python (pydicom, nibabel, skimage, scipy), dicom3tools, dcmtk, dcm2niix or unzip, build the
 * library, or drive Debian's Chromium through playwright. Every other Node test is in project
 * `node` (`npm run test:unit`), which needs no system package. Where a file mixed both, the
 * part needing a tool moved to a `.tools.test.ts` file beside it. A file missing from this list
 * runs in `node`, so a new test that needs a tool fails there loudly instead of being left out.
 */
const toolTests = [
  'test/node/annotation-distance.tools.test.ts', // scipy
  'test/node/annotation-raster.tools.test.ts', // skimage
  'test/node/app-build.test.ts', // a real vite build of the app (13–20 s)
  'test/node/charset.tools.test.ts', // pydicom
  'test/node/dataset-build.tools.test.ts', // nibabel, Python's zipfile (nnU-Net v2 dataset rules)
  'test/node/erase-profile.test.ts', // Chromium with a persistent profile
  'test/node/export-dataset.tools.test.ts', // dciodvfy, nibabel, hashlib
  'test/node/export-gzip-parts.tools.test.ts', // Python's zlib, nibabel
  'test/node/export-nifti.tools.test.ts', // dcm2niix, nibabel, pydicom
  'test/node/export-png-coco.tools.test.ts', // Pillow, skimage
  'test/node/export-resample.tools.test.ts', // dcm2niix, nibabel, pydicom
  'test/node/export-seg.tools.test.ts', // dciodvfy, dcmdump, dcmodify, pydicom, skimage
  'test/node/export-seg-real.tools.test.ts', // dciodvfy, pydicom
  'test/node/export-zip.tools.test.ts', // Python's zipfile, unzip
  'test/node/import-mask.tools.test.ts', // nibabel, pydicom
  'test/node/kill.test.ts', // Chromium, SIGKILL
  'test/node/library.test.ts', // the production build, Chromium
  'test/node/pacs-http-cache.test.ts', // Chromium with a persistent profile, Orthanc
  'test/node/quota.test.ts', // Chromium
  'test/node/review-agreement.tools.test.ts', // scipy, Python's csv
  'test/node/review-export.tools.test.ts', // pydicom
  'test/node/review-portal.test.ts', // the library build, two Chromiums with persistent profiles
  'test/node/sample.test.ts', // dciodvfy, pydicom (not split: its seven generator checks need no tool)
  'test/node/sources-zip.tools.test.ts', // Python's zipfile
  'test/node/surface-library.test.ts', // the production build, Chromium
  'test/node/transfer-syntaxes.tools.test.ts', // dcmdjpeg
  'test/node/assist-distance.tools.test.ts', // scipy
  'test/node/assist-grow.tools.test.ts', // skimage
];

/**
 * The test PACS (scripts/orthanc.mjs sets the port it started on); 8042 is Orthanc's default.
 * Around the tests scripts/orthanc.mjs puts nginx in front of it, as a portal does: the proxy goes
 * to nginx when nginx's upstream is that Orthanc (a test starting an Orthanc of its own sets only
 * SEGMARK_ORTHANC_PORT and is proxied straight to it).
 */
const orthancPort = process.env.SEGMARK_ORTHANC_PORT ?? '8042';
const viaNginx = process.env.SEGMARK_NGINX_PORT && process.env.SEGMARK_NGINX_UPSTREAM === orthancPort;
const orthanc = `http://127.0.0.1:${viaNginx ? process.env.SEGMARK_NGINX_PORT : orthancPort}`;

export default defineConfig({
  optimizeDeps: { include: prebundled },
  worker: { format: 'es' },
  server: {
    fs: { allow: ['..'] },
    proxy: {
      '/dicom-web': { target: orthanc },
      '/wado': { target: orthanc },
    },
  },
  build: {
    target: 'es2022',
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          exclude: toolTests,
          testTimeout: 60_000,
          // Setup hooks decode series: slow on a loaded 2-core machine.
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'tools',
          environment: 'node',
          include: toolTests,
          testTimeout: 60_000,
          // Setup hooks decode series and run Python references: slow on a loaded 2-core machine.
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromium, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
            viewport: { width: 1280, height: 800 },
            commands: { pointerPath, pointerClicks, pointerMove, pointerDoubleClick, keyPress, saveFigures },
          },
        },
      },
    ],
  },
});
