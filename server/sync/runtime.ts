import type { Host } from '../core/context.js';
import type { SyncStatusDto } from './contract.js';
import { SyncLoop, type SyncLoopOptions, type SyncLoopStatus } from './loop.js';
import { depotStore, openRefusalCounts } from './store.js';
import { heldSummary, replayHeld } from './held.js';
import { readDrift } from './drift.js';
import { keepFetched, type RemoteAttachment } from './blobs.js';
import { HubClient, type HubClientOptions } from './hub-client.js';
import { pendingCount, readSyncState } from './sync-state.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The depot's sync for one host: the loop on the host's database, started with the host
 * (server/start.ts) and stopped before it closes. Routes reach it through `services.sync`; a host
 * built without start.ts (tests, tools) gets one that is not started, so "sync now" and the status
 * still work there.
 */
export class SyncRuntime {
  readonly loop: SyncLoop;
  private readonly clientOptions: HubClientOptions;
  private unsubscribe: (() => void) | null = null;
  private lastPublished = '';
  /** Set once stop() has returned: the host closes its database next, so nothing may publish after. */
  private stopped = false;

  constructor(
    private readonly host: Host,
    options: SyncLoopOptions = {},
  ) {
    const store = depotStore(host, () => this.orgId());
    this.clientOptions = {
      ...options.client,
      onBytes: (direction, bytes) => {
        options.client?.onBytes?.(direction, bytes);
        host.metrics.syncBytes.inc({ direction }, bytes);
      },
    };
    this.loop = new SyncLoop(store, {
      ...options,
      client: this.clientOptions,
      onDrift: (d) => {
        options.onDrift?.(d);
        const m = host.metrics;
        m.syncDriftChecks.inc();
        for (const t of d.mismatched) m.syncDriftMismatches.inc({ table: t });
        m.syncDriftFetched.inc(d.fetched);
        m.syncDriftRepaired.inc(d.repaired);
        m.syncDriftOnlyHere.set(Object.values(d.onlyHere).reduce((a, b) => a + b, 0));
        if (d.mismatched.length) host.log.warn(d, 'sync: drift found against the hub');
      },
      onStatus: (s) => {
        options.onStatus?.(s);
        this.publish(s);
      },
    });
  }

  /** The depot's one org (DESIGN: one org per host); null before first-run setup. */
  orgId(): string | null {
    return (
      (this.host.sqlite.prepare('SELECT id FROM organizations ORDER BY created_at LIMIT 1').pluck().get() as string | undefined) ?? null
    );
  }

  /**
   * Fetches an attachment's file from the hub the first time someone opens it here (blobs.ts) and keeps
   * it; false when this depot has no hub or the hub does not have the file yet.
   */
  async fetchFile(orgId: string, a: RemoteAttachment): Promise<boolean> {
    const state = readSyncState(this.host.sqlite, orgId);
    if (!state) return false;
    const bytes = await new HubClient(state.hubUrl, state.credential, this.clientOptions).getBlob(a.sha256);
    if (!bytes) return false;
    await keepFetched(this.host, orgId, a, bytes);
    return true;
  }

  /** See SyncLoop.reconcileBeforeServing: the host calls it before it listens. */
  async reconcileBeforeServing(timeoutMs = 5_000): Promise<void> {
    const outcome = await this.loop.reconcileBeforeServing(timeoutMs);
    if (outcome === 'done') this.host.log.info('sync: learnt from the hub which requests this restored depot had already applied');
    else if (outcome !== 'none')
      this.host.log.warn(
        { err: outcome },
        'sync: the hub could not be asked which requests this restored depot had applied; a phone resending one before it can be asked may apply it twice',
      );
  }

  start(): this {
    // Before the loop's first pull: what an older release of this depot held (a newer hub's columns
    // or tables) and this one has now is applied first, so anything the hub sends later stays newer.
    const orgId = this.orgId();
    if (orgId) {
      const applied = replayHeld(this.host, orgId);
      if (applied) this.host.log.info({ entries: applied }, 'sync: applied what an older release held for this one');
    }
    // A local write committed: push soon (debounced in the loop). The loop's own writes publish too,
    // but a cycle asked for while one runs only runs once more, so this cannot spin.
    this.unsubscribe = this.host.bus.subscribe((m) => {
      if (m.type === 'sync.status' || m.type.startsWith('sync.')) return;
      this.loop.localChange();
    });
    this.loop.start();
    return this;
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.loop.stop();
    this.stopped = true;
  }

  status(): SyncStatusDto {
    const orgId = this.orgId();
    const state = orgId ? readSyncState(this.host.sqlite, orgId) : null;
    const loop = this.loop.snapshot();
    const counts = orgId ? openRefusalCounts(this.host, orgId) : { refused: 0, conflict: 0 };
    const drift = orgId && state ? readDrift(this.host.sqlite, orgId) : null;
    const phase = !state
      ? 'off'
      : state.paused
        ? 'paused'
        : loop.phase === 'off'
          ? state.lastError
            ? 'offline'
            : 'connecting'
          : loop.phase;
    return {
      enrolled: state !== null,
      hubUrl: state?.hubUrl ?? null,
      hubOrgId: state?.hubOrgId ?? null,
      phase,
      live: loop.live,
      paused: state?.paused ?? false,
      pending: orgId && state ? pendingCount(this.host.sqlite, orgId) : 0,
      lastPushAt: iso(loop.lastPushAt ?? state?.lastPushAt ?? null),
      lastPullAt: iso(loop.lastPullAt ?? state?.lastPullAt ?? null),
      lastError: loop.lastError ?? state?.lastError ?? null,
      refusals: counts.refused,
      conflicts: counts.conflict,
      pullCursor: state?.pullCursor ?? 0,
      nextAttemptAt: iso(loop.nextAttemptAt),
      held: orgId ? heldSummary(this.host.sqlite, orgId) : { entries: 0, names: [] },
      drift: drift ? { checkedAt: new Date(drift.checkedAt).toISOString(), ...drift.summary } : null,
    };
  }

  private publish(loop: SyncLoopStatus): void {
    if (this.stopped) return;
    const orgId = this.orgId();
    if (!orgId) return;
    const status = this.status();
    // Only what a user would see changing; the cycle's own timestamps move every poll.
    const key = JSON.stringify([
      status.phase,
      status.live,
      status.pending,
      status.lastError,
      status.refusals,
      status.conflicts,
      status.nextAttemptAt,
      loop.lastPullAt,
    ]);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    this.host.bus.publish({
      type: 'sync.status',
      orgId,
      data: { tables: [], changes: [], ...status },
      at: new Date(this.host.clock.now()).toISOString(),
    });
  }
}
