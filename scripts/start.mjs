/**
 * `npm start`: makes the sample series if it is missing, then serves the app
 * on http://localhost:5173 with the sample open.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('sample-dicom/index.json')) {
  console.log('segmark: generating the sample series (npm run make-sample)…');
  const made = spawnSync('npm', ['run', 'make-sample'], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(made.status ?? 1);
}

const port = process.env.PORT ?? '5173';
const vite = spawn('node', ['node_modules/vite/bin/vite.js', '--port', port, '--strictPort', '--host', '127.0.0.1'], {
  stdio: 'inherit',
});
console.log(`segmark: open http://localhost:${port}/ (the sample lumbar series loads by itself)`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => vite.kill(signal));
vite.on('exit', (code) => process.exit(code ?? 0));
