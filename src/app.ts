/**
 * The stand-alone app page: one annotator filling the window. With no query it
 * opens the bundled sample series; `?urls=a,b` opens those URLs; `?empty` opens
 * nothing.
 */
import './index.js';

const annotator = document.querySelector('segmark-annotator');
const params = new URLSearchParams(location.search);

async function openInitial(): Promise<void> {
  if (!annotator || params.has('empty')) return;
  const urls = params.get('urls');
  if (urls) {
    await annotator.loadUrls(urls.split(',').filter(Boolean));
    return;
  }
  const response = await fetch('/sample-dicom/index.json');
  if (!response.ok) return;
  const index = (await response.json()) as { files: string[] };
  await annotator.loadUrls(index.files.map((f) => `/sample-dicom/${f}`));
}

void openInitial();
