import { z } from 'zod';
import { IsoTime } from '../http/contract-common.js';

/**
 * What a crew's phone stamps on a field action (zod only: the renderer bundles it). Shared by
 * status steps, notes, messages and attendance.
 */

export const Position = z
  .strictObject({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    accuracyM: z
      .number()
      .min(0)
      .max(100_000)
      .optional()
      .meta({ description: "Radius of the reading's uncertainty in metres (as the browser reports it)" }),
  })
  .meta({ id: 'Position', description: 'A geolocation reading (WGS 84)' });
export type PositionInput = z.infer<typeof Position>;

export const OccurredAt = IsoTime.meta({
  description:
    'When the crew tapped (the phone may have been offline). Stored as told, never used for SLA clocks; at most 5 minutes ahead of the host clock and at most 7 days old, else 422',
});

export const NoteRequest = z
  .strictObject({
    body: z.string().trim().min(1, 'must not be empty').max(2000),
    internal: z.boolean().default(false).meta({ description: 'An office-side note (default false)' }),
    occurredAt: OccurredAt.optional(),
  })
  .meta({ id: 'WorkOrderNote' });
export type NoteInput = z.infer<typeof NoteRequest>;
