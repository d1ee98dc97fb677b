// IPC channel names shared by preload/ and main/ (STYLE 6): `area:verb-noun`, one per capability.
// Constants only, no imports: the sandboxed preload bundles this file, and main/ registers a handler
// for each name (main/ipc/handlers.ts), so a channel cannot exist on one side only.
export const CHANNELS = {
  appVersion: 'app:get-version',
  openReport: 'report:open-file',
  saveReport: 'report:save-file',
  openFile: 'file:open-dialog',
  notify: 'notify:show-message',
  notifyAlert: 'notify:show-alert',
  openExternal: 'shell:open-external',
} as const;

export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];

/** What every handler answers: never a thrown error across the process boundary. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
