/** The committed sample series, fetched from the vite server as File objects. */

export async function sampleFiles(limit?: number): Promise<File[]> {
  const index = (await (await fetch('/sample-dicom/index.json')).json()) as { files: string[] };
  const names = limit ? index.files.slice(0, limit) : index.files;
  return Promise.all(
    names.map(async (name) => {
      const blob = await (await fetch(`/sample-dicom/${name}`)).blob();
      return new File([blob], name);
    }),
  );
}

export async function sampleIndex(): Promise<{ files: string[] }> {
  return (await (await fetch('/sample-dicom/index.json')).json()) as { files: string[] };
}

/** Two animation frames: cornerstone draws in the first, events settle by the second. */
export function frames(n = 2): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });
}
