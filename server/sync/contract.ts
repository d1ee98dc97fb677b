import { z } from 'zod';

/**
 * How long a crew action may wait on a phone and still be recognised by the host when it is
 * finally sent (config `DEPOTDESK_REPLAY_HORIZON_DAYS`). The host keeps every mutation header at
 * least this long; the crew outbox expires older actions instead of sending them, because past it
 * the host could apply them a second time. Shared here so the phone and the host agree.
 */
export const REPLAY_HORIZON_DAYS_DEFAULT = 30;
export const DAY_MS = 86_400_000;

// The depot's own sync API (/api/v1/sync/*), read by the console's header indicator and Sync page.
// The wire to the hub is contract-protocol.ts.

export const SyncPhase = z.enum(['off', 'paused', 'connecting', 'online', 'offline', 'revoked']).meta({ id: 'SyncPhase' });

export const SyncStatus = z
  .object({
    /** This depot has joined a hub (it may still be paused or revoked). */
    enrolled: z.boolean(),
    hubUrl: z.string().nullable(),
    hubOrgId: z.string().nullable(),
    phase: SyncPhase,
    /** The hub's live socket is open (changes arrive in seconds; otherwise polling every 30 s). */
    live: z.boolean(),
    paused: z.boolean(),
    /** Mutations of this depot the hub has not acknowledged yet. */
    pending: z.number().int().nonnegative(),
    lastPushAt: z.iso.datetime().nullable(),
    lastPullAt: z.iso.datetime().nullable(),
    lastError: z.string().nullable(),
    /** Refused and conflicting results not yet dismissed by an admin. */
    refusals: z.number().int().nonnegative(),
    conflicts: z.number().int().nonnegative(),
    /** The hub version this depot has applied through. */
    pullCursor: z.number().int().nonnegative(),
    nextAttemptAt: z.iso.datetime().nullable(),
    /**
     * What a newer hub or depot sent that this release cannot store yet (columns or tables it does not
     * have): kept, and applied when this depot is upgraded (docs/sync.md "Versions apart").
     */
    held: z.object({ entries: z.number().int().nonnegative(), names: z.array(z.string()) }),
    /** The last drift check (server/sync/drift.ts): rows compared per table with the hub's; null before the first. */
    drift: z
      .object({
        checkedAt: z.iso.datetime(),
        tables: z.number().int().nonnegative(),
        mismatched: z.array(z.string()),
        fetched: z.number().int().nonnegative(),
        onlyHere: z.record(z.string(), z.number().int().nonnegative()),
        compared: z.number().int().nonnegative().meta({ description: 'Rows whose fields were compared with the hub' }),
        repaired: z.number().int().nonnegative().meta({ description: "Rows whose fields differed from the hub's and were re-fetched" }),
      })
      .nullable(),
  })
  .meta({ id: 'SyncStatus' });
export type SyncStatusDto = z.infer<typeof SyncStatus>;

export const EnrolBody = z
  .object({
    hubUrl: z.string().trim().min(1, 'Enter the hub address').max(500),
    code: z.string().trim().min(8, 'Enter the enrolment code a hub admin gave you').max(200),
  })
  .meta({ id: 'SyncEnrolBody' });

export const SyncRefusalItem = z
  .object({
    mutationId: z.string(),
    seq: z.number().int(),
    action: z.string().nullable(),
    outcome: z.enum(['refused', 'conflict']),
    code: z.string().nullable(),
    message: z.string().nullable(),
    at: z.iso.datetime(),
    dismissedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'SyncRefusal' });

export const SyncRefusalList = z.object({ items: z.array(SyncRefusalItem) }).meta({ id: 'SyncRefusalList' });
