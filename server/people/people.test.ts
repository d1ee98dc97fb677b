import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from './fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let adminId: string;
let tokens: Record<Role, string>;
const U = '/api/v1/users';
const SHIFT = { mon: [['07:00', '15:30']], tue: [['07:00', '15:30']] };

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin, userId: adminId } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'people');
});
afterAll(() => t.close());

const newUser = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  name: 'Tess Tech',
  role: 'technician',
  password: 'initial password 1',
  ...extra,
});

describe('users', () => {
  it('when an admin creates a user, then 201 without any password hash, audited and in the change log, and the user can sign in', async () => {
    const res = await t.api('POST', U, { token: admin, body: newUser('Tess@Example.test', { phone: '+44 1234', shift: SHIFT }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'tess@example.test', role: 'technician', active: true, phone: '+44 1234', shift: SHIFT });
    // Whether a password is set, never the hash.
    expect(res.body.hasPassword).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|password_hash|scrypt/i);
    const h = historyOf(t, res.body.id);
    expect(h.audit).toEqual([{ action: 'users.insert', entity: 'users' }]);
    expect(h.changes).toEqual([{ tableName: 'users', op: 'insert' }]);
    const changeRow = t.host.sqlite.prepare('SELECT fields FROM changes WHERE row_id = ?').pluck().get(res.body.id) as string;
    expect(changeRow).not.toContain('scrypt$');
    expect(JSON.parse(changeRow)).not.toHaveProperty('password_hash');
    const login = await t.api('POST', '/api/v1/auth/login', { body: { email: 'tess@example.test', password: 'initial password 1' } });
    expect(login.status).toBe(200);
    const list = await t.api('GET', `${U}?role=technician&q=tess`, { token: admin });
    expect(list.body.items.map((u: { email: string }) => u.email)).toEqual(['tess@example.test']);
    expect(JSON.stringify(list.body)).not.toContain('scrypt');
  });

  it('when a technician is created without a password, then they exist but cannot sign in by password; other roles need one', async () => {
    const tech = await t.api('POST', U, { token: admin, body: { email: 'pair.only@example.test', name: 'Pat Pair', role: 'technician' } });
    expect(tech.status).toBe(201);
    expect(tech.body.hasPassword).toBe(false);
    const login = await t.api('POST', '/api/v1/auth/login', { body: { email: 'pair.only@example.test', password: 'anything at all' } });
    expect(login.status).toBe(401);
    // Once an admin sets one, the list says so and the technician signs in.
    expect((await t.api('POST', `${U}/${tech.body.id}/password`, { token: admin, body: { password: 'a new password 1' } })).status).toBe(
      204,
    );
    const listed = await t.api('GET', `${U}?q=pair.only`, { token: admin });
    expect(listed.body.items.map((u: { hasPassword: boolean }) => u.hasPassword)).toEqual([true]);
    expect(
      (await t.api('POST', '/api/v1/auth/login', { body: { email: 'pair.only@example.test', password: 'a new password 1' } })).status,
    ).toBe(200);
    const dispatcher = await t.api('POST', U, { token: admin, body: { email: 'no.pw@example.test', name: 'Dee', role: 'dispatcher' } });
    expect(dispatcher.status).toBe(400);
    expect(dispatcher.body.errors).toEqual([expect.objectContaining({ field: 'body.password' })]);
  });

  it('when the e-mail is taken or the shift is malformed, then 409 duplicate / 400 with the field', async () => {
    const dup = await t.api('POST', U, { token: admin, body: newUser(ADMIN.email) });
    expect(dup.status).toBe(409);
    expect(dup.body.errors).toEqual([{ field: 'body.email', message: 'already used by another user' }]);
    const bad = await t.api('POST', U, { token: admin, body: newUser('shift@example.test', { shift: { monday: [['08:00', '17:00']] } }) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.shift');
    const short = await t.api('POST', U, { token: admin, body: newUser('short@example.test', { password: 'short' }) });
    expect(short.body.errors[0].field).toBe('body.password');
  });

  it('when a user is deactivated, then their sessions are revoked in the same change and they cannot sign in', async () => {
    const created = await t.api('POST', U, { token: admin, body: newUser('leaver@example.test') });
    const login = await t.api('POST', '/api/v1/auth/login', { body: { email: 'leaver@example.test', password: 'initial password 1' } });
    const theirToken = login.body.token as string;
    expect((await t.api('GET', '/api/v1/auth/me', { token: theirToken })).status).toBe(200);
    const res = await t.api('PATCH', `${U}/${created.body.id}`, { token: admin, body: { active: false }, headers: { 'if-match': '"1"' } });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    const revoked = t.host.sqlite
      .prepare('SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL')
      .pluck()
      .get(created.body.id);
    expect(revoked).toBe(0);
    expect((await t.api('GET', '/api/v1/auth/me', { token: theirToken })).status).toBe(401);
    const again = await t.api('POST', '/api/v1/auth/login', { body: { email: 'leaver@example.test', password: 'initial password 1' } });
    expect(again.status).toBe(401);
  });

  it('when the last admin would be demoted or deactivated, then 409 last_admin', async () => {
    const res = await t.api('PATCH', `${U}/${adminId}`, { token: admin, body: { role: 'viewer' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('last_admin');
    expect((await t.api('GET', `${U}/${adminId}`, { token: admin })).body.role).toBe('admin');
  });

  it('when skills are set and removed, then GET /users/:id shows them with the teams', async () => {
    const user = (await t.api('POST', U, { token: admin, body: newUser('skilled@example.test') })).body;
    const skill = (await t.api('POST', '/api/v1/skills', { token: admin, body: { name: 'Welding', category: 'mechanical' } })).body;
    const team = (await t.api('POST', '/api/v1/teams', { token: admin, body: { name: 'North crew' } })).body;
    await t.api('POST', `/api/v1/teams/${team.id}/members`, { token: admin, body: { userId: user.id } });
    const put = await t.api('PUT', `${U}/${user.id}/skills/${skill.id}`, { token: admin, body: { level: 3 } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ skillId: skill.id, name: 'Welding', category: 'mechanical', level: 3 });
    await t.api('PUT', `${U}/${user.id}/skills/${skill.id}`, { token: admin, body: { level: 4 } });
    const got = await t.api('GET', `${U}/${user.id}`, { token: tokens.viewer });
    expect(got.body.skills).toEqual([{ skillId: skill.id, name: 'Welding', category: 'mechanical', level: 4 }]);
    expect(got.body.teamIds).toEqual([team.id]);
    expect(got.headers.get('etag')).toBe('"1"');
    expect((await t.api('PUT', `${U}/${user.id}/skills/${skill.id}`, { token: admin, body: { level: 6 } })).status).toBe(400);
    expect((await t.api('DELETE', `${U}/${user.id}/skills/${skill.id}`, { token: admin })).status).toBe(204);
    expect((await t.api('GET', `${U}/${user.id}`, { token: admin })).body.skills).toEqual([]);
    expect((await t.api('DELETE', `${U}/${user.id}/skills/${skill.id}`, { token: admin })).status).toBe(404);
  });

  it('when an admin resets a password, then the old one and old sessions stop working', async () => {
    const user = (await t.api('POST', U, { token: admin, body: newUser('forgetful@example.test') })).body;
    const old = (await t.api('POST', '/api/v1/auth/login', { body: { email: 'forgetful@example.test', password: 'initial password 1' } }))
      .body.token;
    expect((await t.api('POST', `${U}/${user.id}/password`, { token: admin, body: { password: 'brand new password' } })).status).toBe(204);
    expect((await t.api('GET', '/api/v1/auth/me', { token: old })).status).toBe(401);
    expect(
      (await t.api('POST', '/api/v1/auth/login', { body: { email: 'forgetful@example.test', password: 'initial password 1' } })).status,
    ).toBe(401);
    expect(
      (await t.api('POST', '/api/v1/auth/login', { body: { email: 'forgetful@example.test', password: 'brand new password' } })).status,
    ).toBe(200);
    const audit = JSON.stringify(t.host.sqlite.prepare('SELECT before, after FROM audit_log WHERE entity_id = ?').all(user.id));
    expect(audit).not.toContain('scrypt$');
  });

  it("when another org's user or skill is named, then 404", async () => {
    const other = await secondOrg(t);
    expect((await t.api('GET', `${U}/${other.userId}`, { token: admin })).status).toBe(404);
    expect((await t.api('PATCH', `${U}/${other.userId}`, { token: admin, body: { name: 'x' } })).status).toBe(404);
    expect((await t.api('POST', `${U}/${other.userId}/password`, { token: admin, body: { password: 'hijacked password' } })).status).toBe(
      404,
    );
    const theirSkill = (await t.api('POST', '/api/v1/skills', { token: other.token, body: { name: 'Theirs' } })).body.id;
    expect((await t.api('PUT', `${U}/${adminId}/skills/${theirSkill}`, { token: admin, body: { level: 2 } })).status).toBe(404);
  });

  it('when each role reads and manages users, then only admins may manage', async () => {
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'], (token) => t.api('GET', U, { token }));
    await expectRoleMatrix(tokens, ['admin'], (token, role) => t.api('POST', U, { token, body: newUser(`m-${role}@example.test`) }));
    await expectRoleMatrix(tokens, ['admin'], (token) => t.api('PATCH', `${U}/${adminId}`, { token, body: { phone: '1' } }));
    const target = (await t.api('POST', U, { token: admin, body: newUser('target@example.test') })).body.id;
    await expectRoleMatrix(tokens, ['admin'], (token) =>
      t.api('POST', `${U}/${target}/password`, { token, body: { password: 'a new password 2' } }),
    );
    expect(t.host.sqlite.prepare("SELECT count(*) FROM users WHERE email LIKE 'm-%'").pluck().get()).toBe(1);
  });
});
