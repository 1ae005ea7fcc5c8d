/**
 * A server that the tests and the bench run as a child process (Orthanc in
 * scripts/orthanc.mjs, nginx in scripts/nginx.mjs): a free loopback port for
 * it, starting it with the end of its stderr kept for the error message,
 * waiting until it answers, and stopping it by its pid and removing its
 * temporary folder, however the start went.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port nobody listens on now on 127.0.0.1 (outside a private network namespace the usual ones may be taken). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `command` with `args` and polls `answers()` every 50 ms until it
 * resolves true. Returns `{ pid, stop }`: `stop()` sends `stopSignal`
 * (SIGKILL if the server is still there 5 s later), waits for it to exit
 * and removes `dir`; a second call does nothing. If the server exits first,
 * or has not answered within `timeoutMs`, it is stopped and the error says
 * so, with the end of its stderr.
 *
 * @param {{ name: string, command: string, args: string[], dir: string, stopSignal: NodeJS.Signals, answers: () => Promise<boolean>, question: string, timeoutMs: number }} options
 *   `name` and `question` (what `answers` asks, e.g. "GET /system") are for the messages.
 * @returns {Promise<{ pid: number, stop: () => Promise<void> }>}
 */
export async function startChildServer({ name, command, args, dir, stopSignal, answers, question, timeoutMs }) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(stopSignal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${name} exited with code ${child.exitCode}\n${stderr}`);
    }
    try {
      if (await answers()) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer ${question} within ${timeoutMs / 1000} s\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { pid: child.pid, stop };
}
