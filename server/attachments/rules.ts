import type { Ctx } from '../core/context.js';
import { ConflictError } from '../errors.js';
import type { WorkOrderRow } from '../work-orders/dto.js';
import { hasSignature } from './repo.js';

/**
 * Completion rules that depend on attachments, for the work-order lifecycle. Kept apart from the
 * upload service so the transition path does not load the image library.
 */

/** → COMPLETED on work whose template asks for a customer signature needs one on file first. */
export function assertSignedIfRequired(ctx: Ctx, wo: WorkOrderRow): void {
  if (!wo.requiresSignature || hasSignature(ctx, wo.id)) return;
  throw new ConflictError(
    'signature_required',
    `Work order ${wo.number} needs the customer's signature before it can be completed: add a signature (with the signer's name) and try again.`,
  );
}
