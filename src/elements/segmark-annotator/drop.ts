/**
 * Files from a drop or a folder picker, folders walked recursively. Paths are
 * kept in the names so messages say where a broken file was.
 */

/** What a drop delivered, flattened to files. Entries are read before the event ends, as browsers require. */
export async function filesFromDataTransfer(transfer: DataTransfer): Promise<File[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) return Array.from(transfer.files);
  const nested = await Promise.all(entries.map((e) => walk(e)));
  return [...loose, ...nested.flat()];
}

async function walk(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [renamed(file, entry.fullPath.replace(/^\//, ''))];
  }
  if (!entry.isDirectory) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries returns at most ~100 entries per call; call until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((c) => walk(c)));
  return nested.flat();
}

/** A File named by its path inside the dropped folder, without copying its bytes. */
function renamed(file: File, path: string): File {
  if (!path || path === file.name) return file;
  return new File([file], path, { type: file.type, lastModified: file.lastModified });
}

/** Files from an <input type=file webkitdirectory>, named by their relative path. */
export function filesFromInput(input: HTMLInputElement): File[] {
  return Array.from(input.files ?? []).map((f) => (f.webkitRelativePath ? renamed(f, f.webkitRelativePath) : f));
}
