import { workOrderMessages } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { loadForWrite } from '../work-orders/guards.js';
import { clientTime } from '../work-orders/stamps.js';
import type { MessageDto, PostMessageInput } from './contract.js';
import { toMessageDto } from './repo.js';

const EXCERPT_CHARS = 80;

/** The first 80 characters (code points, so an emoji is never cut in half), with "…" when longer. */
export function excerpt(body: string): string {
  const chars = Array.from(body.replace(/\s+/g, ' '));
  return chars.length <= EXCERPT_CHARS ? chars.join('') : `${chars.slice(0, EXCERPT_CHARS - 1).join('')}…`;
}

/**
 * One message in a work order's thread. It also goes on the timeline (type "message", with an
 * excerpt) so the console's history shows the conversation beside the status steps.
 */
export function postMessage(ctx: Ctx, workOrderId: string, input: PostMessageInput): MessageDto {
  return mutate(
    ctx,
    'work_order.message_posted',
    (w) => {
      loadForWrite(ctx, w, workOrderId);
      // Threads stay open on finished work: "the customer says the leak is back" belongs right here.
      const writtenAt = clientTime(ctx, input.occurredAt) ?? w.now;
      const row = w.insert(workOrderMessages, { workOrderId, authorId: ctx.actor.userId, body: input.body, writtenAt });
      w.event(workOrderId, 'message', { data: { messageId: row.id, excerpt: excerpt(input.body) } });
      const author = ctx.actor.userId && ctx.actor.role !== 'system' ? { name: ctx.actor.name, role: ctx.actor.role } : null;
      return toMessageDto(row, author);
    },
    { workOrderId },
  );
}
