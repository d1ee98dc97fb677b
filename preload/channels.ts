// IPC channel names shared by preload/ and main/ (STYLE 6): `area:verb-noun`, one per capability.
// Constants only, no imports: the sandboxed preload bundles this file, and main/ registers a handler
// for each name (main/ipc/handlers.ts), so a channel cannot exist on one side only. Only what the
// console calls is here (issue 12: unused channels were removed; add one with its first caller).
export const CHANNELS = {
  saveReport: 'report:save-file',
  notifyAlert: 'notify:show-alert',
} as const;

export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];

/** What every handler answers: never a thrown error across the process boundary. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
