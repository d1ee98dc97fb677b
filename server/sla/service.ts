import { PRIORITIES, WORK_ORDER_TYPES } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { AppError } from '../errors.js';
import { allPolicies, type SlaPolicyRow } from './repo.js';

type Type = (typeof WORK_ORDER_TYPES)[number];
type Priority = (typeof PRIORITIES)[number];

/** Resolution cannot come due before the response it follows; checked against stored values on a PATCH. */
export function checkTargets(values: Record<string, unknown>, before?: SlaPolicyRow): void {
  const response = (values.responseMinutes as number | undefined) ?? before?.responseMinutes;
  const resolution = (values.resolutionMinutes as number | undefined) ?? before?.resolutionMinutes;
  if (response !== undefined && resolution !== undefined && resolution < response) {
    throw new AppError(400, 'validation_failed', 'resolutionMinutes must be at least responseMinutes.', [
      { field: 'body.resolutionMinutes', message: 'must be at least responseMinutes' },
    ]);
  }
}

/** Policies as a type × priority grid; a missing cell means work of that kind has no SLA. */
export function policyMatrix<D>(ctx: Ctx, toDto: (row: SlaPolicyRow) => D) {
  const cells = Object.fromEntries(
    WORK_ORDER_TYPES.map((t) => [t, Object.fromEntries(PRIORITIES.map((p) => [p, null as D | null]))]),
  ) as Record<Type, Record<Priority, D | null>>;
  for (const row of allPolicies(ctx)) cells[row.type][row.priority] = toDto(row);
  return { types: [...WORK_ORDER_TYPES], priorities: [...PRIORITIES], cells };
}
