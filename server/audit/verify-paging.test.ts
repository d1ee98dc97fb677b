import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../db/audit-chain.js';
import { openDatabase, type Sqlite } from '../../db/client.js';
import { verifyAuditChain } from './verify.js';

/** The walk in pages: what a million-row chain goes through, here with pages of 3 rows. */

const ORG = '01900000-0000-7000-8000-00000000000a';
const open: { sqlite: Sqlite; dir: string }[] = [];
afterEach(() => {
  for (const { sqlite, dir } of open.splice(0)) {
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function chainOf(n: number): Sqlite {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-chain-paging-'));
  const { sqlite } = openDatabase(path.join(dir, 'depotdesk.sqlite'));
  open.push({ sqlite, dir });
  sqlite.transaction(() => {
    for (let i = 1; i <= n; i++) {
      appendAudit(sqlite, {
        id: `row-${i}`,
        orgId: ORG,
        actorId: null,
        action: 'test.note',
        entity: 'notes',
        entityId: `n${i}`,
        before: null,
        after: `{"i":${i}}`,
        requestId: null,
        at: 1_790_000_000_000 + i,
      });
    }
  })();
  return sqlite;
}

describe('audit chain verification in pages', () => {
  it('when the chain spans many pages, then every row is checked once and the head is the last row', async () => {
    const sqlite = chainOf(10);
    let pauses = 0;
    const r = await verifyAuditChain(sqlite, ORG, { batch: 3, pause: async () => void pauses++ });
    expect(r).toMatchObject({ ok: true, rowsChecked: 10, head: { seq: 10 } });
    expect(pauses).toBe(3);
  });

  it('when a copy of a row takes its position again (unique index dropped) across a page boundary, then verify still reads it and names it', async () => {
    const sqlite = chainOf(10);
    sqlite.exec('DROP INDEX audit_log_chain_idx; DROP TRIGGER audit_log_chained');
    // Row 3 ends the first page; its twin comes after it in rowid order, so it opens the second page.
    sqlite.exec(`INSERT INTO audit_log (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at, seq, prev_hash, hash)
      SELECT 'twin', org_id, actor_id, 'users.update', entity, entity_id, before, after, request_id, at, seq, prev_hash, hash FROM audit_log WHERE id = 'row-3'`);
    const r = await verifyAuditChain(sqlite, ORG, { batch: 3 });
    expect(r).toMatchObject({ ok: false, rowsChecked: 11, firstBroken: { id: 'twin', seq: 3, kind: 'duplicate' } });
  });
});
