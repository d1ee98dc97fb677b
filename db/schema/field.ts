import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, json } from './columns.js';
import { organizations, users } from './org.js';
import { locations } from './places.js';
import { workOrders } from './work-orders.js';

/**
 * What crews record in the field besides the work order itself: the crew ↔ dispatcher thread and
 * site attendance. Both are history (never edited): a correction is a new row.
 */

export const workOrderMessages = sqliteTable(
  'work_order_messages',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    authorId: text('author_id').references(() => users.id),
    body: text('body').notNull(),
    /** When the author wrote it (a phone offline in the yard sends it later); `createdAt` is when the host got it. */
    writtenAt: integer('written_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('work_order_messages_wo_idx').on(t.workOrderId, t.createdAt)],
);

export const ATTENDANCE_KINDS = ['check_in', 'check_out'] as const;

export const attendance = sqliteTable(
  'attendance',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    locationId: text('location_id').references(() => locations.id),
    kind: text('kind', { enum: ATTENDANCE_KINDS }).notNull(),
    /** When the technician tapped (may be earlier than `createdAt` if the phone was offline). */
    at: integer('at').notNull(),
    lat: real('lat'),
    lon: real('lon'),
    accuracyM: real('accuracy_m'),
    /** Metres from the site's centre; null without a position or a site. */
    distanceM: real('distance_m'),
    /** 'inside' | 'outside' | 'unknown' (no position, or no site). Outside is allowed but flagged. */
    fence: text('fence', { enum: ['inside', 'outside', 'unknown'] }).notNull(),
    /** Set when a supervisor has looked at an outside-the-fence record. */
    reviewedBy: text('reviewed_by').references(() => users.id),
    reviewedAt: integer('reviewed_at'),
    meta: json('meta'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('attendance_wo_idx').on(t.workOrderId, t.at),
    index('attendance_org_fence_idx').on(t.orgId, t.fence, t.at),
    index('attendance_user_idx').on(t.userId, t.at),
  ],
);

/**
 * Idempotency for uploads and other raw-body requests: the key a phone's outbox put on the request,
 * so a replayed upload returns the first one's attachment instead of storing it twice.
 */
export const uploadKeys = sqliteTable(
  'upload_keys',
  {
    orgId: orgId().references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    key: text('key').notNull(),
    attachmentId: text('attachment_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('upload_keys_uq').on(t.orgId, t.userId, t.key)],
);
