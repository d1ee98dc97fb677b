import os from 'node:os';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { writeProblem } from './raw-problem.js';

/**
 * DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1 and then talk to
 * the desk port as "same origin", with Host: evil.example. Checking Host (and Origin on WebSocket
 * handshakes, which browsers never subject to CORS) against the names this port really answers to
 * closes that door; scripts and the desktop window use loopback names anyway.
 */

/** The host name of a Host header or URL authority: port and IPv6 brackets removed, lower case. */
export function hostnameOf(authority: string | undefined): string | null {
  if (!authority) return null;
  const lower = authority.trim().toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end > 1 ? lower.slice(1, end) : null;
  }
  const name = lower.split(':', 1)[0]!;
  return name.length > 0 ? name : null;
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Names the desk port accepts: loopback always; when the dispatcher chose to bind it elsewhere
 * (--host), that address too, and for a wildcard bind this machine's own addresses and name.
 */
export function deskHostNames(bind: string): Set<string> {
  const names = new Set<string>();
  const bound = hostnameOf(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
  if (bound === '0.0.0.0' || bound === '::') {
    for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) names.add(i.address.toLowerCase());
    names.add(os.hostname().toLowerCase());
  } else if (bound) {
    names.add(bound);
  }
  return names;
}

export function deskHostAllowed(extra: Set<string>): (host: string | undefined) => boolean {
  return (host) => {
    const name = hostnameOf(host);
    return name !== null && (isLoopbackName(name) || extra.has(name));
  };
}

/** A browser Origin for the desk port: http(s) on a name the port accepts, any port (a dev server). */
export function deskOriginAllowed(allowHost: (host: string | undefined) => boolean): (origin: string) => boolean {
  return (origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    return (url.protocol === 'http:' || url.protocol === 'https:') && allowHost(url.host);
  };
}

/** Wraps a request listener so requests naming another host never reach it. */
export function guardHost(allowHost: (host: string | undefined) => boolean, next: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!allowHost(req.headers.host)) {
      const detail = `This port answers only to this machine's own names (e.g. 127.0.0.1 or localhost), not to ${JSON.stringify(req.headers.host ?? '')}.`;
      return writeProblem(res, 421, 'host_not_allowed', detail, { Connection: 'close' });
    }
    next(req, res);
  };
}
