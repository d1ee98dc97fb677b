import type { Ctx } from '../core/context.js';
import { can, type Permission } from '../auth/permissions.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { decodeCursor, encodeCursor } from '../http/pagination.js';
import { DELETED_KINDS, type DeletedItemDto, type DeletedKind } from './contract.js';

/**
 * How each kind is read: its table, what names a row, and where its restore route is. The SQL
 * fragments are constants of this file (never request text), so building the UNION from them is safe.
 */
interface KindSql {
  name: string;
  detail: string;
  /** Extra condition: parts deleted with their owner come back with it, so they are not offered alone. */
  where?: string;
  parent?: string;
  restorePath: (id: string, parentId: string | null) => string;
}

const KIND_SQL: Record<DeletedKind, KindSql> = {
  slaPolicy: { name: 't.name', detail: "t.type || ' · ' || t.priority", restorePath: (id) => `/sla/policies/${id}/restore` },
  slaCalendar: { name: 't.name', detail: 't.time_zone', restorePath: (id) => `/sla/calendars/${id}/restore` },
  team: { name: 't.name', detail: 'NULL', restorePath: (id) => `/teams/${id}/restore` },
  skill: { name: 't.name', detail: 't.category', restorePath: (id) => `/skills/${id}/restore` },
  depot: { name: 't.name', detail: 't.code', restorePath: (id) => `/depots/${id}/restore` },
  vehicle: { name: 't.call_sign', detail: 't.plate', restorePath: (id) => `/vehicles/${id}/restore` },
  template: { name: 't.name', detail: 't.type', restorePath: (id) => `/task-templates/${id}/restore` },
  location: { name: 't.name', detail: 't.code', restorePath: (id) => `/locations/${id}/restore` },
  asset: { name: 't.name', detail: 't.tag', restorePath: (id) => `/assets/${id}/restore` },
  project: { name: 't.name', detail: 't.code', restorePath: (id) => `/projects/${id}/restore` },
  phase: {
    name: 't.name',
    detail: "(SELECT 'in ' || p.code FROM projects p WHERE p.id = t.project_id)",
    where: 'NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = t.project_id AND p.deleted_at IS NOT NULL)',
    parent: 't.project_id',
    restorePath: (id, projectId) => `/projects/${projectId}/phases/${id}/restore`,
  },
  milestone: {
    name: 't.name',
    detail: "(SELECT 'in ' || p.code FROM projects p WHERE p.id = t.project_id)",
    where: 'NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = t.project_id AND p.deleted_at IS NOT NULL)',
    parent: 't.project_id',
    restorePath: (id, projectId) => `/projects/${projectId}/milestones/${id}/restore`,
  },
  stockItem: { name: 't.name', detail: 't.sku', restorePath: (id) => `/stock-items/${id}/restore` },
  reportSchedule: { name: 't.name', detail: 't.kind', restorePath: (id) => `/reports/schedules/${id}/restore` },
  // Restored, a plan generates again at the generator's next pass (every 15 minutes, and at start).
  maintenancePlan: { name: 't.name', detail: 't.kind', restorePath: (id) => `/maintenance-plans/${id}/restore` },
};

/** The restore path of each kind, for the test that checks every one against the route table. */
export const restorePathOf = (kind: DeletedKind, id: string, parentId: string | null) => KIND_SQL[kind].restorePath(id, parentId);

/** The kinds this role may restore (each needs the same permission as its delete). */
export function restorableKinds(ctx: Ctx): DeletedKind[] {
  return (Object.keys(DELETED_KINDS) as DeletedKind[]).filter((k) => can(ctx.actor.role, DELETED_KINDS[k].permission as Permission));
}

interface Row {
  kind: DeletedKind;
  id: string;
  name: string;
  detail: string | null;
  deletedAt: number;
  deletedBy: string | null;
  deletedByName: string | null;
  parentId: string | null;
}

const SORT_KEY = '-deletedAt';

/**
 * Tombstoned rows of the caller's org across every kind the caller may restore, newest delete
 * first, keyset-paged on (deleted_at, id). There is no index on deleted_at: tombstones are few and
 * each table is read through its org filter, which is fine for an admin page, not for a hot path.
 */
export function listDeleted(ctx: Ctx, q: { limit: number; cursor?: string | undefined; kind?: DeletedKind | undefined }) {
  const allowed = restorableKinds(ctx);
  if (allowed.length === 0)
    throw new ForbiddenError(`Your role (${ctx.actor.role}) may not delete anything, so it has no deleted items to restore.`);
  if (q.kind && !allowed.includes(q.kind)) {
    throw new ForbiddenError(
      `Restoring a deleted ${DELETED_KINDS[q.kind].label.toLowerCase()} needs the "${DELETED_KINDS[q.kind].permission}" permission.`,
    );
  }
  const kinds = q.kind ? [q.kind] : allowed;
  const selects = kinds.map((kind) => {
    const k = KIND_SQL[kind];
    return `SELECT '${kind}' AS kind, t.id, ${k.name} AS name, ${k.detail} AS detail, t.deleted_at, t.deleted_by,
        ${k.parent ?? 'NULL'} AS parent_id
      FROM ${DELETED_KINDS[kind].table} t WHERE t.org_id = @org AND t.deleted_at IS NOT NULL${k.where ? ` AND ${k.where}` : ''}`;
  });
  const params: Record<string, string | number> = { org: ctx.orgId, limit: q.limit + 1 };
  let after = '';
  if (q.cursor) {
    const c = decodeCursor(q.cursor, SORT_KEY);
    if (typeof c.value !== 'number') {
      throw new ValidationError('The cursor is not valid for this list; start again without it.', [
        { field: 'query.cursor', message: 'unknown or stale cursor' },
      ]);
    }
    Object.assign(params, { at: c.value as number, id: c.id });
    after = 'WHERE d.deleted_at < @at OR (d.deleted_at = @at AND d.id < @id)';
  }
  const rows = ctx.host.sqlite
    .prepare(
      `SELECT d.kind, d.id, d.name, d.detail, d.deleted_at AS deletedAt, d.deleted_by AS deletedBy, u.name AS deletedByName,
         d.parent_id AS parentId
       FROM (${selects.join('\nUNION ALL\n')}) d
       LEFT JOIN users u ON u.id = d.deleted_by AND u.org_id = @org
       ${after}
       ORDER BY d.deleted_at DESC, d.id DESC LIMIT @limit`,
    )
    .all(params) as Row[];
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  const last = items.at(-1);
  return {
    items: items.map(toDto),
    nextCursor: more && last ? encodeCursor(SORT_KEY, last.deletedAt, last.id) : null,
  };
}

function toDto(r: Row): DeletedItemDto {
  return {
    kind: r.kind,
    id: r.id,
    name: r.name,
    detail: r.detail,
    deletedAt: iso(r.deletedAt),
    deletedBy: r.deletedBy && r.deletedByName ? { id: r.deletedBy, name: r.deletedByName } : null,
    restorePath: KIND_SQL[r.kind].restorePath(r.id, r.parentId),
  };
}
