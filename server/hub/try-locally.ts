import { randomBytes } from 'node:crypto';
import { createOrg } from './accounts/service.js';
import { createAppLogin } from './db/app-login.js';
import { migrateHub } from './db/migrate.js';
import { createHubPool } from './db/pool.js';
import { issueEnrolmentCode } from './enrolment/service.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { startHub } from './serve.js';
import type { HubFeature } from './http/route.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LocalHub {
  url: string;
  clusterDir: string;
  admin: { email: string; password: string };
  /** One-use enrolment codes, valid 24 h: one per depot. */
  codes: string[];
  /** Stops the hub and deletes the cluster. */
  stop(): Promise<void>;
}

/**
 * A hub for trying sync on one machine: a throwaway cluster (removed on stop), one org with a hub
 * admin and `codes` enrolment codes, so depots can join without anyone calling the hub's API by hand.
 * Used by `npm run hub -- --local-cluster` and `npm run demo:sync`.
 */
export async function startLocalHub(opts: { port: number; codes: number; features?: HubFeature[] }): Promise<LocalHub> {
  const cluster: LocalCluster = await startLocalCluster();
  // However the process ends, the cluster's postgres must not outlive it.
  const onExit = () => cluster.stop();
  process.once('exit', onExit);
  try {
    await migrateHub(cluster.url);
    const pool = createHubPool(cluster.url, { max: 1 });
    const admin = { email: 'admin@hub.example', password: randomBytes(9).toString('base64url') };
    const codes: string[] = [];
    try {
      const made = await createOrg(pool, Date.now(), {
        name: 'Demo organization',
        adminEmail: admin.email,
        adminName: 'Hub admin',
        adminPassword: admin.password,
      });
      for (let i = 0; i < opts.codes; i++) {
        codes.push((await issueEnrolmentCode(pool, { orgId: made.orgId, accountId: made.accountId }, Date.now(), DAY_MS)).code);
      }
    } finally {
      await pool.end();
    }
    const appDatabaseUrl = await createAppLogin(cluster.url);
    const hub = await startHub({
      databaseUrl: cluster.url,
      appDatabaseUrl,
      port: opts.port,
      host: '127.0.0.1',
      ...(opts.features ? { features: opts.features } : {}),
    });
    return {
      url: hub.url,
      clusterDir: cluster.dir,
      admin,
      codes,
      async stop() {
        await hub.stop().catch(() => undefined);
        cluster.stop();
        process.off('exit', onExit);
      },
    };
  } catch (err) {
    cluster.stop();
    process.off('exit', onExit);
    throw err;
  }
}

/** `npm run hub -- --local-cluster [--port P]`: prints what a newcomer needs and serves until Ctrl+C. */
export async function tryLocally(portOption: string | undefined, features?: HubFeature[]): Promise<void> {
  const port = portOption === undefined ? 4500 : Number(portOption);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${portOption}".`);
  const hub = await startLocalHub({ port, codes: 2, ...(features ? { features } : {}) });
  console.error(
    [
      `DepotDesk hub listening on ${hub.url} (a throwaway PostgreSQL cluster in ${hub.clusterDir}, deleted on Ctrl+C)`,
      `  hub admin: ${hub.admin.email} / ${hub.admin.password}   API: ${hub.url}/hub/v1/openapi.json`,
      `  managers' view: ${hub.url}/ (sign in as the hub admin)`,
      `  enrolment codes (one depot each, valid 24 h): ${hub.codes.join('  ')}`,
      `  In a depot's console: Settings → Sync → hub address ${hub.url} and one code.`,
    ].join('\n'),
  );
  const stop = () => void hub.stop().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
