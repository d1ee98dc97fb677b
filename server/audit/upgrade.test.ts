import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsFolder, openDatabase } from '../../db/client.js';
import { verifyAuditChain } from './verify.js';

/**
 * A depot that ran a build from before the hash chain (migrations up to 0008): its audit rows get
 * a chain on the first start of this build, in the order they were inserted, and only then.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-chain-upgrade-'));
  dirs.push(d);
  return d;
}

/** The committed migrations as they were before 0009: a copy of the folder with the journal cut there. */
function migrationsBeforeChain(): string {
  const folder = path.join(tempDir(), 'migrations');
  fs.cpSync(defaultMigrationsFolder(), folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.startsWith('0009_'));
  expect(cut).toBe(9);
  journal.entries = journal.entries.slice(0, cut);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

const ORG_A = '01900000-0000-7000-8000-00000000000a';
const ORG_B = '01900000-0000-7000-8000-00000000000b';

/** Writes audit rows the way the old build did: no chain columns, `at` deliberately out of order. */
function oldDepot(file: string, rows: number): string[] {
  const old = openDatabase(file, { migrationsFolder: migrationsBeforeChain() });
  const insert = old.sqlite.prepare(
    "INSERT INTO audit_log (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at) VALUES (?, ?, NULL, 'skills.insert', 'skills', ?, NULL, ?, NULL, ?)",
  );
  const ids: string[] = [];
  for (let i = 0; i < rows; i++) {
    // Ids and times both run backwards, so only the insertion order (rowid) can give the right chain.
    const id = `01900000-0000-7000-8000-${String(999_999 - i).padStart(12, '0')}`;
    insert.run(id, i % 3 === 0 ? ORG_B : ORG_A, `skill-${i}`, JSON.stringify({ name: `Skill ${i}` }), 1_800_000_000_000 - i * 1000);
    ids.push(id);
  }
  expect(() => old.sqlite.exec("UPDATE audit_log SET action = 'x'")).toThrow(/append-only/);
  old.sqlite.close();
  return ids;
}

describe('audit chain on upgrade', () => {
  it('when a depot from before the chain starts on this build, then its audit rows are chained per org in insertion order and verify', async () => {
    const file = path.join(tempDir(), 'depotdesk.sqlite');
    const ids = oldDepot(file, 50);
    const opened = openDatabase(file);
    try {
      expect(opened.auditRowsChained).toBe(50);
      for (const [org, mine] of [
        [ORG_A, ids.filter((_, i) => i % 3 !== 0)],
        [ORG_B, ids.filter((_, i) => i % 3 === 0)],
      ] as const) {
        const chain = opened.sqlite.prepare('SELECT id FROM audit_log WHERE org_id = ? ORDER BY seq').pluck().all(org);
        expect(chain).toEqual(mine);
        // A small batch makes the walk cross several pages.
        const r = await verifyAuditChain(opened.sqlite, org, { batch: 7 });
        expect(r).toMatchObject({ ok: true, rowsChecked: mine.length, brokenRows: 0, head: { seq: mine.length } });
      }
      expect(opened.sqlite.prepare("SELECT count(*) FROM host_settings WHERE key = 'audit_chain_backfill'").pluck().get()).toBe(0);
      // Chained rows are append-only again, chain columns included.
      expect(() => opened.sqlite.exec("UPDATE audit_log SET hash = 'x'")).toThrow(/append-only/);
    } finally {
      opened.sqlite.close();
    }
  });

  it('when an unchained row is slipped in after the upgrade, then a later start does not chain it and verify names it', async () => {
    const file = path.join(tempDir(), 'depotdesk.sqlite');
    oldDepot(file, 10);
    openDatabase(file).sqlite.close();
    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_log_chained');
    raw
      .prepare("INSERT INTO audit_log (id, org_id, action, entity, entity_id, at) VALUES ('slipped', ?, 'users.update', 'users', 'u', 1)")
      .run(ORG_A);
    raw.close();
    const again = openDatabase(file);
    try {
      expect(again.auditRowsChained).toBe(0);
      const r = await verifyAuditChain(again.sqlite, ORG_A);
      expect(r).toMatchObject({ ok: false, brokenRows: 1, firstBroken: { id: 'slipped', kind: 'unchained' } });
      expect((await verifyAuditChain(again.sqlite, ORG_B)).ok).toBe(true);
    } finally {
      again.sqlite.close();
    }
  });
});
