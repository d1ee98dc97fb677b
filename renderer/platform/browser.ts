import type { DesktopAlert, DesktopPlatform, FileFilter, PickedFile } from './types';

// Alerts already shown, by key → time, so a socket reconnect does not repeat them (as on desktop).
const recentAlerts = new Map<string, number>();
const ALERT_REPEAT_MS = 60_000;

async function showNotification(title: string, body: string, opts: { requireInteraction?: boolean; tag?: string } = {}): Promise<void> {
  if (!('Notification' in window)) return;
  if (Notification.permission === 'default') await Notification.requestPermission();
  if (Notification.permission !== 'granted') return;
  const n = new Notification(title, { body, ...opts });
  n.onclick = () => window.focus();
}

/** The same capabilities in a plain browser (and the crew view): downloads, file input, web notifications. */
export const browserPlatform: DesktopPlatform = {
  kind: 'browser',
  appVersion: async () => 'browser',
  openReport: async (url) => {
    window.open(url, '_blank', 'noopener');
  },
  saveReport: async (suggestedName, data) => {
    const href = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>]));
    const a = document.createElement('a');
    a.href = href;
    a.download = suggestedName;
    a.click();
    // Revoked on the next turn: the click has started the download by then.
    setTimeout(() => URL.revokeObjectURL(href), 0);
    return suggestedName;
  },
  openFile: (filters: FileFilter[]) =>
    new Promise<PickedFile | null>((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = filters.flatMap((f) => f.extensions.map((e) => `.${e}`)).join(',');
      input.onchange = async () => {
        const file = input.files?.[0];
        resolve(file ? { name: file.name, data: new Uint8Array(await file.arrayBuffer()) } : null);
      };
      input.oncancel = () => resolve(null);
      input.click();
    }),
  notify: (title, body) => showNotification(title, body),
  notifyAlert: async (alert: DesktopAlert) => {
    const now = Date.now();
    const last = recentAlerts.get(alert.key);
    if (last !== undefined && now - last < ALERT_REPEAT_MS) return;
    recentAlerts.set(alert.key, now);
    await showNotification(alert.title, alert.body, { requireInteraction: true, tag: alert.key });
  },
  openExternal: async (url) => {
    // Browsers already isolate a new tab; only web links are passed on.
    if (/^https?:\/\//i.test(url)) window.open(url, '_blank', 'noopener,noreferrer');
  },
};
