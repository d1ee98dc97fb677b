import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../app.js';
import { ConfigSchema, type Config } from '../config.js';
import { createHost } from '../host.js';
import { ManualClock } from '../core/clock.js';
import { attachRealtime } from '../realtime/hub.js';
import { answerClientError } from '../http/client-error.js';
import { setupCodeFor } from '../auth/setup-code.js';
import type { Ctx } from '../core/context.js';
import { createServices } from '../services.js';

export const ADMIN = { name: 'Ada Admin', email: 'admin@example.test', password: 'correct horse battery' };

export interface Response<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
export type Api = <T = any>(
  method: string,
  url: string,
  opts?: { body?: unknown; token?: string | null; headers?: Record<string, string>; rawBody?: string },
) => Promise<Response<T>>;

/**
 * A real host on a temp data dir, HTTP on port 0, a pinned clock. Each test file gets its own.
 */
export async function startTestHost(opts: { now?: string; config?: Partial<Config> } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-test-'));
  const clock = new ManualClock(Date.parse(opts.now ?? '2026-11-16T09:00:00Z'));
  const host = createHost({ dataDir, clock });
  const config = ConfigSchema.parse({
    dataDir,
    port: 0,
    loginAttemptsPerMinute: 1000,
    loginFailuresPerAddressPerMinute: 1000,
    ...opts.config,
  });
  // Nothing is started here (no telemetry, scheduler or backups); a test starts what it needs and
  // puts it on `services`, where the routes find it. The job runner is the exception: report builds
  // asked for through the API run through it, as they do on a real host.
  const services = createServices(host);
  services.jobs.start();
  const app = buildApp(host, config, services);
  const server = http.createServer(app);
  // Tests block the event loop for seconds (bulk inserts, 100k-row exports); when it unblocks, the
  // server's overdue 5 s keep-alive timers close idle sockets just as fetch reuses one: ECONNRESET
  // (nodejs/undici#2907). A long server-side idle timeout leaves closing idle sockets to the client.
  server.keepAliveTimeout = 120_000;
  server.on('clientError', answerClientError);
  const realtime = attachRealtime(server, host);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: Api = async (method, route, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(url + route, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: parsed as never };
  };

  /** First-run setup through the API; returns the admin's token and ids. */
  async function setupOrg(org = 'Riverside Public Works', admin = ADMIN) {
    const res = await api<{ token: string; user: { id: string; orgId: string } }>('POST', '/api/v1/setup', {
      body: { setupCode: setupCodeFor(host), organization: { name: org, timeZone: 'Europe/London' }, admin },
    });
    if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: res.body.token, userId: res.body.user.id, orgId: res.body.user.orgId };
  }

  return {
    url,
    dataDir,
    clock,
    host,
    services,
    api,
    setupOrg,
    /** A system context for seeding data directly through the write path. */
    ctxFor(orgId: string, userId: string | null = null): Ctx {
      return { host, orgId, actor: { userId, role: 'system', name: 'test' } };
    },
    /** Stops everything; `keepDir` leaves the data dir for a test that opens the file again (and removes it itself). */
    async close(opts: { keepDir?: boolean } = {}) {
      realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      host.close();
      if (!opts.keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestHost = Awaited<ReturnType<typeof startTestHost>>;
