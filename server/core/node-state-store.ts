import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  EPOCH_KEY,
  FINGERPRINT_KEY,
  Fingerprint,
  HLC_HIGH_KEY,
  laterHlc,
  LAST_RESTORE_KEY,
  LEGACY_EPOCH_FILE,
  NODE_ID_KEY,
  NODE_STATE_FILE,
  NodeState,
  SEQ_HIGH_KEY,
  decideNodeState,
  type DbFacts,
  type NodeDecision,
} from './node-state.js';

/** Same as server/core/private-files.ts: nobody but the depot's OS account reads the data dir. */
const PRIVATE_FILE_MODE = 0o600;

// ---- Reading and writing the facts ----

function tableExists(sqlite: Database.Database, name: string): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function setting(sqlite: Database.Database, key: string): unknown {
  const raw = sqlite.prepare('SELECT value FROM host_settings WHERE key = ?').pluck().get(key) as string | undefined;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function putSetting(sqlite: Database.Database, key: string, value: unknown): void {
  // host_settings.value is a JSON column (drizzle mode 'json').
  sqlite
    .prepare('INSERT INTO host_settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    .run(key, JSON.stringify(value));
}

const positiveInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

/** The database's side of the decision. Works on databases of any version (tables may be missing). */
export function readDbFacts(sqlite: Database.Database): DbFacts {
  if (!tableExists(sqlite, 'host_settings')) {
    return { nodeId: null, epoch: 1, seqHigh: 0, hlcHigh: null, counters: {}, fingerprint: null, epochRows: [], restoredEpoch: null };
  }
  const nodeId = setting(sqlite, NODE_ID_KEY);
  const fingerprint = Fingerprint.safeParse(setting(sqlite, FINGERPRINT_KEY));
  const restore = setting(sqlite, LAST_RESTORE_KEY) as { epoch?: unknown } | undefined;
  let seqHigh = positiveInt(setting(sqlite, SEQ_HIGH_KEY)) ?? 0;
  let hlcHigh = typeof setting(sqlite, HLC_HIGH_KEY) === 'string' ? (setting(sqlite, HLC_HIGH_KEY) as string) : null;
  if (tableExists(sqlite, 'mutations')) {
    const row = sqlite.prepare('SELECT seq, hlc FROM mutations ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hlc: string } | undefined;
    const autoinc = sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'mutations'").pluck().get() as number | undefined;
    seqHigh = Math.max(seqHigh, row?.seq ?? 0, autoinc ?? 0);
    hlcHigh = laterHlc(hlcHigh, row?.hlc ?? null);
  }
  const epochRows = tableExists(sqlite, 'node_epochs') ? (sqlite.prepare('SELECT epoch FROM node_epochs').pluck().all() as number[]) : [];
  const counters: Record<string, number> = {};
  if (tableExists(sqlite, 'counters')) {
    const rows = sqlite.prepare("SELECT org_id, name, value FROM counters WHERE name LIKE 'work_order%'").all() as {
      org_id: string;
      name: string;
      value: number;
    }[];
    for (const r of rows) counters[`${r.org_id}/${r.name}`] = r.value;
  }
  return {
    nodeId: typeof nodeId === 'string' && nodeId ? nodeId : null,
    epoch: positiveInt(setting(sqlite, EPOCH_KEY)) ?? 1,
    seqHigh,
    hlcHigh,
    counters,
    fingerprint: fingerprint.success ? fingerprint.data : null,
    epochRows,
    restoredEpoch: positiveInt(restore?.epoch),
  };
}

/** Where the database file is now: a copy of the data dir (or of the file) gives another answer. */
export function fingerprintOf(dataDir: string, dbFile: string): Fingerprint {
  const st = fs.statSync(dbFile, { bigint: true });
  return { host: os.hostname(), dir: fs.realpathSync(dataDir), dev: st.dev.toString(), ino: st.ino.toString() };
}

/**
 * Records the decision in the database, in one transaction: node id, epoch, fingerprint; on a new
 * epoch the node_epochs row, the AUTOINCREMENT raised past every seq used before, and the counters.
 */
export function applyNodeDecision(sqlite: Database.Database, d: NodeDecision, here: Fingerprint, now: number): { seqFloor: number } {
  let seqFloor = 0;
  sqlite.transaction(() => {
    putSetting(sqlite, NODE_ID_KEY, d.nodeId);
    putSetting(sqlite, EPOCH_KEY, d.epoch);
    putSetting(sqlite, FINGERPRINT_KEY, here);
    // The database's own highest seq before it is raised: below the recorded mark, the seqs between
    // were handed out by this node and lost here (a restore, a file copied back), not by a new node.
    const own = (sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'mutations'").pluck().get() as number | undefined) ?? 0;
    const lostAfterSeq = d.newEpoch && d.reason !== 'clone' && d.seqHigh > own ? own : null;
    if (d.newEpoch) {
      const raised = sqlite.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'mutations'").run(d.seqHigh);
      if (raised.changes === 0 && d.seqHigh > 0)
        sqlite.prepare("INSERT INTO sqlite_sequence(name, seq) VALUES ('mutations', ?)").run(d.seqHigh);
      for (const [key, value] of Object.entries(d.counterHigh)) {
        const [orgId, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        sqlite
          .prepare(
            'INSERT INTO counters(org_id, name, value) VALUES (?, ?, ?) ON CONFLICT(org_id, name) DO UPDATE SET value = max(value, excluded.value)',
          )
          .run(orgId, name, value);
      }
    }
    const autoinc = (sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'mutations'").pluck().get() as number | undefined) ?? 0;
    seqFloor = autoinc + 1;
    if (d.reason) {
      sqlite
        .prepare('INSERT INTO node_epochs(epoch, node_id, started_at, reason, seq_floor, lost_after_seq) VALUES (?, ?, ?, ?, ?, ?)')
        .run(d.epoch, d.nodeId, now, d.reason, seqFloor, lostAfterSeq);
    }
  })();
  return { seqFloor };
}

// ---- The sidecar file ----

/** The sidecar, or the legacy epoch file as a state without a node, or null (none, or unreadable). */
export function readSidecar(dataDir: string): NodeState | null {
  try {
    const parsed = NodeState.safeParse(JSON.parse(fs.readFileSync(path.join(dataDir, NODE_STATE_FILE), 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    /* missing or not JSON: try the legacy file */
  }
  try {
    const epoch = Number(fs.readFileSync(path.join(dataDir, LEGACY_EPOCH_FILE), 'utf8').trim());
    if (Number.isInteger(epoch) && epoch > 0) return { nodeId: null, epoch, seqHigh: 0, hlcHigh: null, fingerprint: null };
  } catch {
    /* none */
  }
  return null;
}

/** Write a temp file, flush it, rename it over: a crash leaves the old sidecar or the new one, never half. */
export function writeSidecar(dataDir: string, state: NodeState): void {
  const file = path.join(dataDir, NODE_STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', PRIVATE_FILE_MODE);
  try {
    fs.writeFileSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/** The state to write now, from what is committed (never from an open batch that may still roll back). */
export function currentState(sqlite: Database.Database, id: { nodeId: string; epoch: number; fingerprint: Fingerprint }): NodeState {
  const facts = readDbFacts(sqlite);
  return { ...id, seqHigh: facts.seqHigh, hlcHigh: facts.hlcHigh, woCounterHigh: facts.counters, fingerprint: id.fingerprint };
}

/**
 * Keeps the sidecar up to date while the host runs: every few seconds (only when something
 * changed, and never from inside an open commit batch, whose writes may still roll back) and once
 * more at a clean close. A crash loses at most the last few seconds, which only makes the sidecar
 * lag the database: it is never ahead of what was committed, so it cannot cause a false regression.
 */
export class NodeStateKeeper {
  private last = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly dataDir: string,
    private readonly id: { nodeId: string; epoch: number; fingerprint: Fingerprint },
    private readonly log: Logger,
  ) {}

  /** Writes the sidecar if what is committed changed since the last write; false when skipped. */
  save(): boolean {
    if (!this.sqlite.open || this.sqlite.inTransaction) return false;
    try {
      const state = currentState(this.sqlite, this.id);
      const text = JSON.stringify(state);
      if (text === this.last) return false;
      writeSidecar(this.dataDir, state);
      this.last = text;
      return true;
    } catch (err) {
      this.log.warn({ err }, `could not write ${NODE_STATE_FILE}; it will be tried again`);
      return false;
    }
  }

  start(intervalMs = 5_000): this {
    this.save();
    this.timer = setInterval(() => this.save(), intervalMs);
    this.timer.unref();
    return this;
  }

  /** At a clean close, after the last batch is committed and before the database closes. */
  stop(): void {
    clearInterval(this.timer);
    this.save();
  }
}

/**
 * Decides and records this open's node and epoch (createHost calls it right after migrating), logs
 * the decision, and starts keeping the sidecar.
 */
export function openNodeState(o: {
  sqlite: Database.Database;
  dataDir: string;
  dbFile: string;
  now: number;
  log: Logger;
  newNodeId: () => string;
}): { decision: NodeDecision; seqFloor: number; keeper: NodeStateKeeper } {
  const db = readDbFacts(o.sqlite);
  const sidecar = readSidecar(o.dataDir);
  const here = fingerprintOf(o.dataDir, o.dbFile);
  const decision = decideNodeState({ db, sidecar, here, freshNodeId: o.newNodeId() });
  const { seqFloor } = applyNodeDecision(o.sqlite, decision, here, o.now);
  const fields = { nodeId: decision.nodeId, epoch: decision.epoch, reason: decision.reason, seqFloor };
  if (decision.newEpoch && decision.reason !== 'first')
    o.log.warn(fields, `new node epoch ${decision.epoch} (${decision.reason}): ${decision.detail}`);
  else if (decision.reason) o.log.info(fields, `node epoch ${decision.epoch} (${decision.reason}): ${decision.detail}`);
  else o.log.info(fields, `node ${decision.nodeId}, epoch ${decision.epoch}`);
  const keeper = new NodeStateKeeper(o.sqlite, o.dataDir, { nodeId: decision.nodeId, epoch: decision.epoch, fingerprint: here }, o.log);
  // Written at once: from here on a database copied back by hand is caught at the next open.
  keeper.start();
  return { decision, seqFloor, keeper };
}
