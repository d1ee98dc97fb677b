import { DateTime } from 'luxon';
import type { Ctx } from '../../core/context.js';
import { zoneFor } from '../zone.js';
import type { ActivityQueryInput, ActivityReportDto } from './contract.js';

/**
 * Activity per person per day, read from the audit trail (every write is audited with its actor, so
 * nothing else needs to count). SQLite groups the period's work-order audit rows by actor and UTC
 * quarter hour (every zone's offset is a multiple of 15 minutes, so a local midnight is a quarter-hour
 * boundary); the quarter hours are then added into the organization's local days with luxon, which
 * knows the 23- and 25-hour days. The rows come through the (org, at) index.
 */

const QUARTER_MS = 900_000;

interface Bucket {
  actor: string | null;
  quarter: number;
  created: number;
  updated: number;
  completed: number;
}

type Counts = { created: number; updated: number; completed: number };
const zero = (): Counts => ({ created: 0, updated: 0, completed: 0 });

export function activityReport(ctx: Ctx, q: ActivityQueryInput): ActivityReportDto {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  const zone = zoneFor(ctx.host.sqlite, ctx.orgId);
  const buckets = ctx.host.sqlite
    .prepare(
      `SELECT actor_id AS actor, at / ${QUARTER_MS} AS quarter,
              sum(action = 'work_orders.insert') AS created,
              sum(action = 'work_orders.update') AS updated,
              sum(action = 'work_orders.update' AND json_extract("after", '$.status') = 'COMPLETED') AS completed
         FROM audit_log
        WHERE org_id = ? AND at >= ? AND at < ? AND action IN ('work_orders.insert', 'work_orders.update')
        GROUP BY actor_id, quarter`,
    )
    .all(ctx.orgId, from, to) as Bucket[];

  const days: string[] = [];
  for (let d = DateTime.fromMillis(from, { zone }).startOf('day'); d.toMillis() < to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const dayOfQuarter = new Map<number, number>();
  const dayOf = (quarter: number): number => {
    let i = dayOfQuarter.get(quarter);
    if (i === undefined) {
      i = dayIndex.get(DateTime.fromMillis(quarter * QUARTER_MS, { zone }).toISODate()!) ?? -1;
      dayOfQuarter.set(quarter, i);
    }
    return i;
  };

  const byActor = new Map<string | null, { total: Counts; perDay: Counts[] }>();
  for (const b of buckets) {
    const day = dayOf(b.quarter);
    if (day < 0) continue;
    let a = byActor.get(b.actor);
    if (!a) byActor.set(b.actor, (a = { total: zero(), perDay: days.map(zero) }));
    for (const k of ['created', 'updated', 'completed'] as const) {
      a.total[k] += b[k];
      a.perDay[day]![k] += b[k];
    }
  }

  const ids = [...byActor.keys()].filter((id): id is string => id !== null);
  const users = new Map(
    ids.length
      ? (
          ctx.host.sqlite
            .prepare(`SELECT id, name, role FROM users WHERE org_id = ? AND id IN (${ids.map(() => '?').join(',')})`)
            .all(ctx.orgId, ...ids) as { id: string; name: string; role: string }[]
        ).map((u) => [u.id, u])
      : [],
  );
  const people = [...byActor]
    .map(([userId, a]) => {
      const user = userId ? users.get(userId) : undefined;
      return {
        userId,
        name: userId === null ? 'System' : (user?.name ?? 'Former user'),
        role: user?.role ?? null,
        ...a.total,
        perDay: a.perDay,
      };
    })
    .sort((x, y) => y.updated + y.created - (x.updated + x.created) || x.name.localeCompare(y.name));
  const totals = zero();
  for (const p of people) for (const k of ['created', 'updated', 'completed'] as const) totals[k] += p[k];
  return { zone, from: new Date(from).toISOString(), to: new Date(to).toISOString(), days, people, totals };
}
