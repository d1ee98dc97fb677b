import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { iso } from '../http/contract-common.js';
import type { NoteInput } from './contract-field.js';
import { loadForWrite } from './guards.js';
import { clientTime } from './stamps.js';

/**
 * Notes are timeline events, not rows of their own: the timeline is the one place the console and
 * the crew read a job's history, and events are already append-only.
 */
export function addNote(ctx: Ctx, workOrderId: string, input: NoteInput) {
  return mutate(
    ctx,
    'work_order.note_added',
    (w) => {
      loadForWrite(ctx, w, workOrderId);
      // Notes stay allowed on finished work: a late remark ("customer called back") belongs on the job.
      const occurredAt = clientTime(ctx, input.occurredAt);
      const data = { body: input.body, internal: input.internal, occurredAt: iso(occurredAt) };
      const row = w.event(workOrderId, 'note', { data });
      return {
        id: row.id,
        type: row.type,
        fromStatus: null,
        toStatus: null,
        actorId: row.actorId,
        actorName: ctx.actor.userId ? ctx.actor.name : null,
        at: iso(row.at),
        data,
      };
    },
    { workOrderId },
  );
}
