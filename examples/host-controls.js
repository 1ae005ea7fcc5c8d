// A portal that hides Segmark's toolbar and drives it with its own controls,
// through the element's properties, methods and events only.
const annotator = document.querySelector('segmark-annotator');
const status = document.getElementById('status');
const $ = (id) => document.getElementById(id);

$('tool').addEventListener('change', (e) => (annotator.tool = e.target.value));
$('label').addEventListener('change', (e) => (annotator.activeLabel = Number(e.target.value)));
$('preset').addEventListener('click', () => annotator.applyPreset('spine'));
$('prev').addEventListener('click', () => (annotator.slice = Math.max(0, annotator.slice - 1)));
$('next').addEventListener('click', () => (annotator.slice = Math.min((annotator.series?.slices ?? 1) - 1, annotator.slice + 1)));
$('undo').addEventListener('click', () => annotator.undo());
$('redo').addEventListener('click', () => annotator.redo());
$('export').addEventListener('click', async () => {
  let file;
  try {
    file = await annotator.export('nifti', { bundle: true });
  } catch (error) {
    // The export checklist blocks (e.g. labels without outlines): ask, then export past what the user accepts.
    if (error.code !== 'export-blocked') return;
    const list = error.findings.map((f) => `- ${f.detail}`).join('\n');
    if (!confirm(`Export anyway?\n${list}`)) return;
    file = await annotator.export('nifti', { bundle: true, acceptFindings: error.findings.map((f) => f.key) });
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(file);
  link.download = file.name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
});

annotator.addEventListener('segmark-slice', (e) => (status.value = `slice ${e.detail.slice + 1}`));
annotator.addEventListener('segmark-change', (e) => (status.value = `${e.detail.kind} on label ${e.detail.labelId}`));
annotator.addEventListener('segmark-export', (e) => (status.value = `exported ${e.detail.fileName}`));

const index = await (await fetch('../sample-dicom/index.json')).json();
await annotator.loadUrls(index.files.map((f) => `../sample-dicom/${f}`));
