import { z } from 'zod';
import { WorkOrderStatusSchema } from './contract-domain.js';

/** GET /work-orders/lifecycle: the transition table as the caller may use it (zod only: the renderer bundles it). */

export const LifecycleRequirement = z.object({
  kind: z.enum(['plannedStart', 'assignee', 'reason', 'heldFrom', 'checklist', 'signature', 'comment']),
  message: z.string().meta({ description: 'What to do first, in words a dispatcher can act on' }),
});

export const LifecycleMove = z.object({
  from: WorkOrderStatusSchema,
  to: WorkOrderStatusSchema,
  allowed: z.boolean().meta({ description: "The lifecycle has this move AND the caller's role may make it" }),
  via: z.enum(['transition', 'closure']).nullable().meta({
    description:
      'transition: POST /work-orders/{id}/transitions; closure: POST /work-orders/{id}/closure (approve → CLOSED, reject → DISPATCHED); null when not in the lifecycle',
  }),
  reason: z.string().nullable().meta({ description: 'Why the caller cannot make this move (null when allowed)' }),
  requires: z
    .array(LifecycleRequirement)
    .meta({ description: 'Preconditions that depend on the work order (checked by the host on the move)' }),
});
export type LifecycleMoveDto = z.infer<typeof LifecycleMove>;

export const Lifecycle = z
  .object({
    role: z.string(),
    statuses: z.array(WorkOrderStatusSchema),
    moves: z.array(LifecycleMove).meta({ description: 'Every ordered pair of distinct statuses' }),
  })
  .meta({ id: 'WorkOrderLifecycle' });
export type LifecycleDto = z.infer<typeof Lifecycle>;
