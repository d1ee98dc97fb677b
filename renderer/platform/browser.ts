import type { DesktopPlatform } from './types';

/** The same capabilities in a plain browser (and the crew view), doing what the page always did. */
export const browserPlatform: DesktopPlatform = {
  kind: 'browser',
  saveReport: async (suggestedName, data) => {
    const href = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>]));
    const a = document.createElement('a');
    a.href = href;
    a.download = suggestedName;
    a.click();
    // Revoked later, not at once: the download may still be reading it.
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
    return suggestedName;
  },
  // A browser tab raises no OS alerts: the board's breached count and the telemetry view show them.
  notifyAlert: async () => undefined,
};
