/**
 * QIDO-RS against the real Orthanc, and <segmark-study-browser> driven like a
 * user: search, expand a study to its series with their image counts, open one
 * (an event the host passes to the annotator).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../src/index.js';
import { searchSeries, searchStudies } from '../../src/dicomweb/client.js';
import type { ErrorDetail, LoadDetail, OpenSeriesDetail } from '../../src/elements/events.js';
import type { SegmarkStudyBrowser } from '../../src/elements/segmark-study-browser/segmark-study-browser.js';
import { J2K, PACS_AUTH, ROOT, SAMPLE, WRONG_AUTH, pacs } from './support/dicomweb-pacs.js';
import { mountAnnotator, unmountAll } from './support/mount.js';

const browsers: HTMLElement[] = [];
afterEach(() => {
  unmountAll();
  for (const b of browsers.splice(0)) b.remove();
});

function mountBrowser(lang = 'en'): SegmarkStudyBrowser {
  const b = document.createElement('segmark-study-browser');
  b.root = ROOT;
  b.headers = PACS_AUTH;
  b.lang = lang;
  document.body.append(b);
  browsers.push(b);
  return b;
}

describe('QIDO-RS search', () => {
  it('finds the seeded studies by patient name (as typed, with ^ or a prefix), patient ID, accession, date range and modality', async () => {
    const source = pacs();
    const uids = async (query: Parameters<typeof searchStudies>[1]) => (await searchStudies(source, query)).map((s) => s.patientID).sort();
    expect(await uids({ patientName: SAMPLE.patientName })).toEqual([SAMPLE.patientID]);
    expect(await uids({ patientName: 'segmark' })).toEqual([SAMPLE.patientID]);
    expect(await uids({ patientID: J2K.patientID })).toEqual([J2K.patientID]);
    expect(await uids({ accessionNumber: SAMPLE.accession })).toEqual([SAMPLE.patientID]);
    expect(await uids({ dateFrom: '2024-01-01', dateTo: '2024-12-31' })).toEqual([SAMPLE.patientID]);
    expect(await uids({ modality: 'CT' })).toEqual(expect.arrayContaining([J2K.patientID, SAMPLE.patientID]));
    expect(await uids({ modality: 'MR' })).toEqual([]);
    const [study] = await searchStudies(source, { patientID: SAMPLE.patientID });
    expect(study).toMatchObject({ studyInstanceUID: SAMPLE.studyInstanceUID, patientName: SAMPLE.patientName, studyDate: '20240917' });
    expect(study!.modalities).toContain('CT');
    const series = await searchSeries(source, SAMPLE.studyInstanceUID, { modality: 'CT' });
    expect(series).toEqual([expect.objectContaining({ seriesInstanceUID: SAMPLE.seriesInstanceUID, modality: 'CT', instanceCount: SAMPLE.slices })]);
  });
});

describe('<segmark-study-browser>', () => {
  it('searches from its form, shows studies and series with counts, and Open fires segmark-open-series that loadDicomWeb takes', async () => {
    const b = mountBrowser();
    await b.updateComplete;
    await userEvent.fill(page.getByLabelText('Patient ID'), SAMPLE.patientID);
    await userEvent.click(page.getByRole('button', { name: 'Search' }));
    await expect.element(page.getByRole('status')).toHaveTextContent('1 studies found');
    const table = page.getByRole('table', { name: 'Studies' });
    await expect.element(table).toHaveTextContent('SEGMARK SYNTHETIC');
    await expect.element(table).toHaveTextContent('2024-09-17');

    const expand = page.getByRole('button', { name: /Show the series of SEGMARK\^SYNTHETIC/ });
    await expect.element(expand).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(expand);
    await expect.element(expand).toHaveAttribute('aria-expanded', 'true');
    await expect.poll(() => b.shadowRoot!.querySelector(`tr[data-series="${SAMPLE.seriesInstanceUID}"] [data-count]`)?.textContent).toBe(String(SAMPLE.slices));

    const opened: OpenSeriesDetail[] = [];
    const a = mountAnnotator();
    const loads: LoadDetail[] = [];
    a.addEventListener('segmark-load', (e) => loads.push(e.detail));
    // The host's wiring, as the element's documentation shows it.
    b.addEventListener('segmark-open-series', (e) => {
      opened.push(e.detail);
      void a.loadDicomWeb({ ...e.detail, headers: PACS_AUTH });
    });
    // The study may also hold SEG series stored by other tests: open the CT series by its row.
    b.shadowRoot!.querySelector<HTMLButtonElement>(`tr[data-series="${SAMPLE.seriesInstanceUID}"] button`)!.focus();
    await userEvent.keyboard('{Enter}');
    expect(opened).toEqual([{ root: ROOT, studyInstanceUID: SAMPLE.studyInstanceUID, seriesInstanceUID: SAMPLE.seriesInstanceUID }]);
    await expect.poll(() => loads.length, { timeout: 30_000 }).toBe(1);
    expect(loads[0]!.series.slices).toBe(SAMPLE.slices);
  });

  it('speaks Simplified Chinese, and reports a refused search as segmark-error with the status', async () => {
    const b = mountBrowser('zh-CN');
    b.headers = WRONG_AUTH;
    const errors: ErrorDetail[] = [];
    b.addEventListener('segmark-error', (e) => errors.push(e.detail));
    await b.updateComplete;
    await expect.element(page.getByRole('search', { name: '在 PACS 中搜索检查' })).toBeInTheDocument();
    await userEvent.click(page.getByRole('button', { name: '搜索' }));
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'pacs-unauthorized', status: 403 });
    await expect.element(page.getByRole('status')).toHaveTextContent('PACS 拒绝访问（HTTP 403）');
  });
});
