import { z } from 'zod';
import type { EPOCH_REASONS } from '../../db/schema/history.js';

/**
 * Who this node is and which epoch of its history it is in, decided each time the host opens its
 * database. A mutation is named globally by (node id, epoch, seq); seq is SQLite's AUTOINCREMENT,
 * so anything that makes a database hand out old seq numbers again, or makes two machines share a
 * node id, must start a new epoch or a new node:
 *
 * - **restore** (server/backups/restore.ts bumps the epoch and leaves a `last_restore` note): the
 *   restored database continues this node in the epoch the restore chose;
 * - **regression**: the database is behind the high-water marks this data dir recorded beside it
 *   (a file copied back by hand) → a new epoch;
 * - **clone**: the database's fingerprint (host name, real path of the data dir, device and inode of
 *   the file) is not the one it recorded (a data dir copied to another PC or folder) → a new node
 *   id and a new epoch. A new epoch alone would not do: the original and the copy would both pick
 *   epoch + 1. A false alarm (the OS moved the file) costs only a new node id.
 *
 * On every new epoch the `mutations` AUTOINCREMENT is raised to the recorded high-water mark, so a
 * seq is never handed out twice on this node, and work-order counters are raised the same way.
 *
 * The high-water marks live in `<dataDir>/node-state.json` beside the database (written atomically
 * on close, every few seconds while open, and by a restore), because the case they guard against
 * is exactly a database that does not remember them. It replaces the older `node-epoch` file.
 *
 * This file holds the decision (pure, unit-tested); node-state-store.ts reads and records it.
 */

export const NODE_STATE_FILE = 'node-state.json';
/** Written by versions before node-state.json (the epoch only); read once for the upgrade. */
export const LEGACY_EPOCH_FILE = 'node-epoch';
export const NODE_ID_KEY = 'depot_node_id';
export const EPOCH_KEY = 'node_epoch';
export const FINGERPRINT_KEY = 'node_fingerprint';
export const LAST_RESTORE_KEY = 'last_restore';
/** Persisted by the write path once per commit batch (server/core/group-commit.ts). */
export const HLC_HIGH_KEY = 'hlc_high';
export const SEQ_HIGH_KEY = 'seq_high';

export type EpochReason = (typeof EPOCH_REASONS)[number];

export const Fingerprint = z.object({ host: z.string(), dir: z.string(), dev: z.string(), ino: z.string() });
export type Fingerprint = z.infer<typeof Fingerprint>;

export const NodeState = z.object({
  /** Null only when read from the legacy `node-epoch` file (which named no node). */
  nodeId: z.string().min(1).nullable(),
  epoch: z.number().int().positive(),
  /** The highest mutation seq this node has handed out. */
  seqHigh: z.number().int().nonnegative(),
  /** The highest HLC stamp issued or merged (wire form). */
  hlcHigh: z.string().nullable(),
  /** Work-order counters (`<orgId>/<name>` → value), so a restore cannot reissue a number. */
  woCounterHigh: z.record(z.string(), z.number().int().nonnegative()).optional(),
  fingerprint: Fingerprint.nullable(),
});
export type NodeState = z.infer<typeof NodeState>;

/** What the database itself says, read at open (and from a replaced database by a restore). */
export interface DbFacts {
  nodeId: string | null;
  epoch: number;
  /** max of the highest mutation seq, the AUTOINCREMENT counter and the persisted `seq_high`. */
  seqHigh: number;
  hlcHigh: string | null;
  counters: Record<string, number>;
  fingerprint: Fingerprint | null;
  /** Epochs that have a node_epochs row, and the highest of them (0 when none). */
  epochRows: number[];
  /** The epoch a restore chose for this database (host_settings `last_restore`), if any. */
  restoredEpoch: number | null;
}

export interface NodeDecision {
  nodeId: string;
  epoch: number;
  /** The node_epochs row to record for `epoch`; null when the database carries on in a recorded epoch. */
  reason: EpochReason | null;
  /** True when the epoch (or the node) changed at this open. */
  newEpoch: boolean;
  /** The AUTOINCREMENT is raised to at least this before the next mutation (new epochs only). */
  seqHigh: number;
  /** The HLC starts from the later of the database's and the sidecar's marks. */
  hlcHigh: string | null;
  counterHigh: Record<string, number>;
  /** Why, in words, for the host log. */
  detail: string;
}

// ---- The decision (pure) ----

function hlcKey(value: string | null): [number, number] {
  if (!value) return [0, 0];
  const [wall, counter] = value.split(':');
  const w = Number(wall);
  const c = Number(counter);
  return Number.isFinite(w) && Number.isFinite(c) ? [w, c] : [0, 0];
}

/** Compares by (wall, counter) only: the node part differs after a clone and must not decide. */
export function hlcBefore(a: string | null, b: string | null): boolean {
  const [aw, ac] = hlcKey(a);
  const [bw, bc] = hlcKey(b);
  return aw < bw || (aw === bw && ac < bc);
}

export const laterHlc = (a: string | null, b: string | null) => (hlcBefore(a, b) ? b : a);

function maxCounters(...all: (Record<string, number> | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const one of all) for (const [k, v] of Object.entries(one ?? {})) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

export const sameFingerprint = (a: Fingerprint, b: Fingerprint) =>
  a.host === b.host && a.dir === b.dir && a.dev === b.dev && a.ino === b.ino;
/** A restore replaces the file (new inode) on purpose; only a different machine or folder counts then. */
const samePlace = (a: Fingerprint, b: Fingerprint) => a.host === b.host && a.dir === b.dir;

function describe(f: Fingerprint | null): string {
  return f ? `${f.host}:${f.dir} (dev ${f.dev}, inode ${f.ino})` : 'none';
}

/**
 * Decides this open's node and epoch from the database, the sidecar and where the file is now.
 * `freshNodeId` is used only when a new node id is needed (a new database, or a clone).
 */
export function decideNodeState(input: { db: DbFacts; sidecar: NodeState | null; here: Fingerprint; freshNodeId: string }): NodeDecision {
  const { db, sidecar, here } = input;
  const sameNode = sidecar !== null && db.nodeId !== null && (sidecar.nodeId === null || sidecar.nodeId === db.nodeId);
  const seqHigh = Math.max(db.seqHigh, sameNode ? sidecar.seqHigh : 0);
  const hlcHigh = laterHlc(db.hlcHigh, sidecar?.hlcHigh ?? null);
  const counterHigh = maxCounters(db.counters, sameNode ? sidecar.woCounterHigh : undefined);
  const nextEpoch = Math.max(db.epoch, sidecar?.epoch ?? 0, ...db.epochRows) + 1;
  const base = { seqHigh, hlcHigh, counterHigh };

  if (db.nodeId === null) {
    return { ...base, nodeId: input.freshNodeId, epoch: 1, reason: 'first', newEpoch: true, detail: 'a new database: a new node' };
  }
  const recorded = db.fingerprint ?? sidecar?.fingerprint ?? null;
  const restorePending = db.restoredEpoch === db.epoch && !db.epochRows.includes(db.epoch);
  if (restorePending) {
    if (recorded && !samePlace(recorded, here)) {
      return {
        ...base,
        nodeId: input.freshNodeId,
        epoch: db.epoch,
        reason: 'clone',
        newEpoch: true,
        detail: `restored from a backup made at ${recorded.host}:${recorded.dir}, now at ${here.host}:${here.dir}: a new node id`,
      };
    }
    return { ...base, nodeId: db.nodeId, epoch: db.epoch, reason: 'restore', newEpoch: true, detail: `restored from a backup` };
  }
  if (recorded && !sameFingerprint(recorded, here)) {
    return {
      ...base,
      nodeId: input.freshNodeId,
      epoch: nextEpoch,
      reason: 'clone',
      newEpoch: true,
      detail: `the database was recorded at ${describe(recorded)} and is now at ${describe(here)} (a copied data dir): a new node id`,
    };
  }
  if (sameNode) {
    const behind: string[] = [];
    if (db.epoch < sidecar.epoch) behind.push(`epoch ${db.epoch} < ${sidecar.epoch}`);
    if (db.seqHigh < sidecar.seqHigh) behind.push(`seq ${db.seqHigh} < ${sidecar.seqHigh}`);
    if (hlcBefore(db.hlcHigh, sidecar.hlcHigh)) behind.push(`hlc ${db.hlcHigh ?? 'none'} < ${sidecar.hlcHigh}`);
    if (behind.length > 0) {
      return {
        ...base,
        nodeId: db.nodeId,
        epoch: nextEpoch,
        reason: 'regression',
        newEpoch: true,
        detail: `the database is behind this data dir's high-water marks (${behind.join(', ')}): an older copy was put back`,
      };
    }
  }
  if (!db.epochRows.includes(db.epoch)) {
    // A database from before node_epochs existed: its current epoch is recorded, nothing else changes.
    const reason = db.restoredEpoch === db.epoch ? 'restore' : 'first';
    return { ...base, nodeId: db.nodeId, epoch: db.epoch, reason, newEpoch: false, detail: `epoch ${db.epoch} recorded` };
  }
  return { ...base, nodeId: db.nodeId, epoch: db.epoch, reason: null, newEpoch: false, detail: 'same node, same epoch' };
}
