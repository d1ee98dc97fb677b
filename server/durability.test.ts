import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildHosts } from './testing/child-process-host.js';
import { DB_FILE } from './host.js';

/**
 * DESIGN invariant 5: a crash loses no committed write. The real host runs as a child process (no
 * shared memory with the test, so nothing can be "remembered" for it), is SIGKILLed in the middle of
 * a burst of writes, and is started again on the same data directory.
 */

const hosts = new ChildHosts();
const startHost = (dataDir: string) => hosts.start(dataDir);

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

afterEach(() => hosts.cleanup());

describe('crash durability', () => {
  it('when the host is SIGKILLed during a burst of writes, then after a restart every acknowledged write is there and the database is intact', async () => {
    const dataDir = hosts.tempDir('depotdesk-durability-');
    const first = await startHost(dataDir);

    const setup = await post(`${first.url}/api/v1/setup`, {
      setupCode: first.setupCode,
      organization: { name: 'Crash Test Depot', timeZone: 'Europe/London' },
      admin: { name: 'Ada Admin', email: 'admin@example.test', password: 'correct horse battery' },
    });
    expect(setup.status).toBe(201);
    const { token } = (await setup.json()) as { token: string };

    const TOTAL = 400;
    const IN_FLIGHT = 16;
    const KILL_AFTER = 100;
    const acknowledged: { id: string; title: string; number: string }[] = [];
    let failedInFlight = 0;
    let next = 0;
    let killedAt = -1;

    // IN_FLIGHT workers each keep one POST outstanding; the 100th acknowledgement pulls the plug
    // while the other workers' requests are still on the wire or inside a transaction.
    async function worker(): Promise<void> {
      while (next < TOTAL && killedAt < 0) {
        const n = next++;
        const title = `Burst pipe ${n}`;
        try {
          const res = await post(
            `${first.url}/api/v1/work-orders`,
            { title, type: 'corrective', priority: 'medium', durationMin: 60 },
            token,
          );
          const body = (await res.json()) as { id?: string; number?: string };
          // A complete 2xx reply is an acknowledgement: the client may now rely on that write.
          if (res.ok && body.id && body.number) {
            acknowledged.push({ id: body.id, title, number: body.number });
            if (acknowledged.length === KILL_AFTER && killedAt < 0) {
              killedAt = acknowledged.length;
              first.child.kill('SIGKILL');
            }
          } else if (killedAt < 0) {
            throw new Error(`write "${title}" refused before the crash: ${res.status} ${JSON.stringify(body)}`);
          }
        } catch (err) {
          if (killedAt < 0) throw err;
          failedInFlight++; // the connection died with the host: not acknowledged, so not promised
          return;
        }
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, () => worker()));
    const death = await first.exited;

    expect(death.signal).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    // The kill really landed mid-burst: requests were in flight and never answered.
    expect(failedInFlight).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThan(TOTAL);
    // Committed frames still sit in the WAL, so the restart below has to recover them from it.
    expect(fs.statSync(path.join(dataDir, `${DB_FILE}-wal`)).size).toBeGreaterThan(0);

    const second = await startHost(dataDir);
    const login = await post(`${second.url}/api/v1/auth/login`, { email: 'admin@example.test', password: 'correct horse battery' });
    expect(login.status).toBe(200);
    const { token: token2 } = (await login.json()) as { token: string };

    const missing: string[] = [];
    for (const { id, title, number } of acknowledged) {
      const res = await fetch(`${second.url}/api/v1/work-orders/${id}`, { headers: { authorization: `Bearer ${token2}` } });
      const body = (await res.json()) as { title?: string; number?: string };
      if (res.status !== 200 || body.title !== title || body.number !== number) missing.push(`${number} ${id}: ${res.status}`);
    }
    expect(missing).toEqual([]);

    // The restarted host still takes writes, and its work-order counter did not roll back under
    // numbers it had already handed out.
    const after = await post(
      `${second.url}/api/v1/work-orders`,
      { title: 'After the crash', type: 'corrective', priority: 'medium', durationMin: 60 },
      token2,
    );
    expect(after.status).toBe(201);
    const afterNumber = ((await after.json()) as { number: string }).number;
    expect(acknowledged.map((a) => a.number).every((n) => n < afterNumber)).toBe(true);

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const sqlite = new Database(path.join(dataDir, DB_FILE), { readonly: true });
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(sqlite.pragma('foreign_key_check')).toEqual([]);
      // One write path: each acknowledged work order came with its event, audit record and change-log entry.
      const ids = acknowledged.map((a) => a.id);
      const marks = ids.map(() => '?').join(',');
      const count = (sql: string) =>
        sqlite
          .prepare(sql)
          .pluck()
          .get(...ids) as number;
      expect(count(`SELECT count(*) FROM work_orders WHERE id IN (${marks})`)).toBe(ids.length);
      expect(count(`SELECT count(DISTINCT work_order_id) FROM work_order_events WHERE work_order_id IN (${marks})`)).toBe(ids.length);
      expect(count(`SELECT count(DISTINCT entity_id) FROM audit_log WHERE entity_id IN (${marks})`)).toBe(ids.length);
      expect(count(`SELECT count(DISTINCT row_id) FROM changes WHERE table_name = 'work_orders' AND row_id IN (${marks})`)).toBe(
        ids.length,
      );
    } finally {
      sqlite.close();
    }
  });
});
