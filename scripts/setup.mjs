/**
 * What the tests need from the machine, installed when missing. On Debian or
 * Ubuntu as root it installs the packages itself; otherwise it stops with one
 * line saying what to install. Used by `npm test`, `npm run test:browser` and
 * `npm run bench`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → a file it installs, to tell whether it is there. */
const PACKAGES = {
  chromium: '/usr/bin/chromium',
  dcmtk: '/usr/bin/dcmdjpeg',
  dicom3tools: '/usr/bin/dciodvfy',
  dcm2niix: '/usr/bin/dcm2niix',
  'python3-pydicom': '/usr/lib/python3/dist-packages/pydicom/__init__.py',
  'python3-nibabel': '/usr/lib/python3/dist-packages/nibabel/__init__.py',
  'python3-skimage': '/usr/lib/python3/dist-packages/skimage/__init__.py',
  'python3-numpy': '/usr/lib/python3/dist-packages/numpy/__init__.py',
  orthanc: '/usr/sbin/Orthanc',
  'orthanc-dicomweb': '/usr/share/orthanc/plugins/libOrthancDicomWeb.so',
  // The reverse proxy in front of the test PACS (scripts/nginx.mjs).
  nginx: '/usr/sbin/nginx',
};

export function missingPackages(wanted = Object.keys(PACKAGES)) {
  return wanted.filter((name) => !existsSync(PACKAGES[name]));
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasApt() {
  return spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing, or exits with one clear line. */
export function ensurePackages(wanted = Object.keys(PACKAGES)) {
  const missing = missingPackages(wanted);
  if (missing.length === 0) return;
  if (process.env.SEGMARK_CHROMIUM && missing.length === 1 && missing[0] === 'chromium') return;
  if (!isRoot() || !hasApt()) {
    console.error(`segmark: missing system packages: ${missing.join(' ')} — install them with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(2);
  }
  console.log(`segmark: installing ${missing.join(' ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  const still = missingPackages(missing);
  if (still.length) {
    console.error(`segmark: apt-get did not install ${still.join(' ')}`);
    process.exit(2);
  }
}

/** Installs npm dependencies when node_modules is missing or older than the lock file. */
export function ensureNodeModules() {
  if (existsSync('node_modules/.package-lock.json') && existsSync('node_modules/vitest')) return;
  console.log('segmark: installing npm dependencies (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
