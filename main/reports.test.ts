import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickAndOpenReport, resolveReportPath, safeFileName } from './reports.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-reports-'));
const reports = path.join(tmp, 'reports');
fs.mkdirSync(path.join(reports, 'monthly'), { recursive: true });
fs.writeFileSync(path.join(reports, 'monthly', 'kpi.pdf'), 'x');
fs.writeFileSync(path.join(tmp, 'depot.sqlite'), 'secret');
fs.symlinkSync(path.join(tmp, 'depot.sqlite'), path.join(reports, 'innocent.pdf'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('report paths', () => {
  it('when a report sits in a subfolder of the reports folder, then it resolves', () => {
    expect(resolveReportPath(reports, 'monthly/kpi.pdf')).toBe(fs.realpathSync(path.join(reports, 'monthly', 'kpi.pdf')));
  });

  it('when a symlink inside the folder points outside it, then it is refused', () => {
    expect(() => resolveReportPath(reports, 'innocent.pdf')).toThrow(/reports folder/);
  });

  it('when the name climbs out, is absolute, is the folder itself or holds a NUL, then it is refused', () => {
    for (const name of ['../depot.sqlite', path.join(tmp, 'depot.sqlite'), '.', 'monthly', 'kpi.pdf\0.txt', '']) {
      expect(() => resolveReportPath(reports, name)).toThrow();
    }
  });

  it('when the user picks a file outside the reports folder in "Open report…", then it is not opened', async () => {
    const opened: string[] = [];
    const shell = { openPath: async (p: string) => (opened.push(p), ''), openExternal: async () => {} };
    const dialog = (file: string) => ({
      showSaveDialog: async () => ({ canceled: true }),
      showOpenDialog: async () => ({ canceled: false, filePaths: [file] }),
    });
    await expect(pickAndOpenReport(dialog(path.join(tmp, 'depot.sqlite')), shell, reports)).rejects.toThrow(/reports folder/);
    await expect(pickAndOpenReport(dialog(path.join(reports, 'monthly', 'kpi.pdf')), shell, reports)).resolves.toBeTruthy();
    expect(opened).toHaveLength(1);
  });

  it('when a suggested file name carries folders or reserved characters, then only a safe base name is kept', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Windows\\kpi<1>.pdf')).toBe('kpi_1_.pdf');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('...')).toBe('report');
  });
});
