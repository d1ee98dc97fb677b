// The desktop half of renderer/platform/types.ts: one function per capability, each a single
// `invoke` on its own constant channel (STYLE 3). The IPC object is passed in, so tests hand in a fake.
import type { DesktopPlatform } from '../renderer/platform/types.js';
import { CHANNELS, type IpcResult } from './channels.js';

/** The one part of Electron's ipcRenderer used here. */
export interface InvokeLike {
  invoke(channel: string, payload?: unknown): Promise<unknown>;
}

/** Unwraps main's `{ ok, value } | { ok: false, error }`; a refusal becomes a rejected promise. */
async function call<T>(ipc: InvokeLike, channel: string, payload?: unknown): Promise<T> {
  const result = (await ipc.invoke(channel, payload)) as IpcResult<T>;
  if (result && result.ok === true) return result.value;
  const error = result && result.ok === false ? result.error : { code: 'bad_reply', message: `No valid reply on ${channel}` };
  // contextBridge copies only an Error's message into the page, so the code rides in it.
  throw new Error(`${error.message} [${error.code}]`);
}

export function desktopPlatform(ipc: InvokeLike): DesktopPlatform {
  return {
    kind: 'desktop',
    saveReport: (suggestedName, data) => call(ipc, CHANNELS.saveReport, { suggestedName, data }),
    notifyAlert: (alert) => call(ipc, CHANNELS.notifyAlert, alert),
  } satisfies DesktopPlatform;
}
