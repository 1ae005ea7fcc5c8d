/**
 * The export dialog's regular-grid choice for NIfTI (issue 16): ticked, the
 * choice asks for `grid: 'resampled'` (the checklist is asked again with it);
 * formats other than NIfTI do not offer it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { ExportChoice } from '../../src/elements/segmark-export-dialog/segmark-export-dialog.js';

afterEach(() => document.querySelectorAll('segmark-export-dialog').forEach((d) => d.remove()));

describe('the export dialog: NIfTI on a regular grid', () => {
  it('REQ-EXPORT-GRID-1: NIfTI entries offer the resampled grid and ask the checklist with it; DICOM SEG does not', async () => {
    const dialog = document.createElement('segmark-export-dialog');
    dialog.labels = [{ id: 1, name: 'L1/L2 disc', color: [230, 159, 0], slices: 3 }];
    const checks: ExportChoice[] = [];
    dialog.addEventListener('sm-export-check', (e) => checks.push((e as CustomEvent<ExportChoice>).detail));
    document.body.append(dialog);
    await dialog.updateComplete;
    const root = dialog.shadowRoot!;
    const resampled = () => root.querySelector<HTMLInputElement>('input[name="resampled"]');
    expect(resampled(), 'the first entry is the NIfTI bundle').not.toBeNull();
    expect(checks.at(-1)!.options.grid).toBeUndefined();
    resampled()!.click();
    await dialog.updateComplete;
    expect(checks.at(-1)).toMatchObject({ format: 'nifti', options: { grid: 'resampled', bundle: true } });
    root.querySelector<HTMLInputElement>('input[value="nifti-image"]')!.click();
    await dialog.updateComplete;
    expect(checks.at(-1)).toMatchObject({ format: 'nifti', options: { grid: 'resampled', image: true } });
    root.querySelector<HTMLInputElement>('input[value="dicom-seg"]')!.click();
    await dialog.updateComplete;
    expect(resampled()).toBeNull();
    expect(checks.at(-1)!.format).toBe('dicom-seg');
    expect(checks.at(-1)!.options.grid).toBeUndefined();
  });
});
