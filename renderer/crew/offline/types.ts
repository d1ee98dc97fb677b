/**
 * The crew's outbox: every write a phone makes (status step, note, message, checklist answer,
 * photo, document, signature, attendance) is queued here first, in IndexedDB, and replayed to the
 * host in order. Each action carries the Idempotency-Key it was created with, so a replay after a
 * lost answer applies once. The UI reads pending actions to show what has not reached the host yet.
 */

export type OutboxKind = 'transition' | 'note' | 'message' | 'checklist' | 'upload' | 'attendance';

/** The HTTP request an action replays, exactly as it will be sent (path relative to /api/v1). */
export type OutboxRequest =
  | { method: 'POST' | 'PUT' | 'PATCH'; path: string; json: unknown }
  /** Raw-body upload: the bytes as a Blob, its own content type, metadata in the query string. */
  | { method: 'POST'; path: string; blob: Blob; contentType: string; query: Record<string, string> };

export type OutboxState =
  /** Waiting for the host (offline, or queued behind an earlier action). */
  | 'pending'
  /** On the wire now. */
  | 'sending'
  /** The host refused it (4xx other than 408/429): kept, with the host's message, until the crew discards or retries it. */
  | 'refused'
  /**
   * Queued by someone else signed in on this phone before (it was re-paired): never sent under the
   * current sign-in, only when the phone is paired as them again, or discarded. Never stored: the
   * outbox derives it from `userId` and the signed-in user.
   */
  | 'held';

export interface OutboxAction {
  /** UUID; also the Idempotency-Key header. */
  id: string;
  /** Order of creation on this phone; replay follows it. */
  seq: number;
  /**
   * Who was signed in when the action was queued: it is sent only under that user's own token.
   * Null on actions stored before the outbox recorded it; the first signed-in user adopts those.
   */
  userId: string | null;
  /** Their name, to say whose queued action the current user is looking at. */
  userName: string | null;
  kind: OutboxKind;
  workOrderId: string;
  /** What the crew did, in words ("En route", "Photo", "Answer: Pump running = yes"). */
  label: string;
  /** When the crew did it (ISO); bodies also carry it where the host records it. */
  createdAt: string;
  request: OutboxRequest;
  /**
   * What the action changes, for showing it before the host confirms:
   * transition → { to, reason? }, checklist → { itemId, value }, note/message → { body },
   * upload → { kind, fileName }, attendance → { kind }.
   */
  preview: Record<string, unknown>;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
}

export type NewOutboxAction = Pick<OutboxAction, 'kind' | 'workOrderId' | 'label' | 'request' | 'preview'>;

/** The signed-in user and the token that proves it: actions are stamped with the one and sent with the other. */
export interface OutboxOwner {
  userId: string;
  name: string;
  token: string;
}

/** The outbox API used by crew components (implemented in renderer/crew/offline/outbox.ts). */
export interface Outbox {
  /**
   * Who is signed in on this phone now (CrewApp sets it from the session; null while signed out).
   * Only their actions are replayed, with their token; others' show as `held`.
   */
  setOwner(owner: OutboxOwner | null): void;
  /**
   * Stores the action (durably, before resolving) stamped with the signed-in user, and starts a
   * replay if the host looks reachable. Rejects when nobody is signed in.
   */
  enqueue(action: NewOutboxAction): Promise<OutboxAction>;
  /** Replays pending actions in order; stops at the first network failure. Safe to call at any time. */
  flush(): Promise<void>;
  /** Puts a refused action back in the queue (after the crew fixed the cause elsewhere); own actions only. */
  retry(id: string): Promise<void>;
  /** Drops an action the crew no longer wants (anyone's: a phone must be able to clear a colleague's leftovers). */
  discard(id: string): Promise<void>;
  list(): Promise<OutboxAction[]>;
  /** Called with the full list whenever it changes (enqueue, send, refuse, discard). */
  subscribe(listener: (actions: OutboxAction[]) => void): () => void;
}
