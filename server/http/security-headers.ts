import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Browser security headers for everything the host serves (console, crew view, API docs, share
 * pages, API answers), through helmet rather than hand-written headers so new ones arrive with
 * upgrades. The policy matches what these pages really load, checked in the browser tests with no
 * violation logged (e2e/console/security-headers.e2e.test.ts); the desktop shell adds its own
 * (main/security.ts) and a browser enforces both.
 */

/** ws:// or wss:// for the origin this request came to: the live socket lives beside the page. */
function socketOrigin(req: IncomingMessage): string {
  const secure = Boolean((req.socket as TLSSocket).encrypted);
  // Host was checked against this port's own names before any route ran (http/host-guard.ts, lan/listener.ts).
  return `${secure ? 'wss' : 'ws'}://${req.headers.host ?? 'localhost'}`;
}

/** helmet's middleware for one request: sets the headers, then calls `next`. */
type Helmet = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

function policy(): Helmet {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // Vite's builds, Swagger UI and the share pages load scripts from files; nothing is inline or eval'd.
        scriptSrc: ["'self'"],
        // React, maplibre and frappe-gantt set style attributes; the share page has one <style>.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Map canvases, QR codes and photo previews use blob:/data: URLs.
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", (req: IncomingMessage) => socketOrigin(req)],
        // maplibre-gl's tile worker, and the crew view's service worker.
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameSrc: ["'self'"],
        // Nobody may frame the console or the crew view (clickjacking a dispatch or a sign-in).
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    // Set below, on the crew port only: HSTS on plain-HTTP loopback means nothing.
    strictTransportSecurity: false,
    // Attachments and share pages may open in a new tab from the console; no cross-origin needs.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

type HeaderList = [name: string, value: string | string[]][];

/** The headers helmet sets for a request to `req`'s origin, captured once (they depend on nothing else). */
function capture(helmetFor: Helmet, req: IncomingMessage): HeaderList {
  const headers: HeaderList = [];
  const res = {
    setHeader(name: string, value: string | string[]) {
      headers.push([name, value]);
      return res;
    },
    removeHeader() {},
    locals: {},
  };
  let failure: unknown = null;
  helmetFor(req, res as unknown as ServerResponse, (err?: unknown) => {
    failure = err ?? null;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  if ((req.socket as TLSSocket).encrypted) headers.push(STRICT_TRANSPORT);
  return headers;
}

/** Distinct origins seen are few (loopback names, the LAN address); the Host guard refuses the rest. */
const MAX_ORIGINS = 32;

/**
 * helmet decides the headers, but its dozen middlewares need not run for every request (about 1 % of
 * the host's CPU under the transition load, its own time in the profile): its output depends only on
 * the origin (the CSP's ws:// source), so it is computed once per origin and replayed.
 */
export function securityHeaders(): RequestHandler {
  const helmetFor = policy();
  const byOrigin = new Map<string, HeaderList>();
  return (req, res, next) => {
    const key = `${(req.socket as TLSSocket).encrypted ? 's' : ''}|${req.headers.host ?? ''}`;
    let headers = byOrigin.get(key);
    if (!headers) {
      if (byOrigin.size >= MAX_ORIGINS) byOrigin.clear();
      byOrigin.set(key, (headers = capture(helmetFor, req)));
    }
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/** One year, on the crew port's TLS only; phones that trusted the depot CA will not be talked down to plain HTTP afterwards. */
const STRICT_TRANSPORT: HeaderList[number] = ['Strict-Transport-Security', 'max-age=31536000'];
