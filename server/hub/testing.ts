import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../testing/pg.js';
import { createOrg } from './accounts/service.js';
import { createAppLogin } from './db/app-login.js';
import { migrateHub } from './db/migrate.js';
import type { HubConfig } from './deps.js';
import { z } from 'zod';
import { HUB_FEATURES } from './app.js';
import { defineHubRoute, type HubFeature } from './http/route.js';
import { startHub, type RunningHub } from './serve.js';

/** A hub on this test file's own database, HTTP on port 0, with a clock the test moves. */
export interface TestHub {
  hub: RunningHub;
  db: TestDatabase;
  url: string;
  clock: { now: number };
  /** An org with one hub admin, signed in. */
  org(name?: string): Promise<TestOrg>;
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<Answer>;
  stop(): Promise<void>;
}

export interface TestOrg {
  orgId: string;
  adminId: string;
  email: string;
  password: string;
  token: string;
}

export interface Answer {
  status: number;
  type: string;
  // Answers are checked field by field in the tests; their shapes are each route's contract.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience, see above
  body: any;
}

/**
 * A node-authenticated echo (GET and POST /hub/v1/probe/node): what the node auth put on the request,
 * and the body it was sent, so tests can show that a forged body never changes the org.
 */
const echo = (method: 'get' | 'post') =>
  defineHubRoute({
    method,
    path: '/probe/node',
    summary: 'test probe',
    tag: 'test',
    access: 'node',
    status: 200,
    ...(method === 'post' ? { body: z.unknown() } : {}),
    response: z.unknown(),
    handler: async ({ auth, body }) => ({ auth, body }),
  });
export const probeFeature: HubFeature = { name: 'probe', routes: [echo('get'), echo('post')] };

export async function startTestHub(opts: { config?: Partial<HubConfig>; extraFeatures?: HubFeature[] } = {}): Promise<TestHub> {
  const db = await createTestDatabase();
  const clock = { now: Date.UTC(2030, 0, 15, 9, 0, 0) };
  // Served as the hub serves in production: through a login that owns nothing (db/app-login.ts).
  // The migration must have made the app role before the login can be granted it.
  await migrateHub(db.url);
  const appDatabaseUrl = await createAppLogin(db.url, { name: 'depotdesk_hub_web_test', password: 'test' });
  const hub = await startHub({
    databaseUrl: db.url,
    appDatabaseUrl,
    port: 0,
    now: () => clock.now,
    log: pino({ level: 'silent' }),
    config: { attemptsPerMinute: 1000, ...opts.config },
    poolSize: 4,
    features: [...HUB_FEATURES, ...(opts.extraFeatures ?? [])],
  });
  const call: TestHub['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(hub.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : null };
  };
  return {
    hub,
    db,
    url: hub.url,
    clock,
    call,
    async org(name = `Org ${randomBytes(3).toString('hex')}`) {
      const email = `admin-${randomBytes(4).toString('hex')}@example.test`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const made = await createOrg(hub.deps.pool, clock.now, { name, adminEmail: email, adminName: 'Admin', adminPassword: password });
      const login = await call('POST', '/hub/v1/auth/login', { body: { email, password } });
      if (login.status !== 200) throw new Error(`test org sign-in failed: ${JSON.stringify(login.body)}`);
      return { orgId: made.orgId, adminId: made.accountId, email, password, token: login.body.token as string };
    },
    async stop() {
      await hub.stop();
      await db.drop();
    },
  };
}
