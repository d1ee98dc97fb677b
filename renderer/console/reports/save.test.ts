import { describe, expect, it } from 'vitest';
import type { DesktopPlatform } from '../../platform/types';
import { saveExport } from './save';

function fakePlatform(answer: string | null) {
  const saved: { name: string; bytes: number[] }[] = [];
  const platform: Pick<DesktopPlatform, 'saveReport'> = {
    saveReport: async (name, data) => (saved.push({ name, bytes: [...data] }), answer),
  };
  return { platform, saved };
}

describe('saving an export', () => {
  it('when an export is downloaded, then its bytes and file name go to the platform (the desktop save dialog)', async () => {
    const { platform, saved } = fakePlatform('/home/dispatch/Documents/kpi-pdf-2026-11.pdf');
    const where = await saveExport(platform, Promise.resolve(new Blob(['%PDF-1.7'])), 'kpi-pdf-2026-11.pdf');
    expect(where).toBe('/home/dispatch/Documents/kpi-pdf-2026-11.pdf');
    expect(saved).toEqual([{ name: 'kpi-pdf-2026-11.pdf', bytes: [...new TextEncoder().encode('%PDF-1.7')] }]);
  });

  it('when the user cancels the save dialog, then null comes back and nothing else happens', async () => {
    const { platform, saved } = fakePlatform(null);
    expect(await saveExport(platform, Promise.resolve(new Blob(['x'])), 'workbook.xlsx')).toBeNull();
    expect(saved.map((s) => s.name)).toEqual(['workbook.xlsx']);
  });

  it('when the download fails, then the platform is not asked to save anything', async () => {
    const { platform, saved } = fakePlatform('/x');
    await expect(saveExport(platform, Promise.reject(new Error('HTTP 404')), 'kpi.pdf')).rejects.toThrow('HTTP 404');
    expect(saved).toEqual([]);
  });
});
