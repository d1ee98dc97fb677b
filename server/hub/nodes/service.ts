import { and, asc, eq } from 'drizzle-orm';
import type pg from 'pg';
import { withOrg } from '../db/pool.js';
import { nodes } from '../db/schema.js';
import type { NodeAuth } from '../http/auth.js';
import type { NodeView } from './contract.js';

type NodeRow = typeof nodes.$inferSelect;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(n: NodeRow): NodeView {
  return {
    id: n.id,
    depotCode: n.depotCode,
    depotName: n.depotName,
    state: n.state,
    softwareVersion: n.softwareVersion,
    schema: n.schema,
    enrolledAt: new Date(n.enrolledAt).toISOString(),
    lastPushAt: iso(n.lastPushAt),
    lastPullAt: iso(n.lastPullAt),
    lastPulledVersion: n.lastPulledVersion,
  };
}

/** The org's depots (the policies keep it to the org set; the filter says so for a reader too). */
export async function listNodes(pool: pg.Pool, orgId: string): Promise<NodeView[]> {
  const rows = await withOrg(pool, orgId, ({ db }) =>
    db.select().from(nodes).where(eq(nodes.orgId, orgId)).orderBy(asc(nodes.depotCode), asc(nodes.id)),
  );
  return rows.map(view);
}

/** Revokes a node of the org: its credential gets 401 from now on. Null when the org has no such node. */
export async function revokeNode(pool: pg.Pool, orgId: string, nodeId: string): Promise<NodeView | null> {
  const [row] = await withOrg(pool, orgId, ({ db }) =>
    db
      .update(nodes)
      .set({ state: 'revoked' })
      .where(and(eq(nodes.orgId, orgId), eq(nodes.id, nodeId)))
      .returning(),
  );
  return row ? view(row) : null;
}

/** A depot leaves: the node of its own credential is revoked (the org and node come from that credential). */
export async function leave(pool: pg.Pool, node: NodeAuth): Promise<void> {
  await revokeNode(pool, node.orgId, node.nodeId);
}
