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
  | 'refused';

export interface OutboxAction {
  /** UUID; also the Idempotency-Key header. */
  id: string;
  /** Order of creation on this phone; replay follows it. */
  seq: number;
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

/** The outbox API used by crew components (implemented in renderer/crew/offline/outbox.ts). */
export interface Outbox {
  /** Stores the action (durably, before resolving) and starts a replay if the host looks reachable. */
  enqueue(action: NewOutboxAction): Promise<OutboxAction>;
  /** Replays pending actions in order; stops at the first network failure. Safe to call at any time. */
  flush(): Promise<void>;
  /** Puts a refused action back in the queue (after the crew fixed the cause elsewhere). */
  retry(id: string): Promise<void>;
  /** Drops a refused action the crew no longer wants. */
  discard(id: string): Promise<void>;
  list(): Promise<OutboxAction[]>;
  /** Called with the full list whenever it changes (enqueue, send, refuse, discard). */
  subscribe(listener: (actions: OutboxAction[]) => void): () => void;
}
