import { auditHash, GENESIS_HASH, type AuditFields } from '../../db/audit-chain.js';

/** One audit row as stored, chain columns included (null where a row was slipped in unchained). */
export interface StoredAuditRow extends AuditFields {
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
}

export type BreakKind = 'changed' | 'gap' | 'link' | 'duplicate' | 'unchained';

export interface ChainBreak {
  kind: BreakKind;
  reason: string;
}

/**
 * Walks one org's chain in `seq` order, one row at a time, keeping only the previous row: memory
 * stays flat however long the chain is. After a break it carries on from the row as stored, so
 * later, independent damage is counted too (`broken`), while `first` keeps the earliest.
 */
export class ChainChecker {
  rows = 0;
  broken = 0;
  first: { row: StoredAuditRow; problem: ChainBreak } | null = null;
  last: StoredAuditRow | null = null;

  check(row: StoredAuditRow): ChainBreak | null {
    this.rows++;
    const problem = this.problemWith(row, this.last);
    this.last = row;
    if (problem) {
      this.broken++;
      this.first ??= { row, problem };
    }
    return problem;
  }

  private problemWith(row: StoredAuditRow, prev: StoredAuditRow | null): ChainBreak | null {
    if (row.seq === null || row.hash === null || row.prevHash === null) {
      return { kind: 'unchained', reason: 'this row carries no chain position or hash: it was inserted outside the application' };
    }
    const expected = (prev?.seq ?? 0) + 1;
    if (row.seq > expected) {
      const missing = row.seq - expected;
      return {
        kind: 'gap',
        reason: `${missing === 1 ? `row ${expected} is` : `rows ${expected}–${row.seq - 1} are`} missing before this one (${missing} deleted)`,
      };
    }
    if (row.seq < expected)
      return { kind: 'duplicate', reason: `position ${row.seq} occurs twice: a row was inserted with a position already taken` };
    const prevHash = prev?.hash ?? GENESIS_HASH;
    if (row.prevHash !== prevHash) {
      return {
        kind: 'link',
        reason: prev
          ? `its prev_hash is not the hash of row ${prev.seq} (${prev.id}, ${prev.action}): that row was inserted or rewritten with a new hash`
          : 'the first row does not start from the genesis hash: rows before it were removed',
      };
    }
    const actual = auditHash({ ...row, seq: row.seq, prevHash: row.prevHash });
    if (actual !== row.hash)
      return { kind: 'changed', reason: 'its fields no longer match its hash: the row was changed after it was written' };
    return null;
  }
}
