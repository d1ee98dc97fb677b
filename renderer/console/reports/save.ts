import type { DesktopPlatform } from '../../platform/types';

/**
 * Hands an export the console fetched (through the authenticated client: a plain link cannot carry
 * the token) to the platform: the native save dialog in the desktop app, a download in a browser.
 * Resolves to where it was saved, or null when the user cancelled the dialog. Dependencies are
 * passed in so a test can hand in a fake platform.
 */
export async function saveExport(
  platform: Pick<DesktopPlatform, 'saveReport'>,
  file: Promise<Blob>,
  fileName: string,
): Promise<string | null> {
  const blob = await file;
  return platform.saveReport(fileName, new Uint8Array(await blob.arrayBuffer()));
}

/**
 * saveExport with the console's platform, loaded on first use: the desktop/browser choice is only
 * needed when the user saves, so it stays out of the console's first download.
 */
export async function saveWithPlatform(file: Promise<Blob>, fileName: string): Promise<string | null> {
  const { platform } = await import('../../platform/desktop');
  return saveExport(platform, file, fileName);
}
