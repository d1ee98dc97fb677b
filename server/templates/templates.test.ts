import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
let skillId: string;
const TT = '/api/v1/task-templates';
const CHECKLIST = [
  { id: 'isolate', label: 'Supply isolated', kind: 'yesno', required: true },
  { id: 'pressure', label: 'Test pressure', kind: 'number', min: 0, max: 16, unit: 'bar' },
];

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'templates');
  skillId = (await t.api('POST', '/api/v1/skills', { token: admin, body: { name: 'Pipe fitting' } })).body.id;
});
afterAll(() => t.close());

describe('task templates', () => {
  it('when a template is created with skills and a checklist, then defaults are filled in and it is audited', async () => {
    const res = await t.api('POST', TT, {
      token: admin,
      body: {
        name: 'Valve service',
        type: 'preventive',
        priority: 'medium',
        durationMin: 90,
        requiredSkills: [{ skillId, minLevel: 2 }],
        checklist: CHECKLIST,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ requiredSkills: [{ skillId, minLevel: 2 }], requiresSignature: false });
    expect(res.body.checklist[1]).toEqual({ ...CHECKLIST[1], required: false });
    expect(historyOf(t, res.body.id)).toEqual({
      audit: [{ action: 'task_templates.insert', entity: 'task_templates' }],
      changes: [{ tableName: 'task_templates', op: 'insert' }],
    });
    expect((await t.api('GET', `${TT}?type=preventive`, { token: tokens.technician })).body.items).toHaveLength(1);
    expect((await t.api('GET', `${TT}?priority=critical`, { token: admin })).body.items).toHaveLength(0);
  });

  it("when a required skill is unknown or another org's, then 400 naming the array entry", async () => {
    const other = await secondOrg(t);
    const theirSkill = (await t.api('POST', '/api/v1/skills', { token: other.token, body: { name: 'Theirs' } })).body.id;
    const res = await t.api('POST', TT, {
      token: admin,
      body: { name: 'Bad', type: 'corrective', priority: 'high', durationMin: 30, requiredSkills: [{ skillId }, { skillId: theirSkill }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.requiredSkills.1.skillId', message: 'no such skill' }]);
  });

  it('when the checklist is malformed, then 400 with the item path', async () => {
    const res = await t.api('POST', TT, {
      token: admin,
      body: {
        name: 'Bad list',
        type: 'inspection',
        priority: 'low',
        durationMin: 10,
        checklist: [{ id: 'a b', label: 'x', kind: 'colour' }],
      },
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.checklist.0.id', 'body.checklist.0.kind']));
  });

  it('when a patch changes only the duration, then the checklist and skills stay as they were', async () => {
    const tpl = (await t.api('GET', TT, { token: admin })).body.items[0];
    const res = await t.api('PATCH', `${TT}/${tpl.id}`, { token: admin, body: { durationMin: 120 } });
    expect(res.body).toMatchObject({ durationMin: 120, requiredSkills: tpl.requiredSkills, checklist: tpl.checklist });
  });

  it('when each role manages templates, then only admins may', async () => {
    await expectRoleMatrix(tokens, ['admin'], (token, role) =>
      t.api('POST', TT, { token, body: { name: `T ${role}`, type: 'corrective', priority: 'low', durationMin: 15 } }),
    );
  });
});
