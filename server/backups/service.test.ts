import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';
import { corrupt } from './restore.test-helpers.js';
import { startBackups } from './service.js';

let t: TestHost;
let a: World;

beforeEach(async () => {
  t = await startTestHost({ now: '2026-11-02T12:00:00Z' }); // a Monday, GMT (no DST jump in these weeks)
  a = await seedWorld(t, 'Riverside');
});
afterEach(() => t.close());

const DAY = 86_400_000;
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('backup schedule and rotation', () => {
  it('when nightly backups run for five simulated weeks, then 7 daily and 4 weekly sets remain, the weekly ones a week apart', async () => {
    const s = (t.services.backups = startBackups(t.host, { dir: null, scheduled: true }));
    const start = Date.parse('2026-11-03T02:00:00Z'); // Tuesday 02:00 in Europe/London (the org's zone)
    // 36 nights: 5 weekly sets (one over the quota of 4) and 31 daily ones (24 over the quota of 7).
    for (let night = 0; night < 36; night++) {
      t.clock.set(start + night * DAY + 5 * 60_000);
      const made = await s.tick();
      expect(made, `night ${night}`).not.toBeNull();
      // Later the same night nothing more is due.
      t.clock.advance(3 * 3_600_000);
      expect(await s.tick()).toBeNull();
    }
    const sets = s.list();
    const daily = sets.filter((m) => m.kind === 'daily');
    const weekly = sets.filter((m) => m.kind === 'weekly');
    expect(daily).toHaveLength(7);
    expect(weekly).toHaveLength(4);
    expect(sets).toHaveLength(11);
    const weeklyTimes = weekly.map((m) => m.createdAt).sort((x, y) => x - y);
    for (let i = 1; i < weeklyTimes.length; i++) expect(weeklyTimes[i]! - weeklyTimes[i - 1]!).toBe(7 * DAY);
    // Kept: the newest 7 nights that were not weekly ones (every 7th night from the first is weekly).
    const at = (night: number) => start + night * DAY + 5 * 60_000;
    const dailyNights = Array.from({ length: 36 }, (_, n) => n)
      .filter((n) => n % 7 !== 0)
      .slice(-7);
    expect(daily.map((m) => m.createdAt).sort((x, y) => x - y)).toEqual(dailyNights.map(at));
    expect(weeklyTimes).toEqual([14, 21, 28, 35].map(at));
    // Rotated sets are really gone from the folder.
    expect(fs.readdirSync(s.dir).sort()).toEqual(sets.map((m) => m.id).sort());
  });

  it('when the desk PC was off at 02:00, then the missed nightly backup runs at the next check after start', async () => {
    const s = (t.services.backups = startBackups(t.host, { dir: null, scheduled: true }));
    t.clock.set('2026-11-02T18:00:00Z');
    await s.backUp('quit'); // closed in the evening
    t.clock.set('2026-11-03T08:00:00Z'); // switched on the next morning: 02:00 passed while it was off
    expect(s.nextNightlyAt()).toBe(t.clock.now());
    const made = await s.tick();
    expect(made?.kind).toBe('weekly'); // the first nightly set starts the weekly series
    expect(s.nextNightlyAt()).toBe(Date.parse('2026-11-04T02:00:00Z'));
  });
});

describe('backup checks and failures', () => {
  it('when a written copy fails integrity_check, then the set is kept but marked failed, and the error is shown', async () => {
    const s = (t.services.backups = startBackups(t.host, { dir: null, scheduled: false }, { beforeCheck: corrupt }));
    const set = await s.backUp('manual');
    expect(set.integrity.ok).toBe(false);
    expect(set.integrity.messages.join(' ')).toMatch(/malformed|corrupt|wrong|invalid|not a database|out of order|missing|Page/i);
    const listed = await t.api('GET', '/api/v1/backups', { token: a.tokens.admin });
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toMatchObject({ id: set.id, integrity: { ok: false } });
    expect(listed.body.status.lastError.message).toMatch(new RegExp(`Backup ${set.id} failed its integrity check`));
  });

  it('when a sound backup is written, then its files are 0600 and its folders 0700, and it is one self-contained file with no WAL', async () => {
    const s = (t.services.backups = startBackups(t.host, { dir: null, scheduled: false }));
    const set = await s.backUp('manual');
    const dir = path.join(s.dir, set.id);
    expect(set.integrity).toEqual({ ok: true, messages: ['ok'] });
    expect(mode(s.dir)).toBe(0o700);
    expect(mode(dir)).toBe(0o700);
    for (const f of ['depotdesk.sqlite', 'manifest.json']) expect(mode(path.join(dir, f))).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['attachments', 'depotdesk.sqlite', 'manifest.json']);
  });

  it('when the backup folder is on a drive that is not connected, then "Back up now" answers 503 with the reason, nothing is created and the host keeps serving', async () => {
    const missing = path.join(t.dataDir, 'no-such-drive', 'depot-backups');
    t.services.backups = startBackups(t.host, { dir: missing, scheduled: false });
    const res = await t.api('POST', '/api/v1/backups', { token: a.tokens.admin });
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/is not reachable: .*no-such-drive does not exist \(is the drive connected or the share mounted\?\)/);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    const listed = await t.api('GET', '/api/v1/backups', { token: a.tokens.admin });
    expect(listed.body.status).toMatchObject({ dir: missing, lastError: { message: expect.stringMatching(/not reachable/) } });
    expect((await t.api('GET', '/healthz')).status).toBe(200);
  });
});

describe('who may back up and restore', () => {
  it('when anyone but an admin calls the backup routes, then 403 (401 without a token), and no backup is written', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/v1/backups'],
      ['POST', '/api/v1/backups'],
      ['POST', '/api/v1/backups/20261102-120000-manual/restore', { confirm: true }],
    ];
    for (const [method, url, body] of calls) {
      for (const role of ['dispatcher', 'supervisor', 'tech1', 'viewer'] as const) {
        const res = await t.api(method, url, { token: a.tokens[role], body });
        expect(res.status, `${role} ${method} ${url}`).toBe(403);
      }
      expect((await t.api(method, url, { body })).status).toBe(401);
    }
    expect(fs.existsSync(path.join(t.dataDir, 'backups'))).toBe(false);
    expect((await t.api('GET', '/api/v1/backups', { token: a.tokens.admin })).status).toBe(200);
  });

  it('when the host was not started by a process that can restart it, then a restore is refused with 409 and nothing changes', async () => {
    const made = await t.api('POST', '/api/v1/backups', { token: a.tokens.admin });
    expect(made.status).toBe(201);
    const res = await t.api('POST', `/api/v1/backups/${made.body.id}/restore`, { token: a.tokens.admin, body: { confirm: true } });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/npm run restore/);
  });
});
