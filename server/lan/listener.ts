import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Host } from '../core/context.js';
import { attachRealtime } from '../realtime/hub.js';
import { answerClientError } from '../http/client-error.js';
import type { DepotTls } from './certificate.js';
import { hostnameOf } from '../http/host-guard.js';
import { writeProblem } from '../http/raw-problem.js';

/**
 * What the crew port serves. The console, /metrics and anything not listed stay on the loopback
 * port, so a phone (or anyone else on the depot Wi-Fi) reaches only the crew view, the API (which
 * has its own sign-in and permissions), the realtime hub and the static files the crew view loads.
 */
const LAN_PREFIXES = ['/crew', '/api', '/ws', '/assets', '/resources'];
const LAN_EXACT = new Set(['/healthz', '/favicon.ico']);
/** The depot CA for phones to install; first visit clicks through one warning, then checks the fingerprint. */
export const CA_DOWNLOAD_PATH = '/crew/depot-ca.crt';

/**
 * The path the gate judges, read the way Express's router reads it (the raw path before "?", not a
 * WHATWG-normalised URL), or null for a request target to refuse outright. `new URL('//', base)`
 * throws (it was a one-request crash of the whole host from anyone on the Wi-Fi), and resolving dot
 * segments or "//host/…" would judge a different path from the one Express then routes. Browsers
 * never send these forms, so refusing them costs a phone nothing.
 */
export function lanPathname(target: string | undefined): string | null {
  const raw = (target ?? '/').split('?', 1)[0]!;
  // Origin-form only: absolute-form (proxy requests), "//x" and backslashes are out.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null; // malformed %-escape
  }
  if (decoded.includes('\\') || decoded.includes('\0') || decoded.split('/').some((seg) => seg === '..' || seg === '.')) return null;
  return raw;
}

/** First-run setup makes its caller admin: only the desk may do it (server/auth/setup-code.ts). */
const DESK_ONLY_PREFIX = '/api/v1/setup';

export function servedOnLan(pathname: string): boolean {
  // Express routes case-insensitively, so the gate compares the same way.
  const lower = pathname.toLowerCase();
  if (lower === DESK_ONLY_PREFIX || lower.startsWith(`${DESK_ONLY_PREFIX}/`)) return false;
  if (LAN_EXACT.has(pathname)) return true;
  return LAN_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

export interface LanListener {
  port: number;
  /** https://<address>:<port> for every address in the certificate, LAN addresses first. */
  origins: string[];
  /** The crew view URL to print: the first LAN address, or 127.0.0.1 on a machine without one. */
  crewUrl: string;
  close(): Promise<void>;
}

/**
 * HTTPS on all interfaces for crews, serving the same Express app as the loopback port behind a gate
 * (path allowlist, same-origin only) and with its own attachment to the realtime hub for wss://.
 */
export async function startLanListener(opts: {
  app: Express;
  host: Host;
  tls: DepotTls;
  port: number;
  bind?: string;
}): Promise<LanListener> {
  // Filled in once the port is known (port 0 in tests); requests cannot arrive before that.
  const allowedOrigins = new Set<string>();
  const caDer = new X509Certificate(opts.tls.caCert).raw;

  // Only the names the certificate carries: a browser tricked by DNS rebinding would send another.
  const certNames = new Set([...opts.tls.names.ips, ...opts.tls.names.dns].map((n) => n.toLowerCase()));
  const allowHost = (hostHeader: string | undefined) => {
    const name = hostnameOf(hostHeader);
    return name !== null && certNames.has(name);
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (!allowHost(req.headers.host)) {
      return writeProblem(res, 421, 'host_not_allowed', 'The crew port answers only to the names in the depot certificate.');
    }
    const pathname = lanPathname(req.url);
    if (pathname === null) {
      return writeProblem(res, 400, 'bad_request_target', 'This request path is not accepted on the crew LAN port.');
    }
    if (!servedOnLan(pathname)) {
      return writeProblem(
        res,
        404,
        'not_on_lan',
        `${pathname} is not served on the crew LAN port. Crews open /crew/; the dispatch console runs on the depot desk itself.`,
      );
    }
    // No CORS at all: browsers send Origin on cross-origin requests and on same-origin writes, so
    // anything not from one of this listener's own origins is refused before it reaches a route.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return writeProblem(res, 403, 'cross_origin_refused', `Requests from ${origin} are not accepted on the crew LAN port.`);
    }
    if (pathname === CA_DOWNLOAD_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      // DER with this type is what Android's certificate installer and iOS profile install expect.
      res.writeHead(200, {
        'Content-Type': 'application/x-x509-ca-cert',
        'Content-Disposition': 'attachment; filename="depotdesk-ca.crt"',
        'Content-Length': caDer.length,
      });
      return res.end(req.method === 'HEAD' ? undefined : caDer);
    }
    opts.app(req, res);
  };

  const server = https.createServer({ key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' }, handler);
  server.on('clientError', answerClientError);
  // The hub parses req.url with `new URL`, which throws on "//" and crashed the host from one
  // handshake. Listeners share the request, so this one (first in line) gives a target the gate
  // refuses a path the hub answers 404 for. (The loopback port has the same parse: see hub.ts.)
  server.prependListener('upgrade', (req: IncomingMessage) => {
    if (lanPathname(req.url) === null) req.url = '/not-served-on-lan';
  });
  const realtime = attachRealtime(server, opts.host, { allowHost, allowOrigin: (origin) => allowedOrigins.has(origin) });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      realtime.close();
      reject(err);
    };
    server.once('error', fail);
    server.listen(opts.port, opts.bind ?? '0.0.0.0', () => {
      server.off('error', fail);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const lanFirst = [...opts.tls.names.ips.filter((ip) => ip !== '127.0.0.1'), '127.0.0.1', ...opts.tls.names.dns];
  const origins = lanFirst.map((name) => `https://${name}${port === 443 ? '' : `:${port}`}`);
  for (const o of origins) allowedOrigins.add(o);

  return {
    port,
    origins,
    crewUrl: `${origins[0]}/crew/`,
    async close() {
      realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
