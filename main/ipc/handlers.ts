// Every IPC channel main answers, each with its payload schema (STYLE 6, 8). One handler per
// channel in preload/channels.ts; main/ipc/handlers.test.ts checks that none is missing.
import { z } from 'zod';
import { CHANNELS } from '../../preload/channels.js';
import type { Notifier } from '../notifications.js';
import { openReport, pickFile, saveReport, type DialogLike, type ShellLike } from '../reports.js';
import { isTrustedExternalUrl } from '../trusted-url.js';
import { handle, IpcFailure, type IpcMainLike } from './register.js';

const text = (max: number) => z.string().min(1).max(max);

export const PAYLOADS = {
  [CHANNELS.appVersion]: z.undefined(),
  [CHANNELS.openReport]: z.object({ url: z.string().max(2048), fileName: text(255) }).strict(),
  [CHANNELS.saveReport]: z
    .object({ suggestedName: text(255), data: z.instanceof(Uint8Array).refine((d) => d.byteLength <= 200 * 1024 * 1024, 'larger than 200 MB') })
    .strict(),
  [CHANNELS.openFile]: z
    .object({ filters: z.array(z.object({ name: text(100), extensions: z.array(z.string().regex(/^[a-z0-9]{1,10}$/i)).min(1).max(20) }).strict()).max(10) })
    .strict(),
  [CHANNELS.notify]: z.object({ title: text(200), body: z.string().max(1000) }).strict(),
  [CHANNELS.notifyAlert]: z
    .object({ kind: z.enum(['sla_breach', 'telemetry_alert']), title: text(200), body: z.string().max(1000), key: text(200) })
    .strict(),
  [CHANNELS.openExternal]: z.object({ url: z.string().max(2048) }).strict(),
} as const;

export interface HandlerDeps {
  ipcMain: IpcMainLike;
  consoleOrigin: () => string | null;
  appVersion: string;
  /** Dialogs are parented to the console window by the caller. */
  dialog: DialogLike;
  shell: ShellLike;
  notifier: Notifier;
  reportsDir: () => string;
  /** Where the save dialog starts (Documents or Downloads). */
  saveDir: () => string;
  log?: (line: string) => void;
}

export function registerIpcHandlers(deps: HandlerDeps): () => void {
  const h = <C extends keyof typeof PAYLOADS, T>(channel: C, handler: (payload: z.infer<(typeof PAYLOADS)[C]>) => Promise<T> | T) =>
    // The schema indexed by a generic key widens to the union of all schemas; the payload type above is exact.
    handle(deps.ipcMain, channel, PAYLOADS[channel], deps.consoleOrigin, handler as (payload: unknown) => Promise<T> | T, {
      ...(deps.log ? { log: deps.log } : {}),
    });

  h(CHANNELS.appVersion, () => deps.appVersion);
  h(CHANNELS.openReport, ({ fileName }) => openReport(deps.shell, deps.reportsDir(), fileName));
  h(CHANNELS.saveReport, ({ suggestedName, data }) => saveReport(deps.dialog, deps.saveDir(), suggestedName, data));
  h(CHANNELS.openFile, ({ filters }) => pickFile(deps.dialog, filters));
  h(CHANNELS.notify, ({ title, body }) => {
    deps.notifier.notify(title, body);
  });
  h(CHANNELS.notifyAlert, (alert) => {
    deps.notifier.alert(alert);
  });
  h(CHANNELS.openExternal, async ({ url }) => {
    if (!isTrustedExternalUrl(url)) throw new IpcFailure('untrusted_url', 'That link is not on the list of sites DepotDesk opens.');
    await deps.shell.openExternal(url);
  });
  return () => {
    for (const channel of Object.values(CHANNELS)) deps.ipcMain.removeHandler(channel);
  };
}
