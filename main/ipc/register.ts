// One way to answer IPC (STYLE 6): check who is asking, parse what they sent, never throw across the
// boundary. Modelled on Signal's app/sql_channel.main.ts; written against a narrow ipcMain so tests
// hand in a fake.
import type { z } from 'zod';
import type { IpcResult } from '../../preload/channels.js';
import { isConsoleDocumentUrl, urlForLog } from '../trusted-url.js';

export interface SenderFrame {
  url: string;
  /** null for a window's top-level frame. */
  parent: unknown;
}

export interface InvokeEvent {
  senderFrame: SenderFrame | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, payload: unknown) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

/** A refusal a handler means to send (bad path, cancelled, not allowed), as opposed to a bug. */
export class IpcFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Only the console's own top-level frame may call: not an iframe, not a frame that is already gone,
 * and not another page of the host's origin. The API docs (/api/docs), share pages (/s/…) and the
 * crew view (/crew/) are served from the same origin as the console, so an origin check would trust
 * them; the console is the document at "/" (any query or fragment: it routes by fragment).
 * A same-origin page could rewrite its own path with history.replaceState, so this check is the
 * second fence: the first is that the window never navigates to any other page (security.ts
 * guardNavigation, attached in windows.ts), and a subframe never gets the preload at all.
 */
export function isTrustedSender(frame: SenderFrame | null, consoleOrigin: string | null): boolean {
  if (!frame || consoleOrigin === null) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isConsoleDocumentUrl(frame.url, consoleOrigin);
}

export interface HandlerContext {
  log?: (line: string) => void;
}

/** Registers `handler` on `channel` behind the sender check and the payload schema. */
export function handle<S extends z.ZodType, T>(
  ipcMain: IpcMainLike,
  channel: string,
  schema: S,
  consoleOrigin: () => string | null,
  handler: (payload: z.infer<S>) => Promise<T> | T,
  ctx: HandlerContext = {},
): void {
  ipcMain.handle(channel, async (event, payload): Promise<IpcResult<T>> => {
    if (!isTrustedSender(event.senderFrame, consoleOrigin())) {
      ctx.log?.(`refused ${channel} from ${event.senderFrame ? urlForLog(event.senderFrame.url) : 'a destroyed frame'}`);
      return { ok: false, error: { code: 'untrusted_sender', message: 'This request did not come from the DepotDesk console.' } };
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return {
        ok: false,
        error: { code: 'invalid_payload', message: `Invalid request on ${channel}: ${where}${issue?.message ?? 'invalid'}` },
      };
    }
    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      if (err instanceof IpcFailure) return { ok: false, error: { code: err.code, message: err.message } };
      ctx.log?.(`${channel} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { ok: false, error: { code: 'internal', message: `The desktop shell could not do that (${channel}).` } };
    }
  });
}
