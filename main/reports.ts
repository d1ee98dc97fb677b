// Reports on disk: the depot's reports folder (scheduled exports the host writes, userData/depot/
// reports) and the native save/open dialogs. "Open report" hands a file to the OS viewer only after
// checking that it really is inside the reports folder — symlinks and ".." included.
import fs from 'node:fs';
import path from 'node:path';
import { IpcFailure } from './ipc/register.js';

export interface DialogLike {
  showSaveDialog(options: {
    title?: string;
    defaultPath?: string;
    filters?: { name: string; extensions: string[] }[];
  }): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(options: {
    title?: string;
    defaultPath?: string;
    properties: 'openFile'[];
    filters?: { name: string; extensions: string[] }[];
  }): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface ShellLike {
  openPath(path: string): Promise<string>;
  openExternal(url: string): Promise<void>;
}

/** A file name safe on Windows, macOS and Linux: no folders, no reserved characters, not empty. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[<>:"|?*\u0000-\u001f]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'report';
}

/**
 * The real path of `fileName` inside `reportsDir`, or an IpcFailure. Refuses absolute paths, "..",
 * and symlinks that lead out of the folder (compared after realpath on both sides).
 */
export function resolveReportPath(reportsDir: string, fileName: string): string {
  if (typeof fileName !== 'string' || fileName.length === 0 || path.isAbsolute(fileName) || fileName.includes('\0')) {
    throw new IpcFailure('outside_reports', 'Only files in the depot reports folder can be opened.');
  }
  const candidate = path.resolve(reportsDir, fileName);
  let real: string;
  let realDir: string;
  try {
    realDir = fs.realpathSync(reportsDir);
    real = fs.realpathSync(candidate);
  } catch {
    throw new IpcFailure('not_found', `There is no report called ${path.basename(fileName)}.`);
  }
  if (!isInside(realDir, real)) throw new IpcFailure('outside_reports', 'Only files in the depot reports folder can be opened.');
  if (!fs.statSync(real).isFile()) throw new IpcFailure('not_found', `${path.basename(fileName)} is not a file.`);
  return real;
}

export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Hands a report to the OS viewer (PDF reader, spreadsheet). */
export async function openReport(shell: ShellLike, reportsDir: string, fileName: string): Promise<void> {
  const file = resolveReportPath(reportsDir, fileName);
  const problem = await shell.openPath(file);
  if (problem) throw new IpcFailure('open_failed', `The system could not open ${path.basename(file)}: ${problem}`);
}

/** File ▸ Open report…: a dialog in the reports folder; what is picked is checked like any other path. */
export async function pickAndOpenReport(dialog: DialogLike, shell: ShellLike, reportsDir: string): Promise<string | null> {
  fs.mkdirSync(reportsDir, { recursive: true });
  const picked = await dialog.showOpenDialog({
    title: 'Open report',
    defaultPath: reportsDir,
    properties: ['openFile'],
    filters: [{ name: 'Reports', extensions: ['pdf', 'xlsx', 'csv'] }],
  });
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return null;
  await openReport(shell, reportsDir, path.relative(reportsDir, file));
  return file;
}

/** Save dialog for bytes the console downloaded; null when cancelled. */
export async function saveReport(dialog: DialogLike, defaultDir: string, suggestedName: string, data: Uint8Array): Promise<string | null> {
  const name = safeFileName(suggestedName);
  const ext = path.extname(name).slice(1).toLowerCase();
  const result = await dialog.showSaveDialog({
    title: 'Save report',
    defaultPath: path.join(defaultDir, name),
    ...(ext ? { filters: [{ name: ext.toUpperCase(), extensions: [ext] }] } : {}),
  });
  if (result.canceled || !result.filePath) return null;
  await fs.promises.writeFile(result.filePath, data);
  return result.filePath;
}
