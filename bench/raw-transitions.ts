import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { NEXT, type Candidate } from './transitions.js';

/**
 * The plain reference for the transition figures: the same rows a status change writes (the work
 * order, its event, a chained audit entry, the mutation header and its change rows), straight
 * through better-sqlite3, one transaction each with `synchronous = FULL`, on a copy of the bench's
 * database (the reference must not leave foreign rows in the file the host is measured on).
 */

export interface RawResult {
  samples: number[];
  perSecond: number;
}

export function rawTransitions(dbFile: string, candidates: Candidate[], count: number): RawResult {
  const copy = path.join(path.dirname(dbFile), `raw-reference-${process.pid}.sqlite`);
  fs.copyFileSync(dbFile, copy);
  const db = new Database(copy);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const load = db.prepare('SELECT * FROM work_orders WHERE id = ?');
    const update = db.prepare('UPDATE work_orders SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND org_id = ?');
    const event = db.prepare(
      "INSERT INTO work_order_events (id, org_id, work_order_id, type, from_status, to_status, actor_id, at, data) VALUES (?, ?, ?, 'status_changed', ?, ?, NULL, ?, '{}')",
    );
    const lastAudit = db.prepare('SELECT seq, hash FROM audit_log WHERE org_id = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1');
    const audit = db.prepare(
      "INSERT INTO audit_log (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at, seq, prev_hash, hash) VALUES (?, ?, NULL, 'work_order.status_changed', 'work_orders', ?, ?, ?, NULL, ?, ?, ?, ?)",
    );
    const mutation = db.prepare(
      "INSERT INTO mutations (id, org_id, epoch, hlc, action, actor_id, request_hash, audit_from, audit_to, at) VALUES (?, ?, 1, ?, 'work_order.status_changed', NULL, NULL, ?, ?, ?)",
    );
    const change = db.prepare('INSERT INTO changes (mutation_seq, n, table_name, row_id, op, fields) VALUES (?, ?, ?, ?, ?, ?)');
    const transition = db.transaction((id: string) => {
      const wo = load.get(id) as { org_id: string; status: string; version: number };
      const to = NEXT[wo.status]?.to ?? 'ON_SITE';
      const at = Date.now();
      update.run(to, at, id, wo.org_id);
      const eventId = randomUUID();
      event.run(eventId, wo.org_id, id, wo.status, to, at);
      const prev = lastAudit.get(wo.org_id) as { seq: number; hash: string } | undefined;
      const seq = (prev?.seq ?? 0) + 1;
      const before = JSON.stringify({ status: wo.status, version: wo.version });
      const after = JSON.stringify({ status: to, version: wo.version + 1 });
      const hash = createHash('sha256')
        .update(`${prev?.hash ?? ''}|${seq}|${id}|${before}|${after}|${at}`)
        .digest('hex');
      audit.run(randomUUID(), wo.org_id, id, before, after, at, seq, prev?.hash ?? '', hash);
      const m = mutation.run(randomUUID(), wo.org_id, `${at}:00000:raw`, seq, seq, at);
      change.run(m.lastInsertRowid, 0, 'work_orders', id, 'update', JSON.stringify({ status: [to, `${at}`] }));
      change.run(m.lastInsertRowid, 1, 'work_order_events', eventId, 'insert', null);
    });
    const samples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      transition.immediate((candidates[i % candidates.length] as Candidate).id);
      samples.push(performance.now() - t0);
    }
    return { samples, perSecond: count / ((performance.now() - started) / 1000) };
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(copy + suffix, { force: true });
  }
}
