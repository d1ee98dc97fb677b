import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { answerClientError } from '../http/client-error.js';
import { buildHubApp, HUB_FEATURES } from './app.js';
import { migrateHub } from './db/migrate.js';
import { checkAppLogin } from './db/app-login.js';
import { createHubPool } from './db/pool.js';
import { DEFAULT_HUB_CONFIG, type HubConfig, type HubDeps } from './deps.js';
import type { HubFeature } from './http/route.js';

export interface StartHubOptions {
  /** The owner's URL: migrations run through it. */
  databaseUrl: string;
  /**
   * The login requests are served through (db/app-login.ts: owns nothing, may only SET ROLE to the
   * app role). Without it the hub serves through the owner's URL, switching role per transaction,
   * and says so in its log: tenancy then rests on the app never being made to RESET ROLE.
   */
  appDatabaseUrl?: string;
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
 * Migrates the database (as the owner), then serves through the app login (or the owner's URL) as
 * depotdesk_hub_app: every transaction switches role and org (db/pool.ts). Port 0 picks a free port.
 */
export async function startHub(opts: StartHubOptions): Promise<RunningHub> {
  const log = opts.log ?? pino({ level: 'info' });
  await migrateHub(opts.databaseUrl);
  const pool = createHubPool(opts.appDatabaseUrl ?? opts.databaseUrl, { max: opts.poolSize ?? 10 });
  if (opts.appDatabaseUrl) {
    await checkAppLogin(pool).catch(async (err: unknown) => {
      await pool.end();
      throw err;
    });
  } else {
    log.warn(
      "serving through the database owner's connection (SET ROLE per transaction); make a login that owns nothing with `npm run hub -- create-login` and pass it as --app-database-url",
    );
  }
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
