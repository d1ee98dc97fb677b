import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type pg from 'pg';
import type { Logger } from 'pino';
import { createHost } from '../host.js';
import type { Host } from '../core/context.js';
import { withOrg } from '../hub/db/pool.js';
import { hubOrgs } from '../hub/db/schema.js';
import { readPull, ResnapshotRequiredError } from '../hub/sync/pull.js';
import { SYNC_SCHEMA_EPOCH } from '../sync/contract-protocol.js';
import { applyPullPage } from '../sync/pull-apply.js';
import { readSyncState, recordEnrolment } from '../sync/sync-state.js';
import { AppError } from '../errors.js';

/**
 * The managers' view reads a replica of each organization that is a depot database in all but
 * name: the depot's schema, filled by the depot's own pull-apply code from the hub's pull pages (read
 * in-process, no HTTP), so the KPI engine, PDF and workbook builders run on it unchanged and every
 * figure means what it means at a depot. It never writes to the hub and nothing in it is pushed.
 *
 * One replica per org, created on first use and caught up before each answer (a catch-up reads only
 * what changed since its cursor, usually nothing). The files are a cache: deleted and rebuilt from a
 * snapshot when the hub says the cursor is too old, or when they cannot be opened.
 */

/** Rows and facts per pull page, as a depot asks (server/sync/loop.ts). */
const PAGE_LIMIT = 5_000;
/** A catch-up stops after this long and answers with what it has (the answer says how far it got). */
const CATCH_UP_BUDGET_MS = 20_000;

export interface ReplicaState {
  host: Host;
  /** The org id rows carry (`organizations.id` in the replica); null until a depot has enrolled. */
  orgId: string | null;
  version: number;
  hubVersion: number;
  caughtUpAt: number;
}

interface Entry {
  host: Host & { close(): void };
  orgId: string | null;
  /** Catch-ups of one org run one after another; readers wait for the one under way. */
  chain: Promise<unknown>;
  lastHubVersion: number;
  caughtUpAt: number;
}

export interface OrgReplicasOptions {
  /** Where the replica files live (one folder per hub org). */
  dir: string;
  pool: pg.Pool;
  now: () => number;
  log: Logger;
}

export class OrgReplicas {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly opts: OrgReplicasOptions) {
    fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  }

  /** The org's replica, caught up with the hub as of this call. */
  current(hubOrgId: string): Promise<ReplicaState> {
    if (this.closed) return Promise.reject(new AppError(503, 'shutting_down', 'The hub is stopping.'));
    const entry = this.entries.get(hubOrgId) ?? this.open(hubOrgId);
    const next = entry.chain.catch(() => undefined).then(() => this.catchUp(hubOrgId, entry));
    entry.chain = next;
    return next;
  }

  close(): void {
    this.closed = true;
    for (const e of this.entries.values()) e.host.close();
    this.entries.clear();
  }

  private open(hubOrgId: string): Entry {
    const dataDir = path.join(this.opts.dir, hubOrgId);
    let host: Host & { close(): void };
    try {
      host = createHost({ dataDir, clock: { now: this.opts.now }, log: this.opts.log });
    } catch (err) {
      // A cache that cannot be opened (a half-written file, an older schema's leftovers) is rebuilt.
      this.opts.log.warn({ err, dataDir }, "the managers' view replica could not be opened; rebuilding it from a snapshot");
      fs.rmSync(dataDir, { recursive: true, force: true });
      host = createHost({ dataDir, clock: { now: this.opts.now }, log: this.opts.log });
    }
    const state = host.sqlite.prepare('SELECT replica_org_id AS orgId FROM sync_state LIMIT 1').get() as { orgId: string } | undefined;
    const entry: Entry = { host, orgId: state?.orgId ?? null, chain: Promise.resolve(), lastHubVersion: 0, caughtUpAt: 0 };
    this.entries.set(hubOrgId, entry);
    return entry;
  }

  private async catchUp(hubOrgId: string, entry: Entry): Promise<ReplicaState> {
    const { pool } = this.opts;
    if (!entry.orgId) {
      const [org] = await withOrg(pool, hubOrgId, ({ db }) =>
        db.select({ replicaOrgId: hubOrgs.replicaOrgId }).from(hubOrgs).where(eq(hubOrgs.id, hubOrgId)),
      );
      if (!org?.replicaOrgId) return this.state(entry, 0);
      entry.orgId = org.replicaOrgId;
      // The replica is the organization's own org id, so pulled rows need no id mapping.
      recordEnrolment(entry.host, entry.orgId, {
        hubUrl: 'in-process',
        credential: '-',
        replicaOrgId: entry.orgId,
        hubOrgId,
      });
      await entry.host.commits.durable();
    }
    const orgId = entry.orgId;
    const started = this.opts.now();
    for (;;) {
      const sync = readSyncState(entry.host.sqlite, orgId)!;
      const after = sync.pullCursor;
      let page;
      try {
        page = await withOrg(pool, hubOrgId, (tx) =>
          readPull(tx, { orgId: hubOrgId }, { after, since: sync.pullSince ?? after, limit: PAGE_LIMIT, schema: SYNC_SCHEMA_EPOCH }),
        );
      } catch (err) {
        if (!(err instanceof ResnapshotRequiredError)) throw err;
        this.opts.log.info({ hubOrgId }, "the managers' view replica is older than the hub keeps history for; taking a new snapshot");
        return this.rebuild(hubOrgId, entry);
      }
      entry.lastHubVersion = Math.max(entry.lastHubVersion, page.to);
      if (page.to > page.after || page.rows.length + page.facts.length > 0) applyPullPage(entry.host, orgId, page);
      await entry.host.commits.durable();
      if (!page.more || this.opts.now() - started > CATCH_UP_BUDGET_MS) break;
      // Let requests in between pages of a long snapshot.
      await new Promise((r) => setImmediate(r));
    }
    entry.caughtUpAt = this.opts.now();
    return this.state(entry, readSyncState(entry.host.sqlite, orgId)!.pullCursor);
  }

  private async rebuild(hubOrgId: string, entry: Entry): Promise<ReplicaState> {
    entry.host.close();
    this.entries.delete(hubOrgId);
    fs.rmSync(path.join(this.opts.dir, hubOrgId), { recursive: true, force: true });
    const fresh = this.open(hubOrgId);
    return this.catchUp(hubOrgId, fresh);
  }

  private state(entry: Entry, version: number): ReplicaState {
    return {
      host: entry.host,
      orgId: entry.orgId,
      version,
      hubVersion: Math.max(entry.lastHubVersion, version),
      caughtUpAt: entry.caughtUpAt || this.opts.now(),
    };
  }
}
