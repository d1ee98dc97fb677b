import type { Sqlite } from '../../db/client.js';
import { perConnection } from '../../db/per-connection.js';

/** One held row or set of fields (held.ts says why they are kept). */
export interface HeldEntry {
  kind: 'row' | 'fact';
  t: string;
  r: string;
  f: Record<string, unknown>;
  c?: Record<string, string> | undefined;
}

const insertFor = perConnection((sqlite: Sqlite) =>
  sqlite.prepare('INSERT INTO sync_held (org_id, kind, tbl, row_id, fields, clocks, held_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
);

/** Keeps one entry; runs inside the apply's transaction, so a page that fails holds nothing. */
export function holdEntry(sqlite: Sqlite, orgId: string, e: HeldEntry, now: number): void {
  insertFor(sqlite).run(orgId, e.kind, e.t, e.r, JSON.stringify(e.f), e.c && Object.keys(e.c).length ? JSON.stringify(e.c) : null, now);
}
