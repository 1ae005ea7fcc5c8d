/**
 * A stand-in for a File System Access folder (`FileSystemDirectoryHandle`)
 * over Node's file system, so `DirectorySink` (dataset-sinks.ts) runs in
 * Node tests: NotFoundError and TypeMismatchError as the browser names them,
 * and a writable that fills a swap file and replaces the file only on close,
 * as Chromium's does.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DirectoryHandleLike, FileHandleLike, WritableLike } from '../../../src/core/formats/dataset-sinks.js';

/** A File System Access folder over Node's file system, with the same swap-file-until-close behaviour as Chromium's. */
export function nodeDirectory(root: string): DirectoryHandleLike {
  const notFound = (path: string) => Object.assign(new Error(`${path} not found`), { name: 'NotFoundError' });
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return undefined;
    }
  };
  return {
    async getDirectoryHandle(name, options) {
      const path = join(root, name);
      const kind = isDir(path);
      if (kind === false) throw Object.assign(new Error(`${path} is a file`), { name: 'TypeMismatchError' });
      if (kind === undefined) {
        if (!options?.create) throw notFound(path);
        mkdirSync(path);
      }
      return nodeDirectory(path);
    },
    async getFileHandle(name, options): Promise<FileHandleLike> {
      const path = join(root, name);
      const kind = isDir(path);
      if (kind === true) throw Object.assign(new Error(`${path} is a folder`), { name: 'TypeMismatchError' });
      if (kind === undefined) {
        if (!options?.create) throw notFound(path);
        writeFileSync(path, new Uint8Array(0));
      }
      return {
        async createWritable(): Promise<WritableLike> {
          const swap = `${path}.crswap`;
          mkdirSync(dirname(swap), { recursive: true });
          writeFileSync(swap, new Uint8Array(0));
          const chunks: Uint8Array[] = [];
          return {
            async write(data) {
              chunks.push(data.slice());
            },
            async close() {
              writeFileSync(swap, Buffer.concat(chunks));
              renameSync(swap, path);
            },
            async abort() {
              rmSync(swap, { force: true });
            },
          };
        },
      };
    },
  };
}
