// Test helpers shared by the catalog features' tests: users of every role, and a second org.
import { expect } from 'vitest';
import { organizations, users, type Role } from '../../db/schema/index.js';
import { systemCtx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { mutate } from '../core/mutate.js';
import { hashPassword } from '../auth/passwords.js';
import type { Response, TestHost } from '../testing/harness.js';

export const ALL_ROLES: Role[] = ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'];
const PASSWORD = 'role matrix password';

async function login(t: TestHost, email: string, password = PASSWORD): Promise<string> {
  const res = await t.api('POST', '/api/v1/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** One signed-in user per role, the non-admins created through the API by the admin. */
export async function roleTokens(t: TestHost, adminToken: string, tag: string): Promise<Record<Role, string>> {
  const tokens = { admin: adminToken } as Record<Role, string>;
  for (const role of ALL_ROLES.filter((r) => r !== 'admin')) {
    const email = `${role}.${tag}@example.test`;
    const res = await t.api('POST', '/api/v1/users', {
      token: adminToken,
      body: { email, name: `${role} ${tag}`, role, password: PASSWORD },
    });
    if (res.status !== 201) throw new Error(`creating the ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[role] = await login(t, email);
  }
  return tokens;
}

/**
 * Calls `call` as every role and checks who is let through. Refused roles must get 403 (and,
 * since the check runs first, nothing is written); allowed roles must get anything but 401/403.
 */
export async function expectRoleMatrix(
  tokens: Record<Role, string>,
  allowed: Role[],
  call: (token: string, role: Role) => Promise<Response>,
): Promise<void> {
  const seen: Record<string, number> = {};
  const expected: Record<string, string> = {};
  for (const role of ALL_ROLES) {
    const res = await call(tokens[role], role);
    seen[role] = res.status;
    const ok = res.status !== 401 && res.status !== 403 && res.status < 500;
    expected[role] = allowed.includes(role)
      ? ok
        ? 'allowed'
        : `allowed but got ${res.status}`
      : res.status === 403
        ? 'refused'
        : `should be refused but got ${res.status}`;
  }
  expect(expected).toEqual(Object.fromEntries(ALL_ROLES.map((r) => [r, allowed.includes(r) ? 'allowed' : 'refused'])));
}

/** A second org (setup allows only one), with an admin signed in: its ids must be invisible to the first. */
export async function secondOrg(t: TestHost, name = 'Hilltop Utilities'): Promise<{ orgId: string; userId: string; token: string }> {
  const orgId = newId();
  const email = `admin@${orgId.slice(-8)}.example.test`;
  const passwordHash = await hashPassword(PASSWORD);
  const userId = mutate(systemCtx(t.host, orgId), 'test.second_org', (w) => {
    w.insert(organizations, { id: orgId, name, slug: `org-${orgId.slice(-8)}`, timeZone: 'UTC' });
    return w.insert(users, { email, name: `${name} admin`, role: 'admin', passwordHash }).id;
  });
  return { orgId, userId, token: await login(t, email) };
}

/** Rows in the audit log and change log for one entity row (a create must leave both), in order. */
export function historyOf(t: TestHost, entityId: string) {
  const audit = t.host.sqlite.prepare('SELECT action, entity FROM audit_log WHERE entity_id = ? ORDER BY at, id').all(entityId) as {
    action: string;
    entity: string;
  }[];
  const changes = t.host.sqlite
    .prepare('SELECT table_name AS tableName, op FROM changes WHERE row_id = ? ORDER BY mutation_seq, n')
    .all(entityId) as { tableName: string; op: string }[];
  return { audit, changes };
}
