import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../host.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { flatJpeg, upload } from '../attachments/test-helpers.js';
import { restoreBackup } from './restore.js';
import { startBackups, type BackupService } from './service.js';
import { SET_DB } from './layout.js';
import { corrupt } from './restore.test-helpers.js';

let t: TestHost;
let a: World;
let backups: BackupService;

beforeEach(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
  backups = t.services.backups = startBackups(t.host, { dir: null, scheduled: false });
});
afterEach(() => t.close());

const workOrderIds = (sqlite: Database.Database) => sqlite.prepare('SELECT id FROM work_orders ORDER BY id').pluck().all() as string[];
const storedKeys = (sqlite: Database.Database) =>
  sqlite.prepare('SELECT storage_key FROM attachments ORDER BY storage_key').pluck().all() as string[];
const attachmentFile = (dataDir: string, key: string) => path.join(dataDir, 'attachments', ...key.split('/'));

async function photo(workOrderId: string, name: string) {
  const res = await upload(t, a.tokens.tech1, workOrderId, await flatJpeg(64, 48), { kind: 'photo', fileName: name });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

describe('backup and restore', () => {
  it('when a depot is backed up, written to and restored, then exactly the backed-up state is back, with its attachments, and the node epoch moved on', async () => {
    const early = workOrderAt(a, 'ON_SITE');
    await photo(early.id, 'before.jpg');
    const before = { workOrders: workOrderIds(t.host.sqlite), keys: storedKeys(t.host.sqlite), epoch: t.host.epoch };
    expect(before.epoch).toBe(1);
    const set = await backups.backUp('manual');
    expect(set.integrity).toEqual({ ok: true, messages: ['ok'] });
    expect(set.attachmentFiles).toBeGreaterThanOrEqual(1);

    const later = workOrderAt(a, 'ON_SITE');
    await photo(later.id, 'after.jpg');
    const laterKeys = storedKeys(t.host.sqlite).filter((k) => !before.keys.includes(k));
    expect(laterKeys.length).toBeGreaterThan(0);
    const seqBeforeRestore = t.host.sqlite.prepare('SELECT max(seq) FROM mutations').pluck().get() as number;
    await t.host.commits.durable();
    t.host.close();

    const report = await restoreBackup({ dataDir: t.dataDir, from: path.join(backups.dir, set.id), now: () => t.clock.now() });
    expect(report.epoch).toEqual({ backup: 1, replaced: 1, recorded: 1, now: 2 });

    const restored = createHost({ dataDir: t.dataDir, clock: t.clock });
    try {
      expect(workOrderIds(restored.sqlite)).toEqual(before.workOrders);
      expect(workOrderIds(restored.sqlite)).not.toContain(later.id);
      expect(storedKeys(restored.sqlite)).toEqual(before.keys);
      for (const key of before.keys) expect(fs.existsSync(attachmentFile(t.dataDir, key))).toBe(true);
      for (const key of laterKeys) expect(fs.existsSync(attachmentFile(t.dataDir, key))).toBe(false);
      expect(restored.epoch).toBe(2);
      // The restored mutation log hands out seq numbers again that the replaced database already used:
      // only the new epoch keeps (epoch, seq) unique.
      expect(restored.sqlite.prepare('SELECT max(seq) FROM mutations').pluck().get() as number).toBeLessThan(seqBeforeRestore);
    } finally {
      restored.close();
    }
    // Nothing is lost: the replaced database and attachments were renamed aside, with the later writes in them.
    const asideDb = report.keptAside.find((p) => /depotdesk\.sqlite\.before-restore-\d{8}-\d{6}$/.test(p))!;
    const aside = new Database(asideDb, { readonly: true });
    expect(workOrderIds(aside)).toContain(later.id);
    aside.close();
    const asideAttachments = report.keptAside.find((p) => /attachments\.before-restore-/.test(p))!;
    for (const key of laterKeys) expect(fs.existsSync(path.join(asideAttachments, ...key.split('/')))).toBe(true);
  });

  it('when a backup is restored over a database that was itself restored before, or over a destroyed one, then the new epoch is above every epoch used before', async () => {
    const set = await backups.backUp('manual');
    t.host.close();
    expect((await restoreBackup({ dataDir: t.dataDir, from: path.join(backups.dir, set.id), now: () => t.clock.now() })).epoch.now).toBe(2);
    // The same (epoch 1) backup again: the database being replaced is at epoch 2, so 3, never 2 again.
    expect(
      (await restoreBackup({ dataDir: t.dataDir, from: path.join(backups.dir, set.id, SET_DB), now: () => t.clock.now() + 1000 })).epoch,
    ).toEqual({ backup: 1, replaced: 2, recorded: 2, now: 3 });
    // The disaster case: the live database is destroyed, so its epoch (3) cannot be read. The data
    // dir's record of the highest epoch handed out still keeps the restore from reusing 3.
    fs.writeFileSync(path.join(t.dataDir, 'depotdesk.sqlite'), 'overwritten by a failing disk');
    expect(
      (await restoreBackup({ dataDir: t.dataDir, from: path.join(backups.dir, set.id), now: () => t.clock.now() + 2000 })).epoch,
    ).toEqual({ backup: 1, replaced: null, recorded: 3, now: 4 });
  });

  it('when the file given is not a DepotDesk database (random bytes, an empty SQLite file, a damaged copy), then the restore refuses with a clear reason and the data dir is untouched', async () => {
    const set = await backups.backUp('manual');
    await t.host.commits.durable();
    t.host.close();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-notdb-'));
    const random = path.join(dir, 'random.sqlite');
    fs.writeFileSync(random, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    const empty = path.join(dir, 'empty.sqlite');
    new Database(empty).close();
    const foreign = path.join(dir, 'foreign.sqlite');
    const f = new Database(foreign);
    f.exec('CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)');
    f.close();
    const damaged = path.join(dir, 'damaged');
    fs.cpSync(path.join(backups.dir, set.id), damaged, { recursive: true });
    corrupt(path.join(damaged, SET_DB));

    const snapshot = () =>
      fs
        .readdirSync(t.dataDir)
        .sort()
        .map((n) => `${n}:${fs.statSync(path.join(t.dataDir, n)).mtimeMs}`);
    const liveBytes = () => fs.readFileSync(path.join(t.dataDir, 'depotdesk.sqlite'));
    const filesBefore = snapshot();
    const dbBefore = liveBytes();
    const cases: [string, RegExp][] = [
      [random, /is not a DepotDesk database/],
      [empty, /is not a DepotDesk database \(it has no "__drizzle_migrations" table\)/],
      [foreign, /is not a DepotDesk database/],
      [damaged, /damaged|not a DepotDesk database|malformed/],
      [path.join(dir, 'missing.sqlite'), /does not exist/],
    ];
    for (const [from, reason] of cases) {
      await expect(restoreBackup({ dataDir: t.dataDir, from, now: () => t.clock.now() }), from).rejects.toThrow(reason);
    }
    expect(snapshot()).toEqual(filesBefore);
    expect(liveBytes().equals(dbBefore)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
