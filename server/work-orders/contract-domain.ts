import { z } from 'zod';

/** Domain vocabulary shared by several features' contracts (zod only: the renderer bundles it). */
export const WorkOrderTypeSchema = z.enum(['corrective', 'preventive', 'inspection', 'installation', 'emergency']);
export const PrioritySchema = z.enum(['critical', 'high', 'medium', 'low']);
export const WorkOrderStatusSchema = z.enum([
  'NEW',
  'SCHEDULED',
  'DISPATCHED',
  'EN_ROUTE',
  'ON_SITE',
  'ON_HOLD',
  'COMPLETED',
  'CLOSED',
  'CANCELLED',
]);
export const SlaStateSchema = z.enum(['ok', 'at_risk', 'breached', 'met']);

export const RequiredSkillSchema = z.strictObject({
  skillId: z.uuid(),
  minLevel: z.number().int().min(1).max(5).default(1),
});

/** One checklist line of a template, copied onto each work order made from it. */
export const ChecklistItemSchema = z
  .strictObject({
    id: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[\w-]+$/, 'letters, digits, "_" and "-" only'),
    label: z.string().trim().min(1).max(300),
    kind: z.enum(['yesno', 'number', 'text']),
    required: z.boolean().default(false),
    min: z.number().optional(),
    max: z.number().optional(),
    unit: z.string().max(20).optional(),
  })
  .refine((i) => i.kind === 'number' || (i.min === undefined && i.max === undefined), { message: 'min/max apply to number items only' })
  .refine((i) => i.min === undefined || i.max === undefined || i.min <= i.max, { message: 'min must not exceed max' });

export const ChecklistSchema = z
  .array(ChecklistItemSchema)
  .max(200)
  .refine((items) => new Set(items.map((i) => i.id)).size === items.length, { message: 'checklist item ids must be unique' });

export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;
export type RequiredSkill = z.infer<typeof RequiredSkillSchema>;
