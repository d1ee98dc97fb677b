import { randomBytes } from 'node:crypto';
import { createOrg } from './accounts/service.js';
import { migrateHub } from './db/migrate.js';
import { createHubPool } from './db/pool.js';
import { issueEnrolmentCode } from './enrolment/service.js';
import { startLocalCluster } from './local-cluster.js';
import { startHub } from './serve.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `npm run hub -- --local-cluster`: a newcomer's hub on one machine. A throwaway cluster (removed on
 * stop), one org with a hub admin, and two one-use enrolment codes printed, so two depots can join
 * from their Sync page without anyone calling the hub's API by hand.
 */
export async function tryLocally(portOption: string | undefined): Promise<void> {
  const port = portOption === undefined ? 4500 : Number(portOption);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${portOption}".`);
  const cluster = await startLocalCluster();
  const stopCluster = () => cluster.stop();
  process.once('exit', stopCluster);
  const databaseUrl = cluster.url;
  await migrateHub(databaseUrl);
  const pool = createHubPool(databaseUrl, { max: 1 });
  const adminEmail = 'admin@hub.example';
  const adminPassword = randomBytes(9).toString('base64url');
  const codes: string[] = [];
  try {
    const made = await createOrg(pool, Date.now(), { name: 'Demo organization', adminEmail, adminName: 'Hub admin', adminPassword });
    for (let i = 0; i < 2; i++) {
      codes.push((await issueEnrolmentCode(pool, { orgId: made.orgId, accountId: made.accountId }, Date.now(), DAY_MS)).code);
    }
  } finally {
    await pool.end();
  }
  const hub = await startHub({ databaseUrl, port, host: '127.0.0.1' });
  console.error(
    [
      `DepotDesk hub listening on ${hub.url} (a throwaway PostgreSQL cluster in ${cluster.dir}, deleted on Ctrl+C)`,
      `  hub admin: ${adminEmail} / ${adminPassword}   API: ${hub.url}/hub/v1/openapi.json`,
      `  enrolment codes (one depot each, valid 24 h): ${codes.join('  ')}`,
      `  In a depot's console: Settings → Sync → hub address ${hub.url} and one code.`,
    ].join('\n'),
  );
  const stop = () =>
    void hub
      .stop()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
