import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE } from '../../host.js';
import { FaultProxy } from '../testing/fault-proxy.js';
import { HubDb } from '../testing/hub-db.js';
import { DepotProcess, HubProcess, killAll, type HubOrg } from '../testing/processes.js';

/**
 * An organization for the convergence fuzz: the hub on a PostgreSQL database and three depot hosts,
 * every one a real process, each depot reaching the hub through its own fault proxy. Depot B's clock
 * runs behind and depot C's ahead (libfaketime, when installed), so merges by hybrid clock meet
 * skewed writers on both sides.
 */

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
export const SKEW_HOURS = { B: -1, C: 2 } as const;
const faked = (hours: number): Record<string, string> => ({
  LD_PRELOAD: FAKETIME_LIB,
  FAKETIME: `${hours > 0 ? '+' : ''}${hours}h`,
  FAKETIME_DONT_FAKE_MONOTONIC: '1',
});

export interface FuzzDepot {
  name: string;
  proc: DepotProcess;
  proxy: FaultProxy;
  dbFile: string;
}

export interface FuzzOrg {
  hub: HubProcess;
  hubDb: HubDb;
  org: HubOrg;
  depots: FuzzDepot[];
  /** The clock skew in force, or why there is none. */
  skew: string;
  close(): Promise<void>;
}

export async function startFuzzOrg(databaseUrl: string, seed: number): Promise<FuzzOrg> {
  const skewed = fs.existsSync(FAKETIME_LIB);
  const hubReady = (async () => {
    const hub = await HubProcess.start(databaseUrl);
    return { hub, org: await hub.createOrg('Fuzz Utilities') };
  })();
  const [a, b, c, { hub, org }] = await Promise.all([
    DepotProcess.start({ label: 'A' }),
    DepotProcess.start({ label: 'B', env: skewed ? faked(SKEW_HOURS.B) : {} }),
    DepotProcess.start({ label: 'C', env: skewed ? faked(SKEW_HOURS.C) : {} }),
    hubReady,
  ]);
  const hubDb = await HubDb.connect(databaseUrl);
  // Each proxy draws its faults from its own stream of the run's seed.
  const proxies = await Promise.all([0, 1, 2].map((i) => new FaultProxy(hub.url, (seed * 3 + i) >>> 0).start()));
  await a.setup({ name: 'Depot A', code: 'A' });
  const enrol = await a.enrol(proxies[0]!.url, await hub.enrolmentCode(org));
  if (enrol.status !== 200) throw new Error(`enrol A: ${enrol.status} ${JSON.stringify(enrol.body)}`);
  await a.syncUntilClean(60_000);
  for (const [d, i, name] of [
    [b, 1, 'B'],
    [c, 2, 'C'],
  ] as const) {
    await d.setup({ name: `Depot ${name}`, code: name, join: { hubUrl: proxies[i]!.url, code: await hub.enrolmentCode(org) } });
    await d.syncUntilClean(60_000);
  }
  const depots = [a, b, c].map((proc, i): FuzzDepot => ({
    name: proc.label,
    proc,
    proxy: proxies[i]!,
    dbFile: path.join(proc.dataDir, DB_FILE),
  }));
  return {
    hub,
    hubDb,
    org,
    depots,
    skew: skewed ? `depot B ${SKEW_HOURS.B} h, depot C +${SKEW_HOURS.C} h (libfaketime)` : `none: ${FAKETIME_LIB} is missing`,
    async close() {
      await killAll();
      await Promise.all(proxies.map((p) => p.stop()));
      await hubDb.close();
    },
  };
}
