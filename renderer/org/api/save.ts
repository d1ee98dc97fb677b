import type { HubFile } from './client';

/**
 * Hands a fetched file to the browser as a download: an object URL on a temporary link. The URL is
 * revoked on the next task, after the click has started the download (revoking at once can cancel
 * it in some browsers).
 */
export function saveFile({ blob, fileName }: HubFile): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
