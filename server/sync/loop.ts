import type { OwnMutationsPage, PullPage, PullQuery, PushAnswer, PushBatch } from './contract-protocol.js';
import type { DriftSummary } from './drift.js';
import { checkDrift, type DriftStore } from './drift-check.js';
import { BLOB_PART_BYTES, readPart, type BlobToSend } from './blobs.js';
import type { LostRange } from './replayable.js';
import { SYNC_SCHEMA_EPOCH } from './contract-protocol.js';
import { DEFAULT_PUSH_MUTATIONS } from './push-batch.js';
import {
  HubClient,
  HubCredentialError,
  HubRefusedError,
  HubUnavailableError,
  type HubClientOptions,
  type WireCompression,
  type PullOutcome,
} from './hub-client.js';

/**
 * The depot's sync loop (docs/sync.md): push everything pending, then pull until the hub has no
 * more, one cycle at a time; again on a local commit (debounced), on a live poke from the hub, and
 * every `pollMs` as the fallback when the live socket is down. Failures back off exponentially with
 * jitter and never stop the depot: every local write has already committed.
 *
 * The loop owns no SQL: the store (store.ts, on the host's SQLite) reads batches and applies answers
 * and pages, each in one transaction. That keeps this file testable with a fake store and a fake hub.
 */

export interface SyncLink {
  hubUrl: string;
  credential: string;
  paused: boolean;
}

/** What the loop needs from the depot's database. */
/** One hub and credential: the live socket and the compression state belong to it. */
const linkKey = (link: SyncLink) => `${link.hubUrl}\n${link.credential}`;

export interface SyncStore extends DriftStore {
  /** The enrolment, or null when this depot is not enrolled. */
  link(): SyncLink | null;
  nextBatch(maxMutations: number): PushBatch | null;
  applyPushAnswer(batch: PushBatch, answer: PushAnswer): void;
  /** The hub acknowledged less than we thought (a restored hub, a lost ack): resend from there. */
  rewindAck(batch: PushBatch, expectedAfterSeq: number | null): void;
  /** Where the next pull starts (`after`) and where the current catch-up started (`since`, docs/sync.md Pull). */
  cursor(): { after: number; since: number };
  /** A page as the hub client returns it: already validated against the contract's schema. */
  applyPullPage(page: PullPage): void;
  /** The hub asked for a new snapshot: the next pull starts at 0. */
  resnapshot(reason: string): void;
  /** Mutations not yet acknowledged by the hub. */
  pending(): number;
  /** Seq ranges a restore lost here that the hub has not yet been asked about (replayable.ts). */
  lostRanges(): LostRange[];
  /** One page of the hub's answer for a lost range; `doneEpoch` once the range is complete. */
  recordReplayable(page: OwnMutationsPage, doneEpoch: number | null): void;
  /** When the last drift check ran (epoch ms). */
  driftCheckedAt(): number | null;
  /** Attachment files present here and not yet at the hub (blobs.ts), and recording one as sent or refused. */
  blobsToSend(limit: number): BlobToSend[];
  blobMark(sha256: string, state: 'sent' | 'refused', message?: string): void;
  /** Written after each cycle so the console shows it after a restart too. */
  recordOutcome(outcome: { pushedAt?: number; pulledAt?: number; error?: string | null }): void;
}

export type SyncPhase = 'off' | 'paused' | 'connecting' | 'online' | 'offline' | 'revoked';

export interface SyncLoopStatus {
  phase: SyncPhase;
  live: boolean;
  lastError: string | null;
  /** Epoch ms of the last successful push / pull in this process. */
  lastPushAt: number | null;
  lastPullAt: number | null;
  nextAttemptAt: number | null;
}

export interface SyncLoopOptions {
  now?: () => number;
  pollMs?: number;
  /** How often the drift check runs, when nothing is pending either way (default hourly; 0: never on its own). */
  driftEveryMs?: number;
  /** Told of each drift check's result (metrics). */
  onDrift?: (summary: DriftSummary) => void;
  /** "Sync now" (runOnce) aborts a running cycle whose hub has said nothing for this long (default 5 s). */
  stallMs?: number;
  /** Debounce between a local commit and the push it triggers. */
  pushDelayMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
  pullLimit?: number;
  /**
   * Page size while a snapshot is pulled (its catch-up started at 0: a depot joining, or told to
   * resnapshot). Fewer, larger pages: the hub's per-request and the depot's per-transaction costs are
   * paid a fifth as often. Each page blocks this process while it is applied (about a second for
   * 5,000 work orders), acceptable while the depot is joining; later catch-ups keep `pullLimit`.
   */
  snapshotPullLimit?: number;
  /** Pages pulled per cycle at most, so a long snapshot yields to pushes between cycles. */
  maxPagesPerCycle?: number;
  client?: HubClientOptions;
  /** Connect the live socket (tests of the polling fallback turn it off). */
  live?: boolean;
  /** Wait before reconnecting a live socket that closed while the hub answers (default 5 s). */
  liveReconnectMs?: number;
  onStatus?: (status: SyncLoopStatus) => void;
  onCycle?: (result: CycleResult) => void;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface CycleResult {
  pushed: number;
  pulledPages: number;
  pulledRows: number;
  error: string | null;
}

export class SyncLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Not started, or stopped: nothing is scheduled (runOnce still works, for tests and "sync now"). */
  private stopped = true;
  /** stop() was called: a running cycle ends between requests. */
  private closing = false;
  private failures = 0;
  private socket: { close(): void } | null = null;
  private socketFor: string | null = null;
  /** Push compression state across cycles, for one hub and credential (push-dictionary.ts). */
  private compression: { key: string; state: WireCompression } | null = null;
  private liveReconnect: NodeJS.Timeout | null = null;
  /** When this process last started a drift check on its own (epoch ms, this.now()). */
  private driftTriedAt = 0;
  /** The running cycle's requests; runOnce aborts them when the hub has gone silent. */
  private cycleAbort: AbortController | null = null;
  /** performance.now() of the running cycle's start or the hub's last answer. */
  private lastActivity = 0;
  private readonly status: SyncLoopStatus = {
    phase: 'off',
    live: false,
    lastError: null,
    lastPushAt: null,
    lastPullAt: null,
    nextAttemptAt: null,
  };
  private readonly now: () => number;

  constructor(
    private readonly store: SyncStore,
    private readonly options: SyncLoopOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): this {
    this.stopped = false;
    this.closing = false;
    this.kick(0);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.closeLive();
    // A request into a dead link would hold the shutdown (and a restore's restart) for the client's
    // timeout: nothing of an unanswered request was applied, so it is dropped.
    this.cycleAbort?.abort(new HubUnavailableError('The depot is shutting down; sync will resume when it starts.'));
    await this.running;
    this.setStatus({ phase: 'off', nextAttemptAt: null });
  }

  snapshot(): SyncLoopStatus {
    return { ...this.status };
  }

  /**
   * The depot enrolled or left: what this loop remembers (times, last error, backoff) was about the
   * other hub, or none, so the status starts afresh and the next cycle runs at once.
   */
  forgetLink(): void {
    this.failures = 0;
    this.closeLive();
    this.setStatus({ lastError: null, lastPushAt: null, lastPullAt: null, nextAttemptAt: null });
  }

  /** A local write committed: push soon. */
  localChange(): void {
    if (!this.timer || (this.status.nextAttemptAt ?? 0) - this.now() > (this.options.pushDelayMs ?? 250)) {
      if (this.failures === 0) this.kick(this.options.pushDelayMs ?? 250);
    }
  }

  /** Run a cycle after `delayMs` (0: now); a cycle already running runs once more after it ends. */
  kick(delayMs = 0): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.status.nextAttemptAt = this.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.launch();
    }, delayMs);
    this.timer.unref?.();
  }

  /** One push-then-pull cycle; resolves when done (tests and the Sync page's "sync now" await it). */
  async runOnce(): Promise<CycleResult> {
    while (this.running) {
      // A request into a black-holed link neither answers nor fails until the client's timeout (30 s,
      // sized for a big page on a slow link). Someone asking for a sync now does not wait on a hub that
      // has said nothing for stallMs: that cycle is aborted (nothing of an unanswered request was
      // applied here, and the hub takes a resent push as a duplicate) and a fresh one starts.
      if (await this.stalled(this.running)) {
        const quiet = Math.round((performance.now() - this.lastActivity) / 1000);
        this.cycleAbort?.abort(new HubUnavailableError(`The hub had not answered for ${quiet} s; sync started again.`));
        await this.running;
      }
    }
    return this.launch();
  }

  /** Waits for `running` to end (false) or for the hub to have been silent for stallMs (true). */
  private async stalled(running: Promise<void>): Promise<boolean> {
    const stallMs = this.options.stallMs ?? 5_000;
    for (;;) {
      const left = this.lastActivity + stallMs - performance.now();
      if (left <= 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        running.then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.ceil(left)))),
      ]);
      clearTimeout(timer);
      if (ended) return false;
    }
  }

  /** Runs a cycle unless one is running (then it runs once more after it); one cycle at a time, always. */
  private launch(): Promise<CycleResult> {
    if (this.running) {
      this.again = true;
      return this.running.then(() => ({ pushed: 0, pulledPages: 0, pulledRows: 0, error: null }));
    }
    let result: CycleResult = { pushed: 0, pulledPages: 0, pulledRows: 0, error: null };
    this.running = this.cycle((r) => (result = r)).finally(() => {
      this.running = null;
      // Asked again while running: go on now, unless the cycle failed; its backoff timer stands, or
      // a commit or a poke during an outage would hammer the hub.
      if (this.again && !this.stopped && this.failures === 0) this.kick(0);
      this.again = false;
    });
    return this.running.then(() => result);
  }

  private async cycle(report?: (r: CycleResult) => void): Promise<void> {
    const result: CycleResult = { pushed: 0, pulledPages: 0, pulledRows: 0, error: null };
    const link = this.store.link();
    if (!link) {
      this.closeLive();
      this.setStatus({ phase: 'off', live: false, nextAttemptAt: null });
      report?.(result);
      return;
    }
    if (link.paused) {
      this.closeLive();
      this.setStatus({ phase: 'paused', live: false, nextAttemptAt: null });
      report?.(result);
      return;
    }
    if (this.status.phase === 'off' || this.status.phase === 'paused') this.setStatus({ phase: 'connecting' });
    const key = linkKey(link);
    if (this.compression?.key !== key) this.compression = { key, state: { pushed: null, pulled: null, off: false } };
    this.cycleAbort = new AbortController();
    this.lastActivity = performance.now();
    const client = new HubClient(link.hubUrl, link.credential, {
      ...this.options.client,
      compression: this.compression.state,
      signal: this.cycleAbort.signal,
      onActivity: () => (this.lastActivity = performance.now()),
    });
    try {
      await this.reconcileLost(client);
      result.pushed = await this.pushAll(client);
      const pulled = await this.pullAll(client);
      // Files after rows: a slow or failing upload never holds up what dispatchers see; it is tried
      // again next cycle, from what the hub already has.
      const filesLeft = await this.uploadFiles(client).catch((err: unknown) => {
        this.options.log?.warn({ err: String(err) }, 'sync: attachment file upload failed; it resumes next cycle');
        return false;
      });
      result.pulledPages = pulled.pages;
      result.pulledRows = pulled.rows;
      this.failures = 0;
      const at = this.now();
      this.status.lastPushAt = at;
      this.status.lastPullAt = at;
      this.store.recordOutcome({ pushedAt: at, pulledAt: at, error: null });
      this.setStatus({ phase: 'online', lastError: null });
      this.ensureLive(client, link);
      // More waiting (a page limit reached, or writes during the cycle): go on soon; else poll.
      const more = pulled.more || this.store.pending() > 0 || filesLeft;
      const every = this.options.driftEveryMs ?? 3_600_000;
      if (!more && every > 0 && this.now() - Math.max(this.store.driftCheckedAt() ?? 0, this.driftTriedAt) >= every) {
        // Tried, whatever comes of it (a hub too old for the check, a failure): not again before it is due.
        this.driftTriedAt = this.now();
        // A failed check is not a failed sync: it is tried again at the next due time.
        await this.checkDrift(client).catch((err: unknown) => this.options.log?.warn({ err: String(err) }, 'sync: drift check failed'));
      }
      this.schedule(more ? 0 : (this.options.pollMs ?? 30_000));
    } catch (err) {
      result.error = err instanceof Error ? err.message : String(err);
      try {
        this.store.recordOutcome({ error: result.error });
      } catch (recordErr) {
        // The database refused this write too (busy behind a checkpoint, say): the status below still
        // shows the error, and a throw here would reject a cycle nobody awaits and end the process.
        this.options.log?.warn({ err: String(recordErr) }, 'sync: could not record the failed cycle');
      }
      if (err instanceof HubCredentialError) {
        // Revoked or unknown: retrying cannot help; an admin must enrol again.
        this.closeLive();
        this.setStatus({ phase: 'revoked', live: false, lastError: result.error, nextAttemptAt: null });
        this.options.log?.warn({ err: result.error }, 'sync: the hub no longer accepts this depot; enrol again');
      } else {
        this.failures += 1;
        const delay = this.backoff();
        this.setStatus({ phase: 'offline', lastError: result.error });
        this.options.log?.warn({ err: result.error, retryInMs: delay }, 'sync cycle failed');
        this.schedule(delay);
      }
    }
    this.options.onCycle?.(result);
    report?.(result);
  }

  /**
   * Once, before the host serves requests after a restore: the lost range's ids are fetched while no
   * phone can resend yet, so a resend in the first seconds is not run twice (the loop's own first
   * cycle comes after the host listens). Bounded by `timeoutMs`; a hub out of reach leaves it to the
   * loop. Returns what happened, for the log.
   */
  async reconcileBeforeServing(timeoutMs: number): Promise<'none' | 'done' | string> {
    const link = this.store.link();
    if (!link || link.paused || this.store.lostRanges().length === 0) return 'none';
    const client = new HubClient(link.hubUrl, link.credential, { ...this.options.client, timeoutMs });
    // Nothing else keeps the process alive yet (the server does not listen), and Node's fetch leaves
    // its promise pending, with no handle of its own, when the peer resets the connection as it opens
    // (a firewall, the fuzz's partition): the process would exit 0 mid-start. The request's timeout
    // timer is unref'd, so this one, ref'd, keeps the process up until that timeout settles it.
    const keepAlive = setTimeout(() => undefined, timeoutMs + 1_000);
    try {
      await this.reconcileLost(client);
      return 'done';
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(keepAlive);
    }
  }

  /**
   * Before anything else in a cycle after a restore: which of the mutations the restore lost here the
   * hub holds, so a replayed crew request is answered as applied, not run twice (replayable.ts).
   * An older hub without the route is asked again next cycle.
   */
  private async reconcileLost(client: HubClient): Promise<void> {
    for (const range of this.store.lostRanges()) {
      let after = range.after;
      for (;;) {
        if (this.closing) return;
        const page = await client.ownMutations({ after, before: range.before, limit: 1_000 });
        if (!page) return;
        const last = page.mutations[page.mutations.length - 1];
        // `more` with an empty page cannot move on: take the range as answered rather than loop.
        const done = !page.more || !last || last.seq <= after;
        this.store.recordReplayable(page, done ? range.epoch : null);
        if (done) break;
        after = last.seq;
      }
    }
  }

  /** The drift check at once (the Sync page's "Check now"); null when not enrolled, paused, or the hub is too old. */
  async checkDriftNow(): Promise<DriftSummary | null> {
    const link = this.store.link();
    if (!link || link.paused) return null;
    return this.checkDrift(new HubClient(link.hubUrl, link.credential, this.options.client));
  }

  private async checkDrift(client: HubClient): Promise<DriftSummary | null> {
    const summary = await checkDrift(client, this.store);
    if (summary) this.options.onDrift?.(summary);
    return summary;
  }

  /**
   * Attachment files not yet at the hub (blobs.ts), up to ~32 MiB a cycle so pushes and pulls are not
   * held up by a large backlog; each resumes from what the hub already has. True when more are waiting.
   */
  private async uploadFiles(client: HubClient): Promise<boolean> {
    let budget = 32 * 1024 * 1024;
    for (const f of this.store.blobsToSend(20)) {
      if (this.closing || budget <= 0) return true;
      const status = await client.blobStatus(f.sha256);
      if (!status) return false; // a hub too old to take files: asked again next cycle
      let offset = status.complete ? f.size : status.received;
      while (offset < f.size) {
        const part = readPart(f.file, offset, Math.min(BLOB_PART_BYTES, f.size - offset));
        const put = await client.putBlobPart(f.sha256, f.size, offset, part);
        budget -= part.length;
        if (put.status === 422) {
          this.store.blobMark(f.sha256, 'refused', 'the file here no longer matches its SHA-256, so the hub would not take it');
          break;
        }
        if (put.body.complete) offset = f.size;
        else if (put.body.received > offset || put.status === 409) offset = put.body.received;
        else throw new HubUnavailableError(`The hub did not take part ${offset} of file ${f.sha256}.`);
        if (budget <= 0 && offset < f.size) return true;
      }
      if (offset >= f.size) this.store.blobMark(f.sha256, 'sent');
    }
    return false;
  }

  private async pushAll(client: HubClient): Promise<number> {
    let pushed = 0;
    for (;;) {
      if (this.closing) return pushed;
      const batch = this.store.nextBatch(this.options.batchSize ?? DEFAULT_PUSH_MUTATIONS);
      if (!batch) return pushed;
      const outcome = await client.push(batch);
      if (outcome.kind === 'gap') {
        this.store.rewindAck(batch, outcome.expectedAfterSeq);
        continue;
      }
      this.store.applyPushAnswer(batch, outcome.answer);
      pushed += batch.mutations.length;
    }
  }

  /**
   * Pulls pages until the hub has no more (or maxPagesPerCycle). While page N is applied (synchronous
   * SQLite), page N+1 is already requested: the hub reads it and its bytes arrive meanwhile. The
   * prefetch asks what the loop would ask next (`after` = N's `to`; `since` unchanged, as the store
   * keeps it while a page says more) and is used only when the store's cursor, read after N committed,
   * names exactly that; otherwise (a page not applied, a cursor moved elsewhere) it is dropped. A
   * dropped prefetch never applies anything, so a failure anywhere leaves the cursor where the last
   * applied page put it.
   */
  private async pullAll(client: HubClient): Promise<{ pages: number; rows: number; more: boolean }> {
    let pages = 0;
    let rows = 0;
    const maxPages = this.options.maxPagesPerCycle ?? 50;
    const limitFor = (since: number) => (since === 0 ? (this.options.snapshotPullLimit ?? 5_000) : (this.options.pullLimit ?? 1_000));
    let ahead: { after: number; since: number; outcome: Promise<PullOutcome> } | null = null;
    for (;;) {
      if (this.closing) return { pages, rows, more: false };
      const { after, since } = this.store.cursor();
      const outcome: PullOutcome =
        ahead && ahead.after === after && ahead.since === since
          ? await ahead.outcome
          : await client.pull({ after, since, limit: limitFor(since), schema: SYNC_SCHEMA_EPOCH });
      ahead = null;
      if (outcome.kind === 'resnapshot') {
        this.store.resnapshot(outcome.reason);
        this.options.log?.info({ reason: outcome.reason }, 'sync: the hub asked for a new snapshot');
        continue;
      }
      const page: PullPage = outcome.page;
      // Only a page this cycle goes on from: the last one of a cycle would leave a request unawaited.
      if (page.more && pages + 1 < maxPages && !this.closing) {
        const next: PullQuery = { after: page.to, since, limit: limitFor(since), schema: SYNC_SCHEMA_EPOCH };
        const request = client.pull(next);
        // Dropped unawaited when this page fails to apply or the cursor moves elsewhere: never unhandled.
        request.catch(() => undefined);
        ahead = { after: next.after, since, outcome: request };
        // fetch writes the request on a later turn of the event loop, and the apply below is synchronous:
        // without this turn the request would leave only after the page is applied.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (page.to > page.after || page.rows.length + page.facts.length > 0) this.store.applyPullPage(page);
      pages += 1;
      rows += page.rows.length + page.facts.length;
      if (!page.more) return { pages, rows, more: false };
      if (pages >= maxPages) return { pages, rows, more: true };
    }
  }

  private backoff(): number {
    const min = this.options.minBackoffMs ?? 1_000;
    const max = this.options.maxBackoffMs ?? 60_000;
    const base = Math.min(max, min * 2 ** Math.min(this.failures - 1, 16));
    // Full jitter over the upper half, so many depots that lost the hub together do not return together.
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.running) {
      // Called from inside the cycle: kick() after it ends would see `running`; arm the timer directly.
      if (this.timer) clearTimeout(this.timer);
      this.status.nextAttemptAt = this.now() + delayMs;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick(0);
      }, delayMs);
      this.timer.unref?.();
      return;
    }
    this.kick(delayMs);
  }

  private ensureLive(client: HubClient, link: SyncLink): void {
    if (this.options.live === false) return;
    const key = linkKey(link);
    if (this.socket && this.socketFor === key) return;
    this.closeLive();
    this.socketFor = key;
    const socket = client.live({
      onOpen: () => {
        if (this.socket !== socket) return;
        this.setStatus({ live: true });
        // A poke sent while no socket was open (during a reconnect, or between the last pull and
        // this open) never arrives: catch up now rather than at the next poll, up to pollMs away.
        this.kick(0);
      },
      onPoke: () => this.kick(0),
      onClose: () => {
        // A socket this loop already let go of (stop, or a new hub) closes late: not news, and after
        // stop the host's database may already be closed.
        if (this.socket !== socket) return;
        this.socket = null;
        this.socketFor = null;
        this.setStatus({ live: false });
        if (this.stopped) return;
        // Polling keeps sync going meanwhile. Reconnect the socket alone in 5 s while the hub answers;
        // when it does not, the cycles' backoff decides and the next good cycle reconnects.
        this.liveReconnect = setTimeout(() => {
          this.liveReconnect = null;
          if (!this.stopped && this.status.phase === 'online') this.ensureLive(client, link);
        }, this.options.liveReconnectMs ?? 5_000);
        this.liveReconnect.unref?.();
      },
    });
    this.socket = socket;
  }

  private closeLive(): void {
    if (this.liveReconnect) clearTimeout(this.liveReconnect);
    this.liveReconnect = null;
    const socket = this.socket;
    this.socket = null;
    this.socketFor = null;
    this.status.live = false;
    socket?.close();
  }

  private setStatus(patch: Partial<SyncLoopStatus>): void {
    Object.assign(this.status, patch);
    this.options.onStatus?.(this.snapshot());
  }
}

export { HubRefusedError, HubUnavailableError };
