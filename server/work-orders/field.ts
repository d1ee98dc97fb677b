import { and, eq, sql } from 'drizzle-orm';
import { checklistResults, depots, stockItems, stockLevels, materialUsages } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { perConnection } from '../../db/per-connection.js';
import type { Db } from '../../db/client.js';
import { findLive } from '../core/tombstone.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import type { ChecklistItem } from './contract-domain.js';
import type { ChecklistAnswerDto, ChecklistAnswerInput, MaterialUsageInput } from './contract.js';
import { checklistResultId } from '../ids/natural.js';
import { moveStock, roundQuantity } from '../stock/movements.js';
import { toAnswerDto } from './dto.js';
import { assertOpen, loadForWrite, throwIfErrors } from './guards.js';
import { getWorkOrder, listChecklistAnswers } from './repo.js';
import { checklistOf } from './transitions.js';

/** What the crew records on site: checklist answers and materials taken from stock. */

const MAX_TEXT = 2000;

function valueProblem(item: ChecklistItem, value: ChecklistAnswerInput['value']): string | null {
  switch (item.kind) {
    case 'yesno':
      return typeof value === 'boolean' ? null : 'must be true or false for a yes/no item';
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number for this item';
      if (item.min !== undefined && value < item.min) return `must be at least ${item.min}${item.unit ? ` ${item.unit}` : ''}`;
      if (item.max !== undefined && value > item.max) return `must be at most ${item.max}${item.unit ? ` ${item.unit}` : ''}`;
      return null;
    case 'text':
      if (typeof value !== 'string') return 'must be text for this item';
      if (value.trim().length === 0) return 'must not be empty';
      return value.length > MAX_TEXT ? `must be at most ${MAX_TEXT} characters` : null;
  }
}

// The seed answers ~100,000 checklist items; each looks for an earlier answer first.
const answerQuery = perConnection((db: Db) =>
  db
    .select()
    .from(checklistResults)
    .where(
      and(
        eq(checklistResults.workOrderId, sql.placeholder('workOrderId')),
        eq(checklistResults.itemId, sql.placeholder('itemId')),
        eq(checklistResults.orgId, sql.placeholder('orgId')),
      ),
    )
    .prepare(),
);

export function answerChecklistItem(
  ctx: Ctx,
  id: string,
  itemId: string,
  input: ChecklistAnswerInput & { expectedVersion?: number | undefined },
): ChecklistAnswerDto {
  return mutate(
    ctx,
    'work_order.checklist_answered',
    (w) => {
      const wo = loadForWrite(ctx, w, id, input.expectedVersion);
      assertOpen(wo, 'answer its checklist');
      const item = checklistOf(wo).find((i) => i.id === itemId);
      if (!item) throw new NotFoundError(`checklist item on ${wo.number}`, itemId);
      const problem = valueProblem(item, input.value);
      if (problem) throw new ValidationError(`"${item.label}": ${problem}.`, [{ field: 'body.value', message: problem }]);
      const existing = answerQuery(ctx.host.db).get({ workOrderId: id, itemId, orgId: ctx.orgId });
      const answer = { value: input.value, note: input.note ?? null, answeredBy: ctx.actor.userId, answeredAt: w.now };
      // The id is derived from (org, work order, item): two depots answering the same item offline
      // name the same row, so the answers merge as updates of one row instead of colliding.
      const row = existing
        ? w.update(checklistResults, existing.id, answer, { before: existing }).after
        : w.insert(checklistResults, { id: checklistResultId(ctx.orgId, id, itemId), workOrderId: id, itemId, ...answer });
      w.event(id, 'checklist_answered', { data: { itemId, label: item.label, value: input.value, previous: existing?.value ?? null } });
      return toAnswerDto(row);
    },
    { workOrderId: id },
  );
}

export function getChecklist(ctx: Ctx, id: string) {
  const wo = getWorkOrder(ctx, id);
  const answers = new Map(listChecklistAnswers(ctx, id).map((a) => [a.itemId, a]));
  const items = checklistOf(wo).map((item) => {
    const a = answers.get(item.id);
    return { item, answer: a ? toAnswerDto(a) : null };
  });
  return { items, complete: items.every((i) => !i.item.required || (i.answer !== null && i.answer.value !== null)) };
}

/** Material used on the job leaves the depot's stock in the same transaction, or not at all. */
export function recordMaterialUsage(ctx: Ctx, id: string, input: MaterialUsageInput) {
  return mutate(
    ctx,
    'work_order.material_used',
    (w) => {
      const wo = loadForWrite(ctx, w, id);
      assertOpen(wo, 'record material on it');
      const errors: FieldError[] = [];
      // Deleted items and depots read as missing: no new usage may point at a tombstone.
      const item = findLive(w, stockItems, input.itemId);
      if (!item) errors.push({ field: 'body.itemId', message: 'no such stock item in this organization' });
      if (!findLive(w, depots, input.depotId)) errors.push({ field: 'body.depotId', message: 'no such depot in this organization' });
      throwIfErrors(errors);
      const level = ctx.host.db
        .select()
        .from(stockLevels)
        .where(and(eq(stockLevels.depotId, input.depotId), eq(stockLevels.itemId, input.itemId), eq(stockLevels.orgId, ctx.orgId)))
        .get();
      const available = level?.quantity ?? 0;
      if (!level || roundQuantity(available - input.quantity) < 0) {
        throw new ConflictError(
          'insufficient_stock',
          `Not enough ${item!.name} in that depot: ${available} ${item!.unit} available, ${input.quantity} requested.`,
          { available, requested: input.quantity },
        );
      }
      const usage = w.insert(materialUsages, {
        workOrderId: id,
        itemId: input.itemId,
        depotId: input.depotId,
        quantity: input.quantity,
        usedBy: ctx.actor.userId,
        usedAt: w.now,
      });
      // Stock leaves as a movement (a delta that merges with other depots' movements), not as an absolute remainder.
      moveStock(w, level, { delta: -input.quantity, kind: 'usage', workOrderId: id, usageId: usage.id });
      w.event(id, 'material_used', {
        data: { usageId: usage.id, itemId: item!.id, sku: item!.sku, quantity: input.quantity, depotId: input.depotId },
      });
      return {
        id: usage.id,
        workOrderId: id,
        itemId: item!.id,
        sku: item!.sku,
        name: item!.name,
        unit: item!.unit,
        depotId: usage.depotId,
        quantity: usage.quantity,
        usedBy: usage.usedBy,
        usedAt: iso(usage.usedAt),
      };
    },
    { workOrderId: id },
  );
}
