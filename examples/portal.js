// A portal page embedding the annotator as it is: it opens the case's images
// and listens to what the annotator reports (load, errors, saves, exports).
const annotator = document.querySelector('segmark-annotator');
const log = document.getElementById('log');

function note(text) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  log.prepend(item);
}

annotator.addEventListener('segmark-load', (e) => note(`loaded ${e.detail.series.slices} slices of "${e.detail.series.description}"`));
annotator.addEventListener('segmark-error', (e) => note(`error ${e.detail.code}: ${e.detail.message}`));
annotator.addEventListener('segmark-save', () => note('work saved in this browser'));
annotator.addEventListener('segmark-export', (e) => note(`exported ${e.detail.fileName} (${e.detail.size} bytes)`));

// The case's images: here the sample series next to the examples; a portal would use its PACS or file store.
const index = await (await fetch('../sample-dicom/index.json')).json();
await annotator.loadUrls(index.files.map((f) => `../sample-dicom/${f}`));
