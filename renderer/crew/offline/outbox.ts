import type { QueryClient } from '@tanstack/react-query';
import { getToken } from '../../shared/api/client';
import { workOrderKeys, workOrderQueries } from '../../shared/work-orders/queries';
import { changedKeys, writeAnswer } from './apply-sent';
import { crewDb } from './db';
import { EXPIRED_MESSAGE, isExpired } from './expiry';
import type { NewOutboxAction, Outbox, OutboxAction, OutboxOwner } from './types';

/**
 * The outbox on IndexedDB (see types.ts for the contract). Replays strictly in `seq` order, one
 * action at a time, each with the Idempotency-Key it was created with, so an answer lost on the
 * way back (Wi-Fi drop after the host committed) is harmless: the replay gets the first answer.
 *
 * - 2xx: removed, and the queries it changed are updated/invalidated. That includes the host's
 *   `{ replayed: true }` answer to an action it applied before (its stored answer is kept 24 h, the
 *   action's id is recognised for the replay horizon, 30 days by default).
 * - older than the replay horizon (expiry.ts): never sent, since the host might apply it again;
 *   kept as `refused` with a message saying so, for the crew to check and discard.
 * - network error, timeout, 5xx, 408, 429: stop; retry later with backoff (1 s … 30 s).
 * - 401: stop (the session is gone; nothing is sent until the phone is signed in again).
 * - any other 4xx: the host refused it for good (e.g. the dispatcher cancelled the work order):
 *   kept as `refused` with the host's message, and the queue moves on, so one refusal never
 *   blocks the crew's other work. The crew retries (after fixing the cause) or discards it.
 *
 * Actions are bound to the technician who queued them: each carries the signed-in user's id, and
 * a replay sends only the signed-in user's actions, with their own token. A phone re-paired as
 * someone else keeps the first person's unsent actions as `held` (they go out once the phone is
 * paired as that person again, or are discarded): the host must never record one technician's
 * step, answer or signature under another's name.
 *
 * Two tabs of the crew view share the database: a Web Lock makes sure only one of them replays
 * at a time (so an action is never on the wire twice at once), and a BroadcastChannel tells the
 * others to re-read the list. Without Web Locks (old Safari) the idempotency key still makes a
 * double send apply once.
 */

const LOCK_NAME = 'depotdesk-crew-outbox';
const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
const POLL_MS = 30_000;
/** A request that hangs (half-dead Wi-Fi) is abandoned and retried with the same key. */
const JSON_TIMEOUT_MS = 20_000;
const UPLOAD_TIMEOUT_MS = 120_000;

type SendResult =
  | { kind: 'sent'; data: unknown }
  | { kind: 'retry'; error: string }
  | { kind: 'unauthorized'; error: string }
  | { kind: 'refused'; error: string };

/** As stored (IndexedDB), in seq order. */
let stored: OutboxAction[] = [];
/** What subscribers see: `stored` with the action on the wire marked `sending`. */
let actions: OutboxAction[] = [];
/** Kept in memory only: a crash mid-send leaves the action `pending`, and it is simply sent again. */
let sendingId: string | null = null;

/** Queries to refresh once the current burst of replays is over (see refreshTouched). */
const touched = new Map<string, unknown[]>();
let lastRefresh = 0;
const listeners = new Set<(list: OutboxAction[]) => void>();
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('depotdesk-crew-outbox');
let queryClient: QueryClient | null = null;
let failures = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let running: Promise<void> | null = null;
let again = false;
/** Who is signed in now (CrewApp sets it from the session): whose actions may be sent, with which token. */
let owner: OutboxOwner | null = null;

function isMine(a: OutboxAction): boolean {
  return owner !== null && a.userId === owner.userId;
}

function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; the LAN port is HTTPS, but never fail an action on it.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function emit(): void {
  actions = stored.map((a) => (a.id === sendingId ? { ...a, state: 'sending' } : owner && !isMine(a) ? { ...a, state: 'held' } : a));
  for (const l of listeners) l(actions);
}

/** Re-reads the list (ours changed, or another tab says theirs did) and tells subscribers. */
async function reload(): Promise<void> {
  const db = await crewDb();
  stored = await db.getAllFromIndex('outbox', 'seq');
  emit();
}

async function changed(): Promise<void> {
  await reload();
  channel?.postMessage('changed');
}

async function update(id: string, patch: Partial<OutboxAction>): Promise<void> {
  const db = await crewDb();
  const tx = db.transaction('outbox', 'readwrite');
  const current = await tx.store.get(id);
  // Discarded meanwhile (from this tab or another): nothing to update.
  if (current) await tx.store.put({ ...current, ...patch });
  await tx.done;
}

async function nextSeq(store: {
  index(name: 'seq'): { openCursor(q: null, dir: 'prev'): Promise<{ value: OutboxAction } | null> };
}): Promise<number> {
  const last = await store.index('seq').openCursor(null, 'prev');
  return (last?.value.seq ?? 0) + 1;
}

async function problemDetail(res: Response): Promise<string> {
  try {
    const p = (await res.json()) as { detail?: string; title?: string };
    return p.detail ?? p.title ?? `${res.status} ${res.statusText}`;
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}

async function send(action: OutboxAction, token: string): Promise<SendResult> {
  const req = action.request;
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': action.id };
  let url = `/api/v1${req.path}`;
  let body: BodyInit;
  if ('blob' in req) {
    const search = new URLSearchParams(req.query).toString();
    if (search) url += `?${search}`;
    headers['content-type'] = req.contentType;
    body = req.blob;
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 'blob' in req ? UPLOAD_TIMEOUT_MS : JSON_TIMEOUT_MS);
  try {
    const res = await fetch(url, { method: req.method, headers, body, signal: abort.signal, cache: 'no-store' });
    if (res.ok) {
      // Applied: whatever the body says. (A body that is not JSON must not make us send it again.)
      const text = await res.text();
      let data: unknown = null;
      try {
        data = text ? JSON.parse(text) : null;
      } catch {
        data = null;
      }
      return { kind: 'sent', data };
    }
    const detail = await problemDetail(res);
    if (res.status === 401) return { kind: 'unauthorized', error: detail };
    if (res.status >= 500 || res.status === 408 || res.status === 429) return { kind: 'retry', error: detail };
    return { kind: 'refused', error: detail };
  } catch {
    return { kind: 'retry', error: 'The depot host cannot be reached.' };
  } finally {
    clearTimeout(timer);
  }
}

/** Shows the host's answer at once where the response is the new state, then refetches what changed. */
function applySent(action: OutboxAction, data: unknown): void {
  if (!queryClient) return;
  writeAnswer(queryClient, action, data);
  for (const key of changedKeys(action)) touched.set(JSON.stringify(key), key);
  // A long replay still refreshes the screen now and then, not after every action: refetching the
  // open page after each of 30 queued answers would triple the replay time on a slow Wi-Fi.
  if (Date.now() - lastRefresh > 1000) refreshTouched();
}

function refreshTouched(): void {
  lastRefresh = Date.now();
  const keys = [...touched.values()];
  touched.clear();
  for (const queryKey of keys) void queryClient?.invalidateQueries({ queryKey });
}

function scheduleRetry(): void {
  clearTimeout(retryTimer);
  const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** failures);
  failures += 1;
  retryTimer = setTimeout(() => void outbox.flush(), delay);
}

/** One pass over the queue, holding the lock. Returns when empty (of sendable work) or stopped. */
async function drain(): Promise<'done' | 'stopped'> {
  const db = await crewDb();
  for (;;) {
    // Read afresh each time: another tab may have added, retried or discarded actions.
    // Only the signed-in user's actions, and only while the stored token is still theirs: right
    // after a re-pairing the new token is stored before the session knows whose it is.
    const me = owner;
    if (!me || getToken() !== me.token) return 'stopped';
    let next: OutboxAction | null = null;
    for (let cursor = await db.transaction('outbox').store.index('seq').openCursor(); cursor; cursor = await cursor.continue()) {
      if (cursor.value.state !== 'refused' && cursor.value.userId === me.userId) {
        next = cursor.value;
        break;
      }
    }
    if (!next) return 'done';
    if (isExpired(next, Date.now())) {
      await update(next.id, { state: 'refused', lastError: EXPIRED_MESSAGE });
      await changed();
      continue;
    }
    sendingId = next.id;
    emit();
    const result = await send(next, me.token).finally(() => (sendingId = null));
    if (result.kind === 'sent') {
      failures = 0;
      applySent(next, result.data);
      await db.delete('outbox', next.id);
      await changed();
      continue;
    }
    if (result.kind === 'refused') {
      await update(next.id, { state: 'refused', attempts: next.attempts + 1, lastError: result.error });
      await changed();
      // A refusal usually means the phone's picture is out of date (cancelled, reassigned): refresh it.
      void queryClient?.invalidateQueries({ queryKey: workOrderKeys.all });
      void queryClient?.invalidateQueries({ queryKey: workOrderQueries.events(next.workOrderId).queryKey });
      continue;
    }
    await update(next.id, { state: 'pending', attempts: next.attempts + 1, lastError: result.error });
    await changed();
    if (result.kind === 'retry') scheduleRetry();
    return 'stopped';
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) return navigator.locks.request(LOCK_NAME, fn);
  return fn();
}

/** Actions stored before the outbox recorded who queued them belong to the first user signed in after the update. */
async function adoptUnowned(me: OutboxOwner): Promise<void> {
  const db = await crewDb();
  const tx = db.transaction('outbox', 'readwrite');
  for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
    if (cursor.value.userId == null) await cursor.update({ ...cursor.value, userId: me.userId, userName: me.name });
  }
  await tx.done;
}

export const outbox: Outbox = {
  setOwner(next: OutboxOwner | null): void {
    if (owner?.userId === next?.userId && owner?.token === next?.token && owner?.name === next?.name) return;
    owner = next;
    failures = 0;
    emit();
    if (!next) return;
    void adoptUnowned(next)
      .then(changed)
      .then(() => outbox.flush());
  },

  async enqueue(input: NewOutboxAction): Promise<OutboxAction> {
    const me = owner;
    if (!me) throw new Error('Not signed in: pair this phone with the depot first.');
    const db = await crewDb();
    const tx = db.transaction('outbox', 'readwrite');
    const action: OutboxAction = {
      ...input,
      userId: me.userId,
      userName: me.name,
      id: uuid(),
      seq: await nextSeq(tx.store),
      createdAt: new Date().toISOString(),
      state: 'pending',
      attempts: 0,
      lastError: null,
    };
    await tx.store.add(action);
    await tx.done; // durable before we say so
    await changed();
    void outbox.flush();
    return action;
  },

  flush(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return Promise.resolve();
    clearTimeout(retryTimer);
    running = (async () => {
      try {
        do {
          again = false;
          if ((await withLock(drain)) === 'stopped') break;
        } while (again);
      } catch (err) {
        console.error('outbox replay failed', err);
        scheduleRetry();
      } finally {
        running = null;
        refreshTouched();
      }
    })();
    return running;
  },

  async retry(id: string): Promise<void> {
    const db = await crewDb();
    const tx = db.transaction('outbox', 'readwrite');
    const current = await tx.store.get(id);
    // Someone else's action waits for their own sign-in; retrying it here would send nothing anyway.
    // An expired action stays as it is: sending it now could apply it twice (expiry.ts).
    if (current && isMine(current) && !isExpired(current, Date.now())) {
      // A refused action goes to the back of the queue: the crew fixed its cause with later
      // actions (e.g. added the signature a completion needed), which must reach the host first.
      const seq = current.state === 'refused' ? await nextSeq(tx.store) : current.seq;
      await tx.store.put({ ...current, seq, state: 'pending', lastError: null });
    }
    await tx.done;
    await changed();
    failures = 0;
    void outbox.flush();
  },

  async discard(id: string): Promise<void> {
    await (await crewDb()).delete('outbox', id);
    await changed();
  },

  async list(): Promise<OutboxAction[]> {
    await reload();
    return actions;
  },

  subscribe(listener: (list: OutboxAction[]) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/**
 * Wires the replay triggers for the crew app: network back (`online`), the phone back from the
 * pocket (visible), another tab's changes, a slow poll; plus one replay now. CrewApp also calls
 * flush() when the WebSocket reconnects. Returns a stop function.
 */
export function startOutbox(client: QueryClient): () => void {
  queryClient = client;
  const flush = () => void outbox.flush();
  const onVisible = () => {
    if (document.visibilityState === 'visible') flush();
  };
  const onOnline = () => {
    failures = 0;
    flush();
  };
  const onMessage = () => void reload();
  window.addEventListener('online', onOnline);
  document.addEventListener('visibilitychange', onVisible);
  channel?.addEventListener('message', onMessage);
  const poll = setInterval(() => {
    if (stored.some((a) => a.state !== 'refused' && isMine(a))) flush();
  }, POLL_MS);
  void reload().then(flush);
  return () => {
    window.removeEventListener('online', onOnline);
    document.removeEventListener('visibilitychange', onVisible);
    channel?.removeEventListener('message', onMessage);
    clearInterval(poll);
    clearTimeout(retryTimer);
  };
}
