import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendAudit, auditHash, GENESIS_HASH } from '../db/audit-chain.js';
import { openDatabase } from '../db/client.js';
import { verifyAuditChain } from '../server/audit/verify.js';
import type { Row } from './stats.js';

/**
 * The audit-chain section of `npm run bench`:
 * - builds `rows` chained audit rows of one org straight into a temp database of this build's schema
 *   (batched direct inserts, hashes computed here: building is not what is measured);
 * - times verifyAuditChain, the code behind GET /api/v1/audit/verify, over all of them, sampling the
 *   heap as it goes (it pages by seq, so the heap should stay flat);
 * - beside it, in the same run on the same file, a plain reference without our code: one better-sqlite3
 *   iterator over the same rows in seq order, each hashed with node:crypto (no checks, no paging);
 * - the write-path cost of the chain: appendAudit (head lookup + SHA-256 + insert) against the old
 *   plain INSERT into a table shaped like audit_log before migration 0009, alternated in rounds so
 *   load on the machine hits both alike.
 */

const ORG = '01900000-0000-7000-8000-0000000000aa';
const BUILD_BATCH = 50_000;

function fakeRow(i: number) {
  return {
    id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    orgId: ORG,
    actorId: '01900000-0000-7000-8000-0000000000bb',
    action: i % 5 === 0 ? 'work_orders.insert' : 'work_orders.update',
    entity: 'work_orders',
    entityId: `01900000-0000-7000-8000-${String(i % 100_000).padStart(12, '0')}`,
    before: i % 5 === 0 ? null : JSON.stringify({ status: 'DISPATCHED', version: i % 7 }),
    after: JSON.stringify({ status: 'EN_ROUTE', version: (i % 7) + 1, note: 'bench row with a little text in it' }),
    requestId: `req-${i}`,
    at: 1_790_000_000_000 + i * 1_000,
  };
}

export async function benchAuditChain(opts: { rows: number; log: (m: string) => void }): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-bench-audit-'));
  const opened = openDatabase(path.join(dir, 'audit.sqlite'));
  const { sqlite } = opened;
  try {
    // A throwaway file: no fsync per batch while building it.
    sqlite.pragma('synchronous = OFF');
    opts.log(`building ${opts.rows.toLocaleString('en-GB')} chained audit rows in ${dir} …`);
    const t0 = performance.now();
    const insert = sqlite.prepare(
      'INSERT INTO audit_log (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let prev = GENESIS_HASH;
    for (let start = 0; start < opts.rows; start += BUILD_BATCH) {
      sqlite.transaction(() => {
        for (let i = start; i < Math.min(opts.rows, start + BUILD_BATCH); i++) {
          const r = { ...fakeRow(i), seq: i + 1, prevHash: prev };
          const hash = auditHash(r);
          insert.run(
            r.id,
            r.orgId,
            r.actorId,
            r.action,
            r.entity,
            r.entityId,
            r.before,
            r.after,
            r.requestId,
            r.at,
            r.seq,
            r.prevHash,
            hash,
          );
          prev = hash;
        }
      })();
    }
    const dbMb = fs.statSync(path.join(dir, 'audit.sqlite')).size / 1024 / 1024;
    opts.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dbMb.toFixed(0)} MB); verifying …`);

    const firstReference = referencePass(sqlite);
    let peakHeap = 0;
    const heap0 = process.memoryUsage().heapUsed;
    const v0 = performance.now();
    const result = await verifyAuditChain(sqlite, ORG, {
      pause: () => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - heap0);
        return new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    const verifyS = (performance.now() - v0) / 1000;
    if (!result.ok || result.rowsChecked !== opts.rows) throw new Error(`verify of the bench chain failed: ${JSON.stringify(result)}`);
    // Once more after verify, so neither side is the only one to find the file cold; the faster counts.
    const second = referencePass(sqlite);
    const reference = second.seconds < firstReference.seconds ? second : firstReference;
    // The reference follows the encoding from its doc comment alone: the same head proves the spec is enough to verify.
    if (reference.head !== result.head?.hash) throw new Error('the reference pass and verify disagree on the head hash');

    const write = writeCost(sqlite);
    const n = opts.rows.toLocaleString('en-GB');
    return [
      {
        metric: `audit verify, ${n} rows (GET /audit/verify's code)`,
        value: `${verifyS.toFixed(2)} s (${Math.round(opts.rows / verifyS).toLocaleString('en-GB')} rows/s)`,
        target: '',
        pass: null,
      },
      {
        metric: `  reference: raw better-sqlite3 iterate + node:crypto SHA-256, same rows`,
        value: `${reference.seconds.toFixed(2)} s (${Math.round(opts.rows / reference.seconds).toLocaleString('en-GB')} rows/s)`,
        target: '',
        pass: null,
      },
      { metric: '  verify heap growth, peak while walking', value: `${(peakHeap / 1024 / 1024).toFixed(1)} MB`, target: '', pass: null },
      {
        metric: `audit row write, chained (appendAudit) vs plain INSERT, µs/row (${write.rows.toLocaleString('en-GB')} each)`,
        value: `${write.chainedUs.toFixed(1)} vs ${write.plainUs.toFixed(1)} (+${(write.chainedUs - write.plainUs).toFixed(1)})`,
        target: '',
        pass: null,
      },
    ];
  } finally {
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** node:crypto's fastest SHA-256 on this Node (the one-shot crypto.hash from 20.12 on). */
const sha256 = (text: string): string =>
  typeof crypto.hash === 'function' ? crypto.hash('sha256', text, 'hex') : crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** What the fastest possible check costs here: read every row once in order and hash it, nothing else. */
function referencePass(sqlite: ReturnType<typeof openDatabase>['sqlite']): { seconds: number; head: string } {
  const t0 = performance.now();
  const rows = sqlite
    .prepare(
      'SELECT seq, id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at, prev_hash FROM audit_log WHERE org_id = ? ORDER BY seq',
    )
    .raw()
    .iterate(ORG) as IterableIterator<unknown[]>;
  let head = '';
  for (const r of rows) head = sha256(JSON.stringify(['depotdesk-audit-v1', ...r]));
  return { seconds: (performance.now() - t0) / 1000, head };
}

/**
 * Per-row cost on the write path, in transactions of 500 rows (the fsync of a commit is the same
 * with or without the chain, so it is left out). Five alternating rounds; the median round counts.
 */
function writeCost(sqlite: ReturnType<typeof openDatabase>['sqlite']): { rows: number; chainedUs: number; plainUs: number } {
  sqlite.exec(`CREATE TABLE audit_log_unchained (id text PRIMARY KEY NOT NULL, org_id text NOT NULL, actor_id text, action text NOT NULL, entity text NOT NULL,
      entity_id text NOT NULL, before text, after text, request_id text, at integer NOT NULL);
    CREATE INDEX audit_log_unchained_entity_idx ON audit_log_unchained (org_id, entity, entity_id, at);
    CREATE INDEX audit_log_unchained_org_at_idx ON audit_log_unchained (org_id, at);`);
  const plain = sqlite.prepare(
    'INSERT INTO audit_log_unchained (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const perRound = 10_000;
  const chained: number[] = [];
  const unchained: number[] = [];
  let next = 10_000_000;
  const org = '01900000-0000-7000-8000-0000000000cc';
  for (let round = 0; round < 5; round++) {
    for (const kind of round % 2 ? ['plain', 'chained'] : ['chained', 'plain']) {
      const t0 = performance.now();
      for (let b = 0; b < perRound; b += 500) {
        sqlite.transaction(() => {
          for (let i = 0; i < 500; i++) {
            const r = { ...fakeRow(next++), orgId: org };
            if (kind === 'chained') appendAudit(sqlite, r);
            else plain.run(r.id, r.orgId, r.actorId, r.action, r.entity, r.entityId, r.before, r.after, r.requestId, r.at);
          }
        })();
      }
      (kind === 'chained' ? chained : unchained).push(((performance.now() - t0) * 1000) / perRound);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return { rows: perRound * 5, chainedUs: med(chained), plainUs: med(unchained) };
}
