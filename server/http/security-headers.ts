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

export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
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
    }),
    (req, res, next) => {
      if ((req.socket as TLSSocket).encrypted) strictTransport(res);
      next();
    },
  ];
}

/** One year; phones that trusted the depot CA will not be talked down to plain HTTP afterwards. */
function strictTransport(res: ServerResponse): void {
  res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}
