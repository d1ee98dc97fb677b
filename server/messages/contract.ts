import { z } from 'zod';
import { Id, IsoTime, ListQueryBase } from '../http/contract-common.js';
import { OccurredAt } from '../work-orders/contract-field.js';

/**
 * The crew ↔ dispatcher thread of a work order (zod only: the renderer bundles it). Live: each post
 * is published as a change of table `work_order_messages` with `data.workOrderId`.
 */

export const PostMessageRequest = z
  .strictObject({
    body: z.string().trim().min(1, 'must not be empty').max(2000),
    occurredAt: OccurredAt.optional().meta({
      description: 'When it was written (a phone offline in the yard sends it later); default: when the host got it',
    }),
  })
  .meta({ id: 'PostMessage' });
export type PostMessageInput = z.infer<typeof PostMessageRequest>;

export const Message = z
  .object({
    id: Id,
    workOrderId: Id,
    authorId: Id.nullable(),
    authorName: z.string().nullable(),
    authorRole: z.string().nullable(),
    body: z.string(),
    writtenAt: IsoTime,
    createdAt: IsoTime.meta({ description: 'When the host received it; the thread is in this order' }),
  })
  .meta({ id: 'Message' });
export type MessageDto = z.infer<typeof Message>;

export const MessageListQuery = z.strictObject({ ...ListQueryBase });
