import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { CELL_TEXT_MAX, columnName, sheetPart, XlsxWriter } from './xlsx.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-xlsx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function readBack(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

describe('streaming xlsx writer', () => {
  it('when column numbers are named, then they follow Excel (Z, AA, AZ, BA, ZZ, AAA)', () => {
    expect([1, 26, 27, 52, 53, 702, 703].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('when awkward values are written, then exceljs reads back each cell as it was (escaped, cleaned, cut, typed)', async () => {
    const file = path.join(dir, 'awkward.xlsx');
    const wb = XlsxWriter.open(file, { creator: 'DepotDesk', created: new Date('2026-11-20T12:00:00Z') });
    const ws = await wb.sheet('Tricky & <odd> "sheet"', [
      { header: 'Text', width: 20 },
      { header: 'When', width: 18, style: 'date' },
      { header: 'Share', width: 8, style: 'pct' },
      { header: 'N', width: 8 },
    ]);
    const long = 'x'.repeat(CELL_TEXT_MAX + 5_000);
    await ws.row(['=HYPERLINK("http://evil") & <b>bold</b> "quoted"', Date.UTC(2026, 10, 20, 13, 45), 0.375, 42]);
    await ws.row(['  leading and trailing  ', null, null, -1.5]);
    await ws.row(['bell\u0007 and lone \ud800 surrogate, emoji 🚒 kept, line\nbreak', undefined, Number.NaN, 0]);
    await ws.row([long, Date.UTC(1999, 11, 31, 23, 59), 1, true]);
    // Enough rows to cross several 1 MB buffers.
    for (let i = 0; i < 20_000; i++) await ws.row([`row ${i} ${'é'.repeat(50)}`, Date.UTC(2026, 0, 1) + i * 60_000, i / 20_000, i]);
    await wb.close();

    const back = await readBack(file);
    const sheet = back.worksheets[0]!;
    expect(sheet.name).toBe('Tricky & <odd> "sheet"');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:D1');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(1).value).toBe('=HYPERLINK("http://evil") & <b>bold</b> "quoted"');
    expect((sheet.getRow(2).getCell(2).value as Date).toISOString()).toBe('2026-11-20T13:45:00.000Z');
    expect(sheet.getRow(2).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getRow(2).getCell(3).value).toBe(0.375);
    expect(sheet.getRow(2).getCell(3).numFmt).toBe('0.0%');
    expect(sheet.getRow(3).getCell(1).value).toBe('  leading and trailing  ');
    expect(sheet.getRow(3).getCell(2).value).toBeNull();
    expect(sheet.getRow(3).getCell(4).value).toBe(-1.5);
    expect(sheet.getRow(4).getCell(1).value).toBe('bell and lone  surrogate, emoji 🚒 kept, line\nbreak');
    expect(sheet.getRow(4).getCell(3).value).toBeNull();
    expect(sheet.getRow(5).getCell(1).value).toBe(`${'x'.repeat(CELL_TEXT_MAX)}…`);
    expect((sheet.getRow(5).getCell(2).value as Date).toISOString()).toBe('1999-12-31T23:59:00.000Z');
    expect(sheet.getRow(5).getCell(4).value).toBe(true);
    expect(sheet.rowCount).toBe(20_005);
    expect(sheet.getRow(20_005).getCell(1).value).toBe(`row 19999 ${'é'.repeat(50)}`);
    expect(sheet.getRow(20_005).getCell(4).value).toBe(19_999);
  });

  it('when a sheet is built as a part file elsewhere, then it is copied in where it was added, between the others', async () => {
    const file = path.join(dir, 'parts.xlsx');
    const partFile = path.join(dir, 'middle.part');
    const part = await sheetPart(partFile, [
      { header: 'Part', width: 10 },
      { header: 'N', width: 6 },
    ]);
    for (let i = 0; i < 5_000; i++) await part.sheet.row([`p${i}`, i]);
    const deflated = await part.done();

    const wb = XlsxWriter.open(file, { creator: 'DepotDesk', created: new Date('2026-11-20T12:00:00Z') });
    await (await wb.sheet('First', [{ header: 'A', width: 5 }])).row(['one']);
    await wb.endSheet();
    await wb.addSheetPart('Middle', 2, partFile, deflated);
    await (await wb.sheet('Last', [{ header: 'Z', width: 5 }])).row(['end']);
    await wb.close();

    const back = await readBack(file);
    expect(back.worksheets.map((w) => w.name)).toEqual(['First', 'Middle', 'Last']);
    const middle = back.getWorksheet('Middle')!;
    expect(middle.rowCount).toBe(5_001);
    expect(middle.getRow(5_001).values).toEqual([undefined, 'p4999', 4_999]);
    expect(middle.autoFilter).toBe('A1:B1');
    expect(back.getWorksheet('Last')!.getRow(2).getCell(1).value).toBe('end');
  });
});
