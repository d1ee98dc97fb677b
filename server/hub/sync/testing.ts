import { randomUUID } from 'node:crypto';
import type { PushBatch, PushChange, PushMutation } from '../../sync/contract-protocol.js';
import type { TestHub } from '../testing.js';

/** Builders of push batches for the hub's sync tests and bench: HLCs that sort as the wire form does. */

export const hlc = (ms: number, node = 'n1', counter = 0): string =>
  `${String(ms).padStart(15, '0')}:${String(counter).padStart(5, '0')}:${node}`;

export function mutation(p: Partial<PushMutation> & { seq: number; changes: PushChange[] }): PushMutation {
  return {
    id: p.id ?? randomUUID(),
    seq: p.seq,
    hlc: p.hlc ?? hlc(1_000 + p.seq),
    action: p.action ?? 'test.change',
    actorId: p.actorId === undefined ? 'system:test' : p.actorId,
    at: p.at ?? 1_700_000_000_000 + p.seq,
    changes: p.changes,
    audit: p.audit ?? [],
  };
}

export function batch(node: string, mutations: PushMutation[], p: Partial<PushBatch> = {}): PushBatch {
  return {
    node,
    epoch: p.epoch ?? 1,
    afterSeq: p.afterSeq === undefined ? null : p.afterSeq,
    toSeq: p.toSeq ?? Math.max(...mutations.map((m) => m.seq)),
    key: p.key ?? randomUUID(),
    schema: p.schema ?? 1,
    mutations,
  };
}

/** A setup mutation of the kind a depot's first run makes (system actor): org, depot, admin. */
export function setupChanges(orgId: string, adminId: string, extraUsers: { id: string; role: string }[] = []): PushChange[] {
  return [
    { t: 'organizations', r: orgId, op: 'insert', f: { name: 'Avon Utilities', slug: 'avon', time_zone: 'UTC', created_at: 1 } },
    { t: 'users', r: adminId, op: 'insert', f: { email: 'admin@example.test', name: 'Admin', role: 'admin', active: true, created_at: 1 } },
    ...extraUsers.map((u): PushChange => ({
      t: 'users',
      r: u.id,
      op: 'insert',
      f: { email: `${u.role}-${u.id.slice(-6)}@example.test`, name: u.role, role: u.role, active: true, created_at: 1 },
    })),
  ];
}

/** A work order insert with the columns a depot sends (status as its plain first value). */
export function workOrderInsert(id: string, number: string, status = 'NEW'): PushChange {
  return {
    t: 'work_orders',
    r: id,
    op: 'insert',
    f: {
      number,
      seq: 1,
      title: `Job ${number}`,
      type: 'corrective',
      priority: 'medium',
      status,
      required_skills: [],
      checklist: [],
      requires_signature: false,
      duration_min: 60,
      created_at: 1,
    },
  };
}

/** A new hub org and one depot node enrolled in it with an enrolment code, as a depot joins. */
/** A depot node enrolled in a fresh hub org: what a test pushes and pulls with. */
export interface EnrolledNode {
  orgId: string;
  node: string;
  credential: string;
  replicaOrgId: string;
}

export async function enrolNode(t: TestHub): Promise<EnrolledNode> {
  const org = await t.org();
  const code = await t.call('POST', '/hub/v1/enrolment-codes', { token: org.token });
  const node = randomUUID();
  const replicaOrgId = randomUUID();
  const enrol = await t.call('POST', '/hub/v1/enrol', {
    body: { code: code.body.code, node, orgId: replicaOrgId, depotCode: 'AVM', depotName: 'Avonmouth', schema: 1, version: '1.0.0' },
  });
  if (enrol.status !== 200) throw new Error(`enrol: ${enrol.status} ${JSON.stringify(enrol.body)}`);
  return { orgId: org.orgId, node, credential: enrol.body.credential as string, replicaOrgId };
}
