import { z } from 'zod';

/**
 * The answer to a keyed request whose stored response has expired (kept 24 h) but whose mutation
 * is still in the log: it was applied once, at `appliedAt`, and is not applied again. Sent with
 * status 200 and the header `Idempotent-Replayed: true`, whatever the route's own success status.
 */
export const ReplayedResponse = z
  .object({
    replayed: z.literal(true),
    /** The mutation's id: the request's Idempotency-Key when it was a UUID. */
    mutationId: z.string(),
    appliedAt: z.iso.datetime(),
  })
  .meta({
    id: 'ReplayedResponse',
    description:
      'The request was applied before (its stored answer is gone after 24 h, its mutation is kept for the replay horizon, 30 days by default); nothing was applied again.',
  });
export type ReplayedResponse = z.infer<typeof ReplayedResponse>;
