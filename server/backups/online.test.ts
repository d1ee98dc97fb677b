import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../host.js';
import { loadConfig } from '../config.js';
import { SET_DB } from './layout.js';
import { writeBackupSet } from './write.js';

let dataDir: string;
let host: ReturnType<typeof createHost>;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-online-'));
  host = createHost({ dataDir });
});
afterEach(() => {
  host.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const count = (db: Database.Database) => db.prepare("SELECT count(*) FROM host_settings WHERE key LIKE 'filler-%'").pluck().get() as number;

describe('online backup', () => {
  it('when the host keeps committing while a large database is copied, then the backup still finishes, with one consistent snapshot', async () => {
    // ~48 MB: the copy takes several backup steps, and the host commits between them.
    const fill = host.sqlite.prepare('INSERT INTO host_settings(key, value) VALUES (?, ?)');
    const pad = JSON.stringify('x'.repeat(4000));
    host.sqlite.transaction(() => {
      for (let i = 0; i < 12_000; i++) fill.run(`filler-${i}`, pad);
    })();
    const before = count(host.sqlite);
    let done = false;
    const backup = writeBackupSet({
      dbFile: path.join(dataDir, 'depotdesk.sqlite'),
      dataDir,
      backupDir: path.join(dataDir, 'backups'),
      createParents: true,
      kind: 'manual',
      now: () => Date.now(),
    }).finally(() => (done = true));
    // A steady stream of commits for as long as the copy runs. Without the copy's held read
    // transaction every one of them restarts the backup, and this never ends (the test times out).
    let written = 0;
    while (!done) {
      fill.run(`filler-${before + written}`, pad);
      written += 1;
      await new Promise((r) => setImmediate(r));
    }
    const set = await backup;
    expect(set.integrity.ok).toBe(true);
    expect(written).toBeGreaterThan(0);
    const copy = new Database(path.join(dataDir, 'backups', set.id, SET_DB), { readonly: true });
    const inCopy = count(copy);
    // Numbered without gaps, so a consistent snapshot is exactly a prefix: filler-0 … filler-(n-1).
    const maxKey = copy
      .prepare("SELECT max(CAST(substr(key, 8) AS INTEGER)) FROM host_settings WHERE key LIKE 'filler-%'")
      .pluck()
      .get() as number;
    copy.close();
    expect(inCopy).toBeGreaterThanOrEqual(before);
    expect(inCopy).toBeLessThanOrEqual(before + written);
    expect(maxKey).toBe(inCopy - 1);
  }, 60_000);
});

describe('backup configuration', () => {
  it('when --backup-dir or DEPOTDESK_BACKUP_DIR is given, then it is used (flag first, made absolute); --no-backups turns the schedule off', () => {
    const base = { DEPOTDESK_DATA_DIR: '/srv/depot' };
    expect(loadConfig([], base)).toMatchObject({ backups: true });
    expect(loadConfig([], base).backupDir).toBeUndefined();
    expect(loadConfig([], { ...base, DEPOTDESK_BACKUP_DIR: '/media/usb/depot' }).backupDir).toBe('/media/usb/depot');
    expect(loadConfig(['--backup-dir', 'rel/backups'], { ...base, DEPOTDESK_BACKUP_DIR: '/media/usb/depot' }).backupDir).toBe(
      path.resolve('rel/backups'),
    );
    expect(loadConfig(['--no-backups'], base).backups).toBe(false);
    expect(loadConfig([], { ...base, DEPOTDESK_BACKUPS: '0' }).backups).toBe(false);
  });
});
