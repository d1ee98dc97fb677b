import type { Logger } from 'pino';
import type { Db, Sqlite } from '../../db/client.js';
import type { Role } from '../../db/schema/index.js';
import type { Clock } from './clock.js';
import type { Hlc } from './hlc.js';
import type { ChangeBus } from './change-bus.js';
import type { HostMetrics } from './metrics.js';
import type { GroupCommit } from './group-commit.js';

/** What the host is made of; built once at start and shared by every request. */
export interface Host {
  db: Db;
  sqlite: Sqlite;
  clock: Clock;
  hlc: Hlc;
  /** This depot's node id; `node_epochs` ties it to every epoch, and so to every mutation. */
  depotId: string;
  bus: ChangeBus;
  /** The write batcher every mutation runs through; await `durable()` before acknowledging a write. */
  commits: GroupCommit;
  log: Logger;
  metrics: HostMetrics;
  dataDir: string;
  /** Node epoch (host_settings `node_epoch`): a restore starts a new one, so (epoch, mutations.seq) never repeats. */
  epoch: number;
}

export interface Actor {
  userId: string | null;
  role: Role | 'system';
  name: string;
}

/**
 * The Idempotency-Key a request carried (design 3.9). Its mutations take ids derived from it
 * (server/core/mutation-log.ts), so a replay of the request is recognisable in the log however old.
 */
export interface MutationKey {
  scope: string;
  key: string;
  requestHash: string;
  /** How many mutations of this request have been logged: the next one's index. */
  used: number;
}

/** Per-request context: every service call knows its org and actor, so no query runs unscoped. */
export interface Ctx {
  host: Host;
  orgId: string;
  actor: Actor;
  requestId?: string;
  /** Set by the HTTP layer when the request carried an Idempotency-Key. */
  mutationKey?: MutationKey;
}

export function systemCtx(host: Host, orgId: string, name = 'system'): Ctx {
  return { host, orgId, actor: { userId: null, role: 'system', name } };
}
