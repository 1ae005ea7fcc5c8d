// The review portal page. One page for both sides of a review; the query
// string says who is here (`?user=ana&role=annotator`, `?user=rita&role=reviewer`).
// The portal's server keeps each annotator's document of a series; this page
// moves it between the server and the annotator with four things only:
//   getDocument() / openDocument(doc, { currentRevision })  the whole document, as JSON
//   segmark-change  a new revision: store it on the server (debounced)
//   segmark-status  a review step: route the document (submit, send back)
//   segmark-conflict / HTTP 409  two versions of one document: let the user choose
const annotator = document.querySelector('segmark-annotator');
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const user = params.get('user');
const role = params.get('role');

function note(text) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  $('log').prepend(item);
}

async function api(method, path, body) {
  const response = await fetch(`/api/${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok) throw Object.assign(new Error(data.error ?? `HTTP ${response.status}`), { status: response.status, data });
  return data;
}

// ── The open document: whose it is, and the server revision this page's work starts from ──

let series; // the open series' SeriesInstanceUID
const open = { owner: undefined, base: undefined };
/** While two versions wait for the user's choice, nothing is sent. */
let conflict;
const documentPath = (owner) => `documents/${series}/${encodeURIComponent(owner)}`;

/**
 * Opens `owner`'s document from the server. `currentRevision` is what this
 * page already holds as current: a server copy based on an older revision
 * is refused by the annotator (`segmark-conflict`), and nothing here changes.
 */
async function openFromPortal(owner, currentRevision) {
  open.owner = owner;
  open.base = undefined;
  let stored;
  try {
    stored = await api('GET', documentPath(owner));
  } catch (error) {
    if (error.status !== 404) throw error;
    note(`the portal has no document of ${owner} for this series yet`);
  }
  if (stored && owner === user && stored.revision === annotator.revision) {
    // This browser kept the very revision the portal has (autosave): it is already open.
    open.base = stored.revision;
    note(`this browser has the portal's revision ${stored.revision}`);
  } else if (stored) {
    try {
      annotator.openDocument(stored.document, { currentRevision });
      open.base = stored.revision;
      note(`opened ${owner}'s document, revision ${stored.revision}, ${stored.document.review.status}`);
    } catch (error) {
      if (error.code !== 'document-conflict') throw error; // segmark-conflict has shown the choice
      return;
    }
  }
  // Work this browser holds that the portal does not have yet (e.g. made offline) goes to it now.
  if (annotator.revision !== (open.base ?? 0)) scheduleSave();
}

// ── Saving: every revision, debounced, with the revision it was based on ──

let timer;
let saving = Promise.resolve(true);
function scheduleSave() {
  clearTimeout(timer);
  timer = setTimeout(() => void save(), 500);
}
/** Sends the open document if it changed since the portal last had it; resolves to whether the portal has it now. */
function save() {
  clearTimeout(timer);
  saving = saving.then(send, send);
  return saving;
}
async function send() {
  const doc = annotator.getDocument();
  if (!doc || open.owner === undefined || conflict) return false;
  if (doc.revision === open.base) return true;
  try {
    const { revision } = await api('PUT', documentPath(open.owner), { document: doc, baseRevision: open.base, savedBy: user });
    open.base = revision;
    return true;
  } catch (error) {
    if (error.status === 409) showConflict({ mine: doc.revision, portal: error.data.current });
    else note(`not saved to the portal (${error.message}); kept in this browser, sent with the next change`);
    return false;
  }
}
annotator.addEventListener('segmark-change', scheduleSave);

// ── Two versions of one document: the user chooses; nothing is overwritten before ──

function showConflict({ mine, portal }) {
  conflict = { mine, portal };
  $('conflict-text').textContent =
    `The portal holds revision ${portal} of ${open.owner}'s document; this page holds revision ${mine}. ` +
    'Nothing was overwritten: choose which one to keep.';
  // Revisions only grow: an older local version cannot replace the portal's.
  $('send-mine').hidden = !(mine > portal);
  $('conflict').hidden = false;
  note(`conflict: portal revision ${portal}, this page ${mine}`);
}
function closeConflict() {
  conflict = undefined;
  $('conflict').hidden = true;
}
// openDocument refused the server's copy: this browser holds newer work (e.g. made while offline).
annotator.addEventListener('segmark-conflict', (e) => showConflict({ mine: e.detail.current, portal: e.detail.revision }));
$('take-portal').addEventListener('click', async () => {
  closeConflict();
  const stored = await api('GET', documentPath(open.owner));
  annotator.openDocument(stored.document); // one undoable step: Undo brings this page's version back
  open.base = stored.revision;
  note(`took the portal's revision ${stored.revision}`);
});
$('send-mine').addEventListener('click', async () => {
  open.base = conflict.portal; // seen, and chosen to replace
  closeConflict();
  if (await save()) note(`sent revision ${open.base} to the portal`);
});

// ── Review steps route the document ──

annotator.addEventListener('segmark-status', async (e) => {
  const { status, note: stepNote } = e.detail;
  // The step is a revision of the document: the portal stores it before routing it.
  if (!(await save())) return note(`${status}: not routed, the portal does not have this revision`);
  const doc = { seriesUid: series, annotator: open.owner, revision: open.base };
  if (status === 'submitted') {
    await api('POST', 'submit', { ...doc, title: annotator.series.description });
    note(`submitted revision ${open.base} for review`);
    await refreshReturned();
  } else if (status === 'changes-requested' || status === 'approved') {
    await api('POST', 'return', { ...doc, reviewer: user, status, note: stepNote ?? '' });
    note(`${status === 'approved' ? 'approved' : 'sent back for changes'}: revision ${open.base} to ${open.owner}`);
    await refreshQueue();
  }
});

// ── The lists beside the annotator ──

function showList(heading, lines) {
  $('list-heading').textContent = heading;
  $('list').replaceChildren(...lines.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
}

/** The reviewer's queue, from the server, in the annotator's Work tab (For review); Open calls `open`. */
async function refreshQueue() {
  const items = await api('GET', `queue/${encodeURIComponent(user)}`);
  annotator.setReviewQueue(
    items.map((item) => ({
      id: `${item.seriesUid}/${item.annotator}`,
      title: item.title,
      annotator: item.annotator,
      submittedAt: item.submittedAt,
      labels: item.labels,
      outlines: item.outlines,
      verifiedShare: item.verifiedShare,
      open: () => openQueued(item),
    })),
  );
  showList('Waiting for your review', items.map((i) => `${i.annotator}: ${i.title} (revision ${i.revision})`));
}

async function openQueued(item) {
  await loaded;
  if (item.seriesUid !== series) return note('that series is not served by this example');
  await save(); // the last changes of the document open before
  // The queue names the revision submitted: the server's copy is at least that one.
  await openFromPortal(item.annotator, item.revision);
  annotator.sideTab = 'review';
}

async function refreshReturned() {
  const items = await api('GET', `returned/${encodeURIComponent(user)}`);
  showList('Sent back to you', items.map((i) => `${i.reviewer} ${i.status === 'approved' ? 'approved' : 'requested changes'}${i.note ? `: ${i.note}` : ''}`));
}

// ── Start ──

annotator.addEventListener('segmark-load', (e) => note(`loaded ${e.detail.series.slices} slices${e.detail.restored ? ', with this browser’s stored work' : ''}`));
annotator.addEventListener('segmark-error', (e) => note(`error ${e.detail.code}: ${e.detail.message}`));

let loaded;
if (!user || !role) {
  $('choose').hidden = false;
} else {
  $('who').textContent = `${user} · ${role}`;
  // Set before loading: the browser keeps work per series and user.
  annotator.user = user;
  annotator.role = role;
  if (role === 'reviewer') {
    // A reviewer edits other people's documents: the portal is their only store. Kept in this browser
    // under the reviewer's name, a submitted one would also be listed as this browser's own in For review.
    annotator.noAutosave = true;
    annotator.sideTab = 'work';
  }
  // The series: here the sample beside the examples; a portal would use its PACS (loadDicomWeb).
  loaded = (async () => {
    const index = await (await fetch('../../sample-dicom/index.json')).json();
    await annotator.loadUrls(index.files.map((f) => `../../sample-dicom/${f}`));
    series = annotator.series.seriesInstanceUID;
  })();
  if (role === 'reviewer') {
    await refreshQueue();
    addEventListener('focus', () => void refreshQueue());
  } else {
    await loaded;
    // This browser's own work is current here: an older server copy must not replace it silently.
    await openFromPortal(user, annotator.revision);
    await refreshReturned();
  }
  document.body.dataset.ready = 'true';
}
