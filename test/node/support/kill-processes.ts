/**
 * Process plumbing for the kill test (test/node/kill.test.ts): the app's
 * dev server, and finding and hard-killing the Chromium that Playwright
 * launched on a given profile. Linux only: it reads /proc.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';

/** Debian's Chromium (a shell wrapper that `exec`s /usr/lib/chromium/chromium, so the PID stays the browser's). */
export const CHROMIUM = process.env.SEGMARK_CHROMIUM ?? '/usr/bin/chromium';

/** The flags vite.config.ts gives the browser tests: keep Chromium away from the closed network. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Serves the app (index.html + src/app.ts, the sample under /sample-dicom/)
 * with the project's own vite config, on 127.0.0.1, without HMR, so nothing
 * reloads the page behind the test's back. Retries when another process takes
 * the port between the probe and the listen.
 */
export async function startApp(root: string, cacheDir?: string): Promise<AppServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    let server: ViteDevServer | undefined;
    try {
      server = await createServer({
        root,
        configFile: join(root, 'vite.config.ts'),
        clearScreen: false,
        logLevel: (process.env.SEGMARK_KILL_VITE_LOG as 'info' | undefined) ?? 'warn',
        ...(cacheDir ? { cacheDir } : {}),
        server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
      });
      await server.listen();
      const url = `http://127.0.0.1:${port}/`;
      const running = server;
      return { url, close: () => running.close() };
    } catch (error) {
      lastError = error;
      await server?.close().catch(() => {});
    }
  }
  throw new Error(`could not start the app's dev server: ${String(lastError)}`, { cause: lastError });
}

interface ProcInfo {
  pid: number;
  ppid: number;
  args: string[];
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // Field 4 of /proc/PID/stat, after the parenthesised command (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { pid, ppid, args };
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

function allProcesses(): ProcInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is ProcInfo => p !== undefined && p.args.length > 0);
}

/**
 * The PID of the browser (main) process running on `profileDir`: the one
 * process whose command line names that profile and is no child type
 * (`--type=renderer`, `zygote`, `gpu-process`, `utility`, …). Throws unless
 * there is exactly one, and it is a child of this Node process (Playwright
 * spawned it from here).
 */
export function browserPid(profileDir: string): number {
  const flag = `--user-data-dir=${profileDir}`;
  const mains = allProcesses().filter((p) => p.args.includes(flag) && !p.args.some((a) => a.startsWith('--type=')));
  if (mains.length !== 1) {
    throw new Error(`expected one Chromium browser process on ${profileDir}, found ${mains.length}: ${mains.map((p) => p.pid).join(', ')}`);
  }
  const main = mains[0]!;
  const exe = readlinkSync(`/proc/${main.pid}/exe`);
  if (!/chrom/.test(exe)) throw new Error(`process ${main.pid} on ${profileDir} runs ${exe}, not Chromium`);
  if (main.ppid !== process.pid) {
    throw new Error(`Chromium ${main.pid} on ${profileDir} is a child of ${main.ppid}, not of this test process ${process.pid}`);
  }
  return main.pid;
}

/** `pid` and every process below it (renderers, zygotes, GPU and utility processes). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of allProcesses()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const tree: number[] = [];
  const walk = (at: number) => {
    tree.push(at);
    for (const c of children.get(at) ?? []) walk(c);
  };
  walk(pid);
  return tree;
}

/** Alive and not a zombie (a killed child stays a zombie until its parent reaps it). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until none of `pids` is alive; returns those still alive after `timeoutMs`. */
export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const until = Date.now() + timeoutMs;
  let left = pids.filter(alive);
  while (left.length && Date.now() < until) {
    await sleep(50);
    left = left.filter(alive);
  }
  return left;
}

/**
 * Sends SIGKILL to each of `pids` that is still alive and still a Chromium
 * process (so a recycled PID is never hit). Returns the PIDs signalled.
 */
export function killChromium(pids: readonly number[]): number[] {
  const signalled: number[] = [];
  for (const pid of pids) {
    const p = readProc(pid);
    if (!p || !alive(pid) || !/chrom/.test(p.args[0] ?? '')) continue;
    try {
      process.kill(pid, 'SIGKILL');
      signalled.push(pid);
    } catch {
      // exited between the check and the signal
    }
  }
  return signalled;
}
