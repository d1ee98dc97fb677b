import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Host } from '../core/context.js';
import { AppError } from '../errors.js';
import { setupNeeded } from './service.js';

/**
 * First-run setup makes its caller the depot's admin, so it must be the dispatcher at the desk and
 * nobody else: not a phone on the depot Wi-Fi (the crew port refuses these paths, and the caller
 * must be on loopback) and not another program on the desk racing the dispatcher (it needs this
 * code, which the host prints at start and the desktop app puts in its own window's URL fragment,
 * the way a notebook server hands its token to the browser it opens).
 *
 * The code lives only in this process's memory: a restart before setup makes a new one, and it
 * dies with the first successful setup. Kept private to this module rather than on the services
 * object (server/services.ts): it is a secret only this file checks, tied to database state
 * (setupNeeded), and no route reads it except through assertSetupFromDesk here.
 */
const codes = new WeakMap<Host, string>();

/** The current one-time setup code, made on first call; null once the depot is set up. */
export function setupCodeFor(host: Host): string | null {
  if (!setupNeeded(host)) {
    codes.delete(host);
    return null;
  }
  let code = codes.get(host);
  if (!code) {
    // 144 bits: guessing is hopeless even without the login rate limits.
    code = randomBytes(18).toString('base64url');
    codes.set(host, code);
  }
  return code;
}

export function retireSetupCode(host: Host): void {
  codes.delete(host);
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

const notFromDesk =
  'Setup is only possible at the depot desk: open the console address the host printed when it started (it carries a one-time setup code), or paste that code into the setup form.';

/** Refuses a setup request that is not from this machine or does not carry the current code. */
export function assertSetupFromDesk(host: Host, req: Request, given: string | undefined): void {
  if (!isLoopback(req.socket.remoteAddress)) throw new AppError(403, 'setup_only_at_desk', notFromDesk);
  const expected = setupCodeFor(host);
  // Already set up: let the service answer its usual 409 rather than hint at a code.
  if (expected === null) return;
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError(403, 'setup_code_required', notFromDesk);
}
