import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { answerClientError } from '../http/client-error.js';
import { buildHubApp, HUB_FEATURES } from './app.js';
import { migrateHub } from './db/migrate.js';
import { createHubPool } from './db/pool.js';
import { DEFAULT_HUB_CONFIG, type HubConfig, type HubDeps } from './deps.js';
import type { HubFeature } from './http/route.js';

export interface StartHubOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  config?: Partial<HubConfig>;
  now?: () => number;
  log?: Logger;
  features?: HubFeature[];
  poolSize?: number;
  /**
   * Serve HTTPS with this certificate chain and key (PEM). Depots send their credential on every
   * request, so a hub reached over the internet must have it; without it the hub serves plain HTTP
   * for a private network or behind a TLS-terminating proxy.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface RunningHub {
  url: string;
  port: number;
  deps: HubDeps;
  server: http.Server;
  stop(): Promise<void>;
}

/**
 * Migrates the database (as the URL's role, the owner), then serves as depotdesk_hub_app on the
 * same URL: every transaction switches role and org (db/pool.ts). Port 0 picks a free port (tests).
 */
export async function startHub(opts: StartHubOptions): Promise<RunningHub> {
  const log = opts.log ?? pino({ level: 'info' });
  await migrateHub(opts.databaseUrl);
  const pool = createHubPool(opts.databaseUrl, { max: opts.poolSize ?? 10 });
  const deps: HubDeps = {
    pool,
    now: opts.now ?? Date.now,
    config: { ...DEFAULT_HUB_CONFIG, ...opts.config },
    logError: (err, requestId) => log.error({ err, requestId }, 'unhandled error'),
  };
  const features = opts.features ?? HUB_FEATURES;
  const app = buildHubApp(deps, features);
  const server: http.Server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, app) : http.createServer(app);
  server.on('clientError', answerClientError);
  const detach = features.map((f) => f.attach?.(server, deps)).filter((d): d is () => void | Promise<void> => typeof d === 'function');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4500, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  let stopped: Promise<void> | null = null;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    deps,
    server,
    stop() {
      stopped ??= (async () => {
        for (const d of detach) await d();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await pool.end();
      })();
      return stopped;
    },
  };
}
