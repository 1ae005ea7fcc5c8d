/**
 * `npm run build`: the library in dist/ — dist/segmark.js (registers the
 * elements) with its chunks, workers and WASM codecs beside it, type
 * declarations in dist/types/, and the custom-elements manifest
 * dist/custom-elements.json generated from the elements' JSDoc, and the JSON
 * Schema of the document exchange form, dist/segmark-document.schema.json
 * (package export `segmark/document.schema.json`).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';

// A production build whatever the caller's environment (vitest runs with NODE_ENV=test,
// which would select Lit's development build).
const env = { ...process.env, NODE_ENV: 'production' };

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`segmark build: ${command} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

run('node', ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.lib.config.ts', '--mode', 'production', '--logLevel', 'warn']);
run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
run('node', ['node_modules/@custom-elements-manifest/analyzer/cem.js', 'analyze', '--litelement', '--globs', 'src/elements/**/*.ts', '--exclude', 'src/**/*.styles.ts', '--outdir', 'dist', '--quiet']);
copyFileSync('src/core/annotation/document.schema.json', 'dist/segmark-document.schema.json');
console.log('segmark build: dist/segmark.js, dist/types/, dist/custom-elements.json, dist/segmark-document.schema.json');
