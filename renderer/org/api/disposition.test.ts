import { describe, expect, it } from 'vitest';
import { fileNameFromDisposition } from './disposition';

describe('the file name of a download', () => {
  it('when the hub names the file plainly, then that name is used', () => {
    expect(fileNameFromDisposition('attachment; filename="kpi-north-2026-05.pdf"')).toBe('kpi-north-2026-05.pdf');
    expect(fileNameFromDisposition('attachment; filename=workbook.xlsx')).toBe('workbook.xlsx');
  });

  it('when it also gives a UTF-8 name, then the UTF-8 name wins', () => {
    expect(fileNameFromDisposition(`attachment; filename="Depot_A.pdf"; filename*=UTF-8''D%C3%A9p%C3%B4t%20A.pdf`)).toBe('Dépôt A.pdf');
  });

  it('when a name holds a path, then only its last part is kept', () => {
    expect(fileNameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(fileNameFromDisposition(`attachment; filename*=UTF-8''..%2F..%2Fx.pdf`)).toBe('x.pdf');
  });

  it('when there is no header, no name, or a malformed UTF-8 name, then null or the plain name comes back', () => {
    expect(fileNameFromDisposition(null)).toBeNull();
    expect(fileNameFromDisposition('inline')).toBeNull();
    expect(fileNameFromDisposition(`attachment; filename="kpi.pdf"; filename*=UTF-8''%E0%A4%A.pdf`)).toBe('kpi.pdf');
  });
});
