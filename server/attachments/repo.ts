import { and, asc, eq } from 'drizzle-orm';
import { attachments, depots, organizations, uploadKeys, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { NotFoundError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { findWorkOrder } from '../work-orders/repo.js';
import type { WorkOrderRow } from '../work-orders/dto.js';
import { AttachmentMeta, type AttachmentDto } from './contract.js';

/** Reads of attachments. Every query carries the org filter; technician scope comes from the work order. */

export type AttachmentRow = typeof attachments.$inferSelect;

export function toAttachmentDto(a: AttachmentRow, uploadedByName: string | null): AttachmentDto {
  // Stored JSON is checked before it is trusted (STYLE 8); anything unexpected is left out, not sent.
  const meta = a.meta === null || a.meta === undefined ? null : AttachmentMeta.safeParse(a.meta);
  return {
    id: a.id,
    workOrderId: a.workOrderId,
    kind: a.kind,
    fileName: a.fileName,
    mimeType: a.mimeType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    hasThumbnail: a.thumbnailKey !== null,
    uploadedBy: a.uploadedBy,
    uploadedByName,
    createdAt: iso(a.createdAt),
    meta: meta?.success ? meta.data : null,
  };
}

export function listAttachments(ctx: Ctx, workOrderId: string, id?: string): AttachmentDto[] {
  return ctx.host.db
    .select({ a: attachments, uploadedByName: users.name })
    .from(attachments)
    .leftJoin(users, eq(users.id, attachments.uploadedBy))
    .where(and(eq(attachments.workOrderId, workOrderId), eq(attachments.orgId, ctx.orgId), id ? eq(attachments.id, id) : undefined))
    .orderBy(asc(attachments.createdAt), asc(attachments.id))
    .all()
    .map(({ a, uploadedByName }) => toAttachmentDto(a, uploadedByName ?? null));
}

/** The attachment row, only if it is this org's AND its work order is one the caller may see (else 404). */
export function attachmentRow(ctx: Ctx, id: string): AttachmentRow {
  const row = ctx.host.db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.orgId, ctx.orgId)))
    .get();
  if (!row || !findWorkOrder(ctx, row.workOrderId)) throw new NotFoundError('attachment', id);
  return row;
}

/** The attachment an earlier upload with this Idempotency-Key created (same org, same user), if any. */
export function attachmentForKey(ctx: Ctx, key: string): AttachmentRow | undefined {
  if (!ctx.actor.userId) return undefined;
  return ctx.host.db
    .select({ a: attachments })
    .from(uploadKeys)
    .innerJoin(attachments, and(eq(attachments.id, uploadKeys.attachmentId), eq(attachments.orgId, uploadKeys.orgId)))
    .where(and(eq(uploadKeys.orgId, ctx.orgId), eq(uploadKeys.userId, ctx.actor.userId), eq(uploadKeys.key, key)))
    .get()?.a;
}

export function hasSignature(ctx: Ctx, workOrderId: string): boolean {
  return !!ctx.host.db
    .select({ id: attachments.id })
    .from(attachments)
    .where(and(eq(attachments.workOrderId, workOrderId), eq(attachments.orgId, ctx.orgId), eq(attachments.kind, 'signature')))
    .get();
}

/** The zone local times on a work order are shown in: its depot's, else the organization's. */
export function timeZoneOf(ctx: Ctx, wo: WorkOrderRow): string {
  const depot = wo.depotId
    ? ctx.host.db
        .select({ tz: depots.timeZone })
        .from(depots)
        .where(and(eq(depots.id, wo.depotId), eq(depots.orgId, ctx.orgId)))
        .get()
    : undefined;
  if (depot) return depot.tz;
  const org = ctx.host.db.select({ tz: organizations.timeZone }).from(organizations).where(eq(organizations.id, ctx.orgId)).get();
  return org?.tz ?? 'UTC';
}
