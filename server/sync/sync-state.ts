import type { Sqlite } from '../../db/client.js';
import type { Host } from '../core/context.js';

/**
 * The depot's sync bookkeeping (docs/sync.md "What a depot keeps"): `sync_state`, `sync_acks` and
 * `sync_refusals`. Plain SQL on purpose: these tables are `local`, so no write here goes through
 * mutate() or the change log. Callers that change them run inside host.commits (the push and pull
 * appliers do; the enrolment helpers below open their own unit).
 */

export interface SyncState {
  orgId: string;
  hubUrl: string;
  credential: string;
  replicaOrgId: string;
  hubOrgId: string;
  pullCursor: number;
  /** The pull's `since` while a catch-up is under way (pages said `more: true`), else null. */
  pullSince: number | null;
  paused: boolean;
  lastPushAt: number | null;
  lastPullAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  resnapshotNeeded: boolean;
  enrolledAt: number;
}

export interface Enrolment {
  hubUrl: string;
  credential: string;
  replicaOrgId: string;
  hubOrgId: string;
}

export interface SyncRefusal {
  mutationId: string;
  seq: number;
  action: string | null;
  outcome: 'refused' | 'conflict';
  code: string | null;
  message: string | null;
  at: number;
  dismissedAt: number | null;
}

const STATE_COLUMNS = `org_id AS orgId, hub_url AS hubUrl, credential, replica_org_id AS replicaOrgId, hub_org_id AS hubOrgId,
  pull_cursor AS pullCursor, pull_since AS pullSince, paused, last_push_at AS lastPushAt, last_pull_at AS lastPullAt, last_error AS lastError,
  last_error_at AS lastErrorAt, resnapshot_needed AS resnapshotNeeded, enrolled_at AS enrolledAt`;

/** The org's sync state, or null when this depot has not joined a hub. */
export function readSyncState(sqlite: Sqlite, orgId: string): SyncState | null {
  const row = sqlite.prepare(`SELECT ${STATE_COLUMNS} FROM sync_state WHERE org_id = ?`).get(orgId) as
    (Omit<SyncState, 'paused' | 'resnapshotNeeded'> & { paused: number; resnapshotNeeded: number }) | undefined;
  return row ? { ...row, paused: row.paused === 1, resnapshotNeeded: row.resnapshotNeeded === 1 } : null;
}

/** Records what the hub answered at enrolment. A new enrolment starts pulling from a snapshot. */
export function recordEnrolment(host: Host, orgId: string, e: Enrolment): void {
  host.commits.run(() =>
    host.sqlite
      .prepare(
        `INSERT INTO sync_state (org_id, hub_url, credential, replica_org_id, hub_org_id, pull_cursor, paused, resnapshot_needed, enrolled_at)
         VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)
         ON CONFLICT (org_id) DO UPDATE SET hub_url = excluded.hub_url, credential = excluded.credential,
           replica_org_id = excluded.replica_org_id, hub_org_id = excluded.hub_org_id, pull_cursor = 0, pull_since = NULL, paused = 0,
           resnapshot_needed = 0, last_error = NULL, last_error_at = NULL, enrolled_at = excluded.enrolled_at`,
      )
      .run(orgId, e.hubUrl, e.credential, e.replicaOrgId, e.hubOrgId, host.clock.now()),
  );
}

/**
 * The next pull's query (docs/sync.md "Pull"): after the cursor, with fields changed since the start
 * of the catch-up under way (kept across restarts), or since the cursor when none is.
 */
export function nextPull(sqlite: Sqlite, orgId: string): { after: number; since: number } | null {
  const s = readSyncState(sqlite, orgId);
  if (!s) return null;
  return { after: s.pullCursor, since: s.pullSince ?? s.pullCursor };
}

/** Pause or resume the loop; the credential is kept. */
export function setPaused(host: Host, orgId: string, paused: boolean): void {
  host.commits.run(() => host.sqlite.prepare('UPDATE sync_state SET paused = ? WHERE org_id = ?').run(paused ? 1 : 0, orgId));
}

/** The loop failed (network, 4xx/5xx): shown in the header indicator until the next success. */
export function recordSyncError(host: Host, orgId: string, message: string): void {
  host.commits.run(() =>
    host.sqlite
      .prepare('UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE org_id = ?')
      .run(message.slice(0, 1000), host.clock.now(), orgId),
  );
}

/** The hub answered 410 resnapshot_required: the next pull starts again from version 0. */
export function markResnapshotNeeded(host: Host, orgId: string): void {
  host.commits.run(() =>
    host.sqlite.prepare('UPDATE sync_state SET resnapshot_needed = 1, pull_cursor = 0, pull_since = NULL WHERE org_id = ?').run(orgId),
  );
}

/** How far the hub acknowledged this depot's mutations of the org (0: nothing yet). */
export function ackedSeq(sqlite: Sqlite, orgId: string): number {
  return (sqlite.prepare('SELECT acked_seq FROM sync_acks WHERE org_id = ?').pluck().get(orgId) as number | undefined) ?? 0;
}

/** Mutations of this org not yet acknowledged by the hub (the header's "pending" count). */
export function pendingCount(sqlite: Sqlite, orgId: string): number {
  return sqlite
    .prepare('SELECT count(*) FROM mutations WHERE org_id = ? AND seq > ?')
    .pluck()
    .get(orgId, ackedSeq(sqlite, orgId)) as number;
}

/** Refusals and conflicts not dismissed yet, oldest first. */
export function openRefusals(sqlite: Sqlite, orgId: string): SyncRefusal[] {
  return sqlite
    .prepare(
      `SELECT mutation_id AS mutationId, seq, action, outcome, code, message, at, dismissed_at AS dismissedAt
       FROM sync_refusals WHERE org_id = ? AND dismissed_at IS NULL ORDER BY seq`,
    )
    .all(orgId) as SyncRefusal[];
}

/** An admin saw a refusal on the Sync page; it stays in the table for the record. */
export function dismissRefusal(host: Host, orgId: string, mutationId: string, by: string): boolean {
  return host.commits.run(
    () =>
      host.sqlite
        .prepare(
          'UPDATE sync_refusals SET dismissed_at = ?, dismissed_by = ? WHERE org_id = ? AND mutation_id = ? AND dismissed_at IS NULL',
        )
        .run(host.clock.now(), by, orgId, mutationId).changes === 1,
  );
}
