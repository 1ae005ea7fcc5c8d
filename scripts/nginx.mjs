#!/usr/bin/env node
/**
 * nginx in front of the test PACS, configured as a hospital portal puts its
 * reverse proxy in front of a PACS (README, "Opening from a PACS"): HTTP/1.1
 * with keep-alive connections to the upstream, multipart answers passed on as
 * they come (no buffering), no gzip of frames, no size cap on STOW uploads.
 *
 * It runs unprivileged: its own prefix in a temporary folder (config, pid file,
 * error log, temp paths), `daemon off` (so the pid we hold is nginx's master),
 * on a free loopback port, stopped by that pid.
 *
 * `allowOrigin` adds CORS for the page origins it matches (a regular
 * expression in nginx's syntax; the bench page is served by vite on a port of
 * its own): preflights are answered by nginx itself, the token check stays
 * with Orthanc.
 *
 * scripts/orthanc.mjs starts it around the tests (vite's /dicom-web proxy then
 * goes to nginx, not straight to Orthanc); the bench's pacs scenario starts it
 * with CORS and the page talks to it directly.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startChildServer } from './child-server.mjs';

export const NGINX = '/usr/sbin/nginx';

/** The location blocks' proxy settings: those a portal uses in front of a DICOMweb server. */
const PROXY = `
      proxy_pass http://pacs;
      # Keep-alive to the upstream needs HTTP/1.1 and no "Connection: close" from the client's request.
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Orthanc builds BulkDataURIs from the Host it is asked with: the portal's, port included.
      proxy_set_header Host $http_host;
      # Multipart frames go to the browser as Orthanc writes them, not after a whole answer is spooled.
      proxy_buffering off;
      proxy_request_buffering off;
      client_max_body_size 0;
      proxy_read_timeout 300s;
      # Frames do not compress much, and deflating them costs more than loopback (or a LAN) saves.
      gzip off;`;

/** CORS for the origins `$cors_origin` lets through: answers preflights itself (Orthanc's token filter would refuse them). */
function cors(origin) {
  if (!origin) return '';
  const headers = [
    // Empty for any other origin: nginx then sends no such header, and the browser refuses the answer.
    'add_header Access-Control-Allow-Origin $cors_origin always;',
    'add_header Access-Control-Allow-Headers "Authorization, Accept, Content-Type" always;',
    'add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;',
    'add_header Access-Control-Expose-Headers "Content-Type, Content-Length" always;',
    'add_header Access-Control-Max-Age 600 always;',
    // The bench page is cross-origin isolated (COEP require-corp).
    'add_header Cross-Origin-Resource-Policy cross-origin always;',
  ].join('\n      ');
  return `
      ${headers}
      if ($request_method = OPTIONS) {
        ${headers.replace(/\n {6}/g, '\n        ')}
        return 204;
      }`;
}

/** The whole configuration; paths are relative to the prefix (`-p`). */
export function nginxConfig({ port, upstreamPort, allowOrigin }) {
  return `daemon off;
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
${allowOrigin ? `  map $http_origin $cors_origin {\n    default "";\n    "~${allowOrigin}" $http_origin;\n  }\n` : ''}  upstream pacs {
    server 127.0.0.1:${upstreamPort};
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location /dicom-web/ {${cors(allowOrigin)}${PROXY}
    }
    location /wado {${cors(allowOrigin)}${PROXY}
    }
  }
}
`;
}

/**
 * Starts nginx on `port` (default: a free one) proxying /dicom-web/ and /wado to
 * 127.0.0.1:`upstreamPort`, and waits until it answers. Returns `{ port, pid, origin, stop }`.
 */
export async function startNginx({ upstreamPort, port, allowOrigin } = {}) {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install -y nginx-light`);
  port ??= await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'segmark-nginx-'));
  mkdirSync(path.join(dir, 'tmp'));
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig({ port, upstreamPort, allowOrigin }));
  const origin = `http://127.0.0.1:${port}`;
  const { pid, stop } = await startChildServer({
    name: 'nginx',
    command: NGINX,
    // -e: the error log before the config is read (the default, /var/log/nginx, is not ours to write).
    args: ['-p', `${dir}/`, '-c', 'nginx.conf', '-e', 'error.log'],
    dir,
    // SIGQUIT: graceful; its worker ends with it.
    stopSignal: 'SIGQUIT',
    // Any HTTP answer (Orthanc's 403 without the token included) means nginx is serving.
    answers: async () => Boolean(await fetch(`${origin}/dicom-web/studies?limit=1`)),
    question: 'GET /dicom-web/studies',
    timeoutMs: 10_000,
  });
  return { port, pid, origin, stop };
}
