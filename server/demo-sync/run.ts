import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostCommand, startChild, type RunningChild } from '../child-host/spawn.js';
import { startLocalHub, type LocalHub } from '../hub/try-locally.js';
import { HUB_FEATURES } from '../hub/app.js';
import { orgViewFeature } from '../org-view/routes.js';
import { DEMO_PASSWORDS } from '../seed/catalog-people.js';
import { seedDemo } from '../seed/seed.js';

/**
 * `npm run demo:sync`: an organization on one machine for a newcomer to watch sync work. A hub on a
 * throwaway PostgreSQL cluster, depot A (the demo depot, enrolled) and depot B (a new depot that
 * joined at its first-run setup and took a snapshot), each a real host process on its own data dir.
 * Everything is deleted on stop unless asked to keep it.
 */

export interface SignIn {
  email: string;
  password: string;
}

export interface DemoDepot {
  name: string;
  url: string;
  dataDir: string;
  signIn: SignIn;
  token: string;
}

export interface SyncDemo {
  hub: { url: string; signIn: SignIn };
  depots: [DemoDepot, DemoDepot];
  /** Seconds each step took, for the banner (and so a slow step is visible). */
  steps: { short: string; seconds: number }[];
  stop(): Promise<void>;
}

export interface SyncDemoOptions {
  /** Work orders in depot A's demo (default: the small demo's ~2,000). */
  workOrders?: number;
  hubPort?: number;
  /** Keep the data dirs on stop (the cluster always goes: it runs with fsync off). */
  keep?: boolean;
  say?: (line: string) => void;
  logLevel?: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(url: string, method: string, route: string, opts: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function expectOk(what: string, answer: Answer): Record<string, unknown> {
  if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Runs sync cycles until nothing is pending and a cycle pulled nothing new, or fails with the last status. */
async function settle(depot: DemoDepot, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const before = last.pullCursor;
    last = expectOk(`sync on ${depot.name}`, await call(depot.url, 'POST', '/api/v1/sync/now', { token: depot.token }));
    if (last.lastError) throw new Error(`${depot.name} could not sync: ${String(last.lastError)}`);
    if (last.pending === 0 && last.pullCursor === before) return;
  }
  throw new Error(`${depot.name} did not settle within ${timeoutMs / 1000} s: ${JSON.stringify(last)}`);
}

export async function startSyncDemo(opts: SyncDemoOptions = {}): Promise<SyncDemo> {
  const say = opts.say ?? (() => {});
  const steps: SyncDemo['steps'] = [];
  const step = async <T>(label: string, short: string, work: () => Promise<T>): Promise<T> => {
    say(`${label}…`);
    const started = performance.now();
    const out = await work();
    steps.push({ short, seconds: (performance.now() - started) / 1000 });
    return out;
  };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-sync-demo-'));
  const [dirA, dirB] = [path.join(root, 'depot-a'), path.join(root, 'depot-b')];
  let hub: LocalHub | null = null;
  const children: RunningChild[] = [];
  const stop = async () => {
    await Promise.all(children.map((c) => c.stop()));
    await hub?.stop();
    if (!opts.keep) fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    await step('Seeding demo depot A', 'seed A', () =>
      seedDemo({ dataDir: dirA, size: 'small', seed: 2026, force: false, ...(opts.workOrders ? { workOrders: opts.workOrders } : {}) }),
    );
    const local = await step('Starting the hub on a throwaway PostgreSQL cluster', 'hub', () =>
      startLocalHub({ port: opts.hubPort ?? 0, codes: 2, features: [...HUB_FEATURES, orgViewFeature()] }),
    );
    hub = local;
    const hubUrl = local.url;
    const codes = local.codes;
    const [childA, childB] = await step('Starting depots A and B', 'depot hosts', () =>
      Promise.all([startChild(hostCommand(), dirA, opts.logLevel ?? 'warn'), startChild(hostCommand(), dirB, opts.logLevel ?? 'warn')]),
    );
    children.push(childA, childB);

    const signInA = { email: 'admin@avonvale.example', password: DEMO_PASSWORDS.admin };
    const a: DemoDepot = {
      name: 'Depot A',
      url: childA.url,
      dataDir: dirA,
      signIn: signInA,
      token: String(expectOk('sign-in on depot A', await call(childA.url, 'POST', '/api/v1/auth/login', { body: signInA })).token),
    };
    await step('Depot A enrols and pushes its history', "A's push", async () => {
      expectOk('enrol depot A', await call(a.url, 'POST', '/api/v1/sync/enrol', { token: a.token, body: { hubUrl, code: codes[0] } }));
      await settle(a, 120_000);
    });

    if (!childB.setupCode) throw new Error('depot B did not print a setup code: its data dir is not new');
    const signInB = { email: 'admin@north.example', password: randomBytes(9).toString('base64url') };
    const setup = await step('Depot B joins at its first-run setup and takes a snapshot', "B's snapshot", async () => {
      const body = expectOk(
        'setup of depot B',
        await call(childB.url, 'POST', '/api/v1/setup', {
          body: {
            setupCode: childB.setupCode,
            organization: { name: 'Demo organization', timeZone: 'Europe/London' },
            depot: { name: 'North depot', code: 'NORTH' },
            admin: { name: 'Nia North', ...signInB },
            join: { hubUrl, code: codes[1] },
          },
        }),
      );
      const b: DemoDepot = { name: 'Depot B', url: childB.url, dataDir: dirB, signIn: signInB, token: String(body.token) };
      await settle(b, 120_000);
      return b;
    });
    return { hub: { url: hubUrl, signIn: local.admin }, depots: [a, setup], steps, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
