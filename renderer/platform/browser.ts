import type { DesktopPlatform } from './types';

export const browserPlatform: DesktopPlatform = {
  kind: 'browser',
  appVersion: async () => 'browser',
  openReport: async (url) => {
    window.open(url, '_blank', 'noopener');
  },
  notify: async (title, body) => {
    if (!('Notification' in window)) return;
    if (Notification.permission === 'default') await Notification.requestPermission();
    if (Notification.permission === 'granted') new Notification(title, { body });
  },
};

/** The preload's implementation when running in the desktop shell, else the browser's. */
export const platform: DesktopPlatform = window.depotdesk ?? browserPlatform;
