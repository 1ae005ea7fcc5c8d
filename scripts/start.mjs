/**
 * `npm start`: makes the sample series if it is missing, builds the app once
 * (into .tmp/app-build/, skipped while the sources are unchanged) and serves
 * the built app on http://localhost:5173 with the sample open. The built app is
 * a few files, so the sample is on screen about a second after the page opens;
 * the development server (`npm run dev`) serves hundreds of modules first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAppBuild, serveApp } from './app-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (!existsSync(path.join(root, 'sample-dicom/index.json'))) {
  console.log('segmark: generating the sample series (npm run make-sample)…');
  const made = spawnSync('npm', ['run', 'make-sample'], { cwd: root, stdio: 'inherit' });
  if (made.status !== 0) process.exit(made.status ?? 1);
}

const started = Date.now();
let build;
try {
  build = await ensureAppBuild({ root });
} catch (error) {
  console.error(`segmark: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(
  build.built
    ? `segmark: built the app in ${((Date.now() - started) / 1000).toFixed(1)} s (.tmp/app-build/, reused until a source changes)`
    : 'segmark: sources unchanged, serving the app built before (.tmp/app-build/)',
);

const port = Number(process.env.PORT ?? '5173');
const served = await serveApp({ root, appDir: build.dir, port }).catch((error) => {
  console.error(`segmark: cannot serve on port ${port}: ${error.message} (set PORT to use another)`);
  process.exit(1);
});
console.log(`segmark: open http://localhost:${served.port}/ (the sample lumbar series loads by itself; npm run dev for the development server)`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void served.close().then(() => process.exit(0)));
