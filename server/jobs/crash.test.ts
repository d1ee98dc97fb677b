import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildHosts } from '../testing/child-process-host.js';
import { DB_FILE } from '../host.js';

/**
 * Durable jobs across a real crash: the host runs as a child process (as in server/durability.test.ts),
 * is SIGKILLed while a report build it acknowledged is claimed, and is started again on the same data
 * directory. Nothing is remembered for it: the restarted host finds the job in its table.
 */

const hosts = new ChildHosts();
const startHost = (dataDir: string) => hosts.start(dataDir);

async function call<T>(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

afterEach(() => hosts.cleanup());

describe('durable jobs across kill -9', () => {
  it('when the host is SIGKILLed while a report build is claimed, then after a restart the lease runs out and the report is built once', async () => {
    const dataDir = hosts.tempDir('depotdesk-jobs-crash-');
    const first = await startHost(dataDir);
    const admin = { name: 'Ada Admin', email: 'admin@example.test', password: 'correct horse battery' };
    const setup = await call<{ token: string }>('POST', `${first.url}/api/v1/setup`, {
      setupCode: first.setupCode,
      organization: { name: 'Crash Test Depot', timeZone: 'Europe/London' },
      admin,
    });
    expect(setup.status).toBe(201);
    const asked = await call<{ id: string }>('POST', `${first.url}/api/v1/reports/jobs`, { kind: 'workbook' }, setup.body.token);
    expect(asked.status).toBe(202);

    // The claim is a committed write: watch the file for it, then pull the plug.
    const db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
    const job = () =>
      db
        .prepare("SELECT state, attempts, lease_until AS leaseUntil FROM jobs WHERE kind = 'report.build' AND key = ?")
        .get(asked.body.id) as { state: string; attempts: number; leaseUntil: number | null } | undefined;
    await expect.poll(() => job()?.state, { interval: 5, timeout: 20_000 }).toBe('running');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = job()!;
    db.close();
    // The build itself may have finished in the moment before the kill; what matters is that its
    // outcome was not recorded, so only a restart can finish the job.
    expect(atKill).toMatchObject({ state: 'running', attempts: 1 });

    const second = await startHost(dataDir);
    const login = await call<{ token: string }>('POST', `${second.url}/api/v1/auth/login`, {
      email: admin.email,
      password: admin.password,
    });
    const token = login.body.token;
    // Leased to the dead host for 30 s, then claimed again and built.
    await expect
      .poll(
        async () =>
          (await call<{ state: string }>('GET', `${second.url}/api/v1/reports/jobs/${asked.body.id}`, undefined, token)).body.state,
        {
          interval: 250,
          timeout: 90_000,
        },
      )
      .toBe('done');
    const jobs = await call<{ items: { key: string; state: string; attempts: number }[] }>(
      'GET',
      `${second.url}/api/v1/jobs`,
      undefined,
      token,
    );
    expect(jobs.body.items.filter((j) => j.key === asked.body.id)).toEqual([expect.objectContaining({ state: 'done', attempts: 2 })]);
    const files = fs.readdirSync(path.join(dataDir, 'reports')).filter((f) => f.endsWith('.xlsx'));
    expect(files).toHaveLength(1);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 180_000);
});
