// Every IPC channel main answers, each with its payload schema (STYLE 6, 8). One handler per
// channel in preload/channels.ts; main/ipc/handlers.test.ts checks that none is missing.
import { z } from 'zod';
import { CHANNELS } from '../../preload/channels.js';
import type { Notifier } from '../notifications.js';
import { saveReport, type DialogLike } from '../reports.js';
import { handle, type IpcMainLike } from './register.js';

const text = (max: number) => z.string().min(1).max(max);

export const PAYLOADS = {
  [CHANNELS.saveReport]: z
    .object({
      suggestedName: text(255),
      data: z.instanceof(Uint8Array).refine((d) => d.byteLength <= 200 * 1024 * 1024, 'larger than 200 MB'),
    })
    .strict(),
  [CHANNELS.notifyAlert]: z
    .object({ kind: z.enum(['sla_breach', 'telemetry_alert']), title: text(200), body: z.string().max(1000), key: text(200) })
    .strict(),
} as const;

export interface HandlerDeps {
  ipcMain: IpcMainLike;
  consoleOrigin: () => string | null;
  /** Dialogs are parented to the console window by the caller. */
  dialog: DialogLike;
  notifier: Notifier;
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

  h(CHANNELS.saveReport, ({ suggestedName, data }) => saveReport(deps.dialog, deps.saveDir(), suggestedName, data));
  h(CHANNELS.notifyAlert, (alert) => {
    deps.notifier.alert(alert);
  });
  return () => {
    for (const channel of Object.values(CHANNELS)) deps.ipcMain.removeHandler(channel);
  };
}
