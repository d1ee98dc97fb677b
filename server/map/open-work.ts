import { and, asc, eq, inArray } from 'drizzle-orm';
import { locations, workOrders } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { iso } from '../http/contract-common.js';
import { workOrderWhere } from '../work-orders/list-query.js';
import { slaStateSql } from '../work-orders/sla-sql.js';
import { OPEN_WORK_MAX, OPEN_WORK_PRIORITY, OPEN_WORK_SLA, OPEN_WORK_STATUS, type OpenWorkDto, type OpenWorkFilter } from './contract.js';

const codeOf = <T extends string>(list: readonly T[]) => new Map<string, number>(list.map((v, i) => [v, i]));
const SLA_CODE = codeOf(OPEN_WORK_SLA);
const STATUS_CODE = codeOf(OPEN_WORK_STATUS);
const PRIORITY_CODE = codeOf(OPEN_WORK_PRIORITY);

/**
 * The work orders the map draws, as parallel columns (contract.ts OpenWork): one indexed SELECT
 * joined to the locations, with the list's filters and the caller's scope (workOrderWhere), the SLA
 * state judged in SQL. Rows come grouped by location and oldest first, so the console fans out the
 * jobs of one site in a stable order. `ids` narrows to a few rows for a live update.
 */
export function openWork(ctx: Ctx, f: OpenWorkFilter): OpenWorkDto {
  const now = ctx.host.clock.now();
  const { ids, ...filters } = f;
  const where = and(workOrderWhere(ctx, filters, now), ids ? inArray(workOrders.id, ids) : undefined);
  const rows = ctx.host.db
    .select({
      id: workOrders.id,
      number: workOrders.number,
      title: workOrders.title,
      status: workOrders.status,
      priority: workOrders.priority,
      assigneeId: workOrders.assigneeId,
      sla: slaStateSql(now),
      lon: locations.lon,
      lat: locations.lat,
    })
    .from(workOrders)
    // The location is the org's own (the join repeats the org), so another org's row never lends its place.
    .leftJoin(locations, and(eq(locations.id, workOrders.locationId), eq(locations.orgId, workOrders.orgId)))
    .where(where)
    .orderBy(asc(workOrders.locationId), asc(workOrders.createdAt), asc(workOrders.id))
    .limit(OPEN_WORK_MAX + 1)
    .all();
  const truncated = rows.length > OPEN_WORK_MAX;
  if (truncated) rows.length = OPEN_WORK_MAX;

  const out: OpenWorkDto = {
    at: iso(now),
    truncated,
    id: [],
    number: [],
    title: [],
    lon: [],
    lat: [],
    sla: [],
    status: [],
    priority: [],
    assignee: [],
    assignees: [],
  };
  const assigneeIndex = new Map<string, number>();
  // Six decimals are ~0.1 m: enough for a map, and a third shorter than a double's 17 digits.
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);
  for (const r of rows) {
    out.id.push(r.id);
    out.number.push(r.number);
    out.title.push(r.title);
    out.lon.push(round(r.lon));
    out.lat.push(round(r.lat));
    out.sla.push(SLA_CODE.get(r.sla ?? 'none') ?? 0);
    out.status.push(STATUS_CODE.get(r.status) ?? 0);
    out.priority.push(PRIORITY_CODE.get(r.priority) ?? 0);
    let a = -1;
    if (r.assigneeId) {
      a = assigneeIndex.get(r.assigneeId) ?? out.assignees.length;
      if (a === out.assignees.length) {
        assigneeIndex.set(r.assigneeId, a);
        out.assignees.push(r.assigneeId);
      }
    }
    out.assignee.push(a);
  }
  return out;
}
