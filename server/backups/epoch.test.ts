import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skills } from '../../db/schema/index.js';
import { createHost, DB_FILE } from '../host.js';
import { systemCtx, type Host } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { restoreBackup } from './restore.js';
import { startBackups } from './service.js';

/**
 * Issue 13, "node identity and epochs": (node, epoch, seq) must never name two different mutations,
 * whatever an operator does with the data dir: restore a backup, put an older database file back by
 * hand, or copy the whole data dir to another machine.
 */

let t: TestHost;
let orgId: string;
const extraDirs: string[] = [];

beforeEach(async () => {
  t = await startTestHost();
  orgId = (await t.setupOrg()).orgId;
});
afterEach(async () => {
  await t.close();
  for (const dir of extraDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

let made = 0;
/** One mutation through the one write path; returns its (seq, epoch). */
function write(host: Host): { seq: number; epoch: number } {
  made += 1;
  mutate(systemCtx(host, orgId, 'epoch test'), 'skill.create', (w) => w.insert(skills, { name: `Skill ${made}`, category: 'test' }));
  return host.sqlite.prepare('SELECT seq, epoch FROM mutations ORDER BY seq DESC LIMIT 1').get() as { seq: number; epoch: number };
}

const epochRows = (host: Host) =>
  host.sqlite
    .prepare(
      'SELECT epoch, node_id AS nodeId, reason, seq_floor AS seqFloor, lost_after_seq AS lostAfterSeq FROM node_epochs ORDER BY epoch',
    )
    .all() as {
    epoch: number;
    nodeId: string;
    reason: string;
    seqFloor: number;
    lostAfterSeq: number | null;
  }[];

async function stop(host: Host & { close(): void }) {
  await host.commits.durable();
  host.close();
}

describe('node epochs', () => {
  it('when a backup is restored, then the host starts a new epoch and never hands out a seq the replaced database used', async () => {
    const backups = (t.services.backups = startBackups(t.host, { dir: null, scheduled: false }));
    const inBackup = write(t.host).seq;
    const set = await backups.backUp('manual');
    for (let i = 0; i < 5; i++) write(t.host);
    const usedBefore = t.host.sqlite.prepare('SELECT max(seq) FROM mutations').pluck().get() as number;
    const node = t.host.depotId;
    await stop(t.host);

    await restoreBackup({ dataDir: t.dataDir, from: path.join(backups.dir, set.id), now: () => t.clock.now() });
    const restored = createHost({ dataDir: t.dataDir, clock: t.clock });
    try {
      expect(restored.epoch).toBe(2);
      expect(restored.depotId).toBe(node);
      const row = epochRows(restored).at(-1)!;
      expect(row).toMatchObject({ epoch: 2, nodeId: node, reason: 'restore' });
      expect(row.seqFloor).toBeGreaterThan(usedBefore);
      // The seqs the restore lost (the five writes after the backup), for the replay check (server/sync/replayable.ts).
      expect(row.lostAfterSeq).toBe(inBackup);
      const next = write(restored);
      expect(next).toEqual({ seq: row.seqFloor, epoch: 2 });
    } finally {
      restored.close();
    }
  });

  it('when an older copy of the database file is put back by hand, then the host sees the regression and starts a new epoch past every seq used', async () => {
    write(t.host);
    await t.host.commits.durable();
    t.host.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const older = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-older-')), DB_FILE);
    extraDirs.push(path.dirname(older));
    await t.host.sqlite.backup(older);
    for (let i = 0; i < 5; i++) write(t.host);
    const usedBefore = t.host.sqlite.prepare('SELECT max(seq) FROM mutations').pluck().get() as number;
    const node = t.host.depotId;
    await stop(t.host);
    // The kept state (node-state.json) now says seq `usedBefore`; the older file says less.
    // Copied over the file in place (same inode, as `cp older depotdesk.sqlite` does): a file with a new
    // inode is a different case (a copied data dir, see the clone test). The test used to delete the
    // file first and passed only while the file system happened to hand the freed inode back.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(t.dataDir, DB_FILE + suffix), { force: true });
    fs.copyFileSync(older, path.join(t.dataDir, DB_FILE));

    const reopened = createHost({ dataDir: t.dataDir, clock: t.clock });
    try {
      expect(reopened.depotId).toBe(node);
      expect(reopened.epoch).toBe(2);
      expect(epochRows(reopened).at(-1)).toMatchObject({ epoch: 2, reason: 'regression' });
      expect(epochRows(reopened).at(-1)!.lostAfterSeq).toBeLessThan(usedBefore);
      const next = write(reopened);
      expect(next.seq).toBeGreaterThan(usedBefore);
      expect(next.epoch).toBe(2);
    } finally {
      reopened.close();
    }
  });

  it('when the data dir is copied to another place, then the copy becomes a new node with its own epoch and the original carries on', async () => {
    write(t.host);
    const node = t.host.depotId;
    await stop(t.host);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-copy-'));
    extraDirs.push(copy);
    fs.cpSync(t.dataDir, copy, { recursive: true });

    const clone = createHost({ dataDir: copy, clock: t.clock });
    const original = createHost({ dataDir: t.dataDir, clock: t.clock });
    try {
      expect(clone.depotId).not.toBe(node);
      // A clone is a new node: nothing of the old node's is lost to it.
      expect(epochRows(clone).at(-1)).toMatchObject({ nodeId: clone.depotId, reason: 'clone', epoch: 2, lostAfterSeq: null });
      expect(original.depotId).toBe(node);
      expect(original.epoch).toBe(1);
      // Both go on writing: the same seq may recur, but never under the same (node, epoch).
      const a = write(original);
      const b = write(clone);
      expect([original.depotId, a.epoch]).not.toEqual([clone.depotId, b.epoch]);
    } finally {
      clone.close();
      original.close();
    }
  });
});
