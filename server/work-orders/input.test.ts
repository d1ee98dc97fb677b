import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, move, seedWorld, workOrderAt, type World } from './fixtures.js';

let t: TestHost;
let w: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
});
afterAll(() => t.close());

const count = (table: string) => t.host.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe('bad input to work orders', () => {
  it('when the body is malformed JSON, then 400 malformed_json and nothing is created', async () => {
    const before = count('work_orders');
    const res = await t.api('POST', '/api/v1/work-orders', { token: w.tokens.dispatcher, rawBody: '{"title": "x",' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_json');
    expect(count('work_orders')).toBe(before);
  });

  it('when fields are unknown or of the wrong type, then 400 lists each field', async () => {
    const res = await t.api('POST', '/api/v1/work-orders', {
      token: w.tokens.dispatcher,
      body: { title: 42, type: 'corrective', priority: 'urgent', durationMin: 'long', plannedStart: 'tomorrow', colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['body.title', 'body.priority', 'body.durationMin', 'body.plannedStart']));
    expect(res.body.detail).toMatch(/colour/);
  });

  it('when type and priority are missing without a template, then 400 says they are needed', async () => {
    const res = await t.api('POST', '/api/v1/work-orders', { token: w.tokens.dispatcher, body: { title: 'No type' } });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body).sort()).toEqual(['body.priority', 'body.type']);
  });

  it('when a template is named, then it fills type, priority, duration and checklist', async () => {
    const res = await t.api('POST', '/api/v1/work-orders', {
      token: w.tokens.dispatcher,
      body: { title: 'Service pump 1', templateId: w.template },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'preventive',
      priority: 'medium',
      durationMin: 90,
      requiresSignature: true,
      description: 'Quarterly pump service',
    });
    expect(res.body.checklist.map((i: { id: string }) => i.id)).toEqual(['isolated', 'pressure', 'remarks']);
  });

  it('when the named template is deleted, then 400 on body.templateId and nothing is created', async () => {
    const template = await t.api('POST', '/api/v1/task-templates', {
      token: w.tokens.admin,
      body: { name: 'Retired hydrant check', type: 'inspection', priority: 'low', durationMin: 30 },
    });
    expect(template.status).toBe(201);
    expect((await t.api('DELETE', `/api/v1/task-templates/${template.body.id}`, { token: w.tokens.admin })).status).toBe(204);
    const before = count('work_orders');
    const res = await t.api('POST', '/api/v1/work-orders', {
      token: w.tokens.dispatcher,
      body: { title: 'Hydrant 12', templateId: template.body.id },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'body.templateId', message: 'no such task template in this organization' });
    expect(count('work_orders')).toBe(before);
  });

  it('when an id is not a UUID, then 400 names the path parameter', async () => {
    const res = await t.api('GET', '/api/v1/work-orders/not-a-uuid', { token: w.tokens.viewer });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['path.id']);
    const missing = await t.api('GET', '/api/v1/work-orders/0190c0de-0000-7000-8000-000000000000', { token: w.tokens.viewer });
    expect(missing.status).toBe(404);
  });

  it('when a PATCH tries to set the status, then 400 points to the transitions endpoint', async () => {
    const wo = await createVia(t, w, {});
    const res = await t.api('PATCH', `/api/v1/work-orders/${wo.id}`, { token: w.tokens.dispatcher, body: { status: 'CLOSED' } });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/transitions/);
  });

  it('when the body is too large, then 413', async () => {
    const res = await t.api('POST', '/api/v1/work-orders', {
      token: w.tokens.dispatcher,
      body: { title: 'x', description: 'y'.repeat(1_100_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('body_too_large');
  });

  it('when a PATCH changes fields, then an updated event lists exactly what changed', async () => {
    const wo = await createVia(t, w, { description: 'old' });
    const res = await t.api('PATCH', `/api/v1/work-orders/${wo.id}`, {
      token: w.tokens.dispatcher,
      body: { title: 'Leaking valve', description: 'new', durationMin: 45, phaseId: w.phase },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ description: 'new', durationMin: 45, phaseId: w.phase, projectId: w.project, version: 2 });
    const events = await t.api('GET', `/api/v1/work-orders/${wo.id}/events`, { token: w.tokens.viewer });
    expect(events.body.items.at(-1)).toMatchObject({
      type: 'updated',
      data: {
        changed: {
          description: { from: 'old', to: 'new' },
          durationMin: { from: 60, to: 45 },
          phaseId: { from: null, to: w.phase },
          projectId: { from: null, to: w.project },
        },
      },
    });
    const moved = await t.api('PATCH', `/api/v1/work-orders/${wo.id}`, { token: w.tokens.dispatcher, body: { projectId: w.otherProject } });
    expect(moved.body).toMatchObject({ projectId: w.otherProject, phaseId: null });
  });
});

describe('optimistic concurrency', () => {
  it('when If-Match carries a stale version, then 409 version_conflict and the work order is unchanged', async () => {
    const wo = await createVia(t, w, {});
    const read = await t.api('GET', `/api/v1/work-orders/${wo.id}`, { token: w.tokens.dispatcher });
    const etag = read.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const first = await t.api('PATCH', `/api/v1/work-orders/${wo.id}`, {
      token: w.tokens.dispatcher,
      body: { title: 'First edit' },
      headers: { 'if-match': etag },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    const second = await t.api('PATCH', `/api/v1/work-orders/${wo.id}`, {
      token: w.tokens.supervisor,
      body: { title: 'Second edit' },
      headers: { 'if-match': etag },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const stale = await move(t, w.tokens.dispatcher, wo.id, 'CANCELLED', {}, { 'if-match': etag });
    expect(stale.status).toBe(409);
    const now = await t.api('GET', `/api/v1/work-orders/${wo.id}`, { token: w.tokens.dispatcher });
    expect(now.body).toMatchObject({ title: 'First edit', status: 'NEW', version: 2 });
    expect((await move(t, w.tokens.dispatcher, wo.id, 'CANCELLED', {}, { 'if-match': '"2"' })).status).toBe(200);
    const bad = await t.api('PATCH', `/api/v1/work-orders/${wo.id}`, {
      token: w.tokens.dispatcher,
      body: { title: 'x' },
      headers: { 'if-match': 'yesterday' },
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['header.if-match']);
  });
});

describe('Idempotency-Key', () => {
  it('when the same POST is sent twice with one key, then one work order exists and the replay is identical', async () => {
    const before = count('work_orders');
    const send = () =>
      t.api('POST', '/api/v1/work-orders', {
        token: w.tokens.dispatcher,
        body: { title: 'Once only', type: 'corrective', priority: 'high' },
        headers: { 'idempotency-key': 'create-once-1' },
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(count('work_orders')).toBe(before + 1);

    const reused = await t.api('POST', '/api/v1/work-orders', {
      token: w.tokens.dispatcher,
      body: { title: 'Something else', type: 'corrective', priority: 'high' },
      headers: { 'idempotency-key': 'create-once-1' },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect(count('work_orders')).toBe(before + 1);
  });

  it('when a transition is retried with its key, then it happens once', async () => {
    const wo = workOrderAt(w, 'DISPATCHED');
    const headers = { 'idempotency-key': `go-${wo.id}` };
    const first = await move(t, w.tokens.tech1, wo.id, 'EN_ROUTE', {}, headers);
    const again = await move(t, w.tokens.tech1, wo.id, 'EN_ROUTE', {}, headers);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const events = await t.api('GET', `/api/v1/work-orders/${wo.id}/events`, { token: w.tokens.viewer });
    expect(events.body.items.filter((e: { toStatus: string }) => e.toStatus === 'EN_ROUTE')).toHaveLength(1);
  });
});

describe('atomic mutations', () => {
  it('when the change-log write fails during a transition, then the work order, its events and audit rows are unchanged', async () => {
    const wo = workOrderAt(w, 'DISPATCHED');
    const snapshot = () => ({
      row: t.host.sqlite.prepare('SELECT * FROM work_orders WHERE id = ?').get(wo.id),
      events: count('work_order_events'),
      audit: count('audit_log'),
      mutations: count('mutations'),
      changes: count('changes'),
    });
    const before = snapshot();
    t.host.sqlite.exec("CREATE TEMP TRIGGER boom BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'boom'); END;");
    try {
      const res = await move(t, w.tokens.tech1, wo.id, 'EN_ROUTE');
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('internal_error');
      expect(JSON.stringify(res.body)).not.toContain('boom');
    } finally {
      t.host.sqlite.exec('DROP TRIGGER temp.boom');
    }
    expect(snapshot()).toEqual(before);
    const res = await move(t, w.tokens.tech1, wo.id, 'EN_ROUTE');
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(wo.version + 1);
    expect(snapshot().events).toBe(before.events + 1);
  });
});
