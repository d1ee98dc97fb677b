import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments } from '../../db/schema/index.js';
import { mutate } from '../core/mutate.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, seedWorld, type World } from '../work-orders/fixtures.js';

let t: TestHost;
let a: World;
let b: World;

// A 1×1 PNG: enough bytes to prove the file comes back untouched.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function store(key: string, bytes: Buffer) {
  const file = path.join(t.dataDir, 'attachments', key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}

function attach(world: World, workOrderId: string, row: Partial<typeof attachments.$inferInsert> = {}) {
  return mutate(world.ctx, 'test.attach', (w) =>
    w.insert(attachments, {
      workOrderId,
      kind: 'photo',
      fileName: 'valve.png',
      mimeType: 'image/png',
      sizeBytes: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
      storageKey: `${workOrderId}/valve.png`,
      thumbnailKey: `${workOrderId}/valve.thumb.png`,
      uploadedBy: world.people.tech1,
      ...row,
    }),
  );
}

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
  b = await seedWorld(t, 'Hillside');
});
afterAll(() => t.close());

describe('work-order attachments (read side)', () => {
  it('when a work order has a photo, then its list gives the metadata and the files come back with their type', async () => {
    const wo = await createVia(t, a, { teamId: a.teams.alpha });
    const photo = attach(a, wo.id);
    store(`${wo.id}/valve.png`, PNG);
    store(`${wo.id}/valve.thumb.png`, PNG);
    const doc = attach(a, wo.id, {
      kind: 'document',
      fileName: 'report.html',
      mimeType: 'text/html',
      storageKey: `${wo.id}/report.html`,
      thumbnailKey: null,
    });
    store(`${wo.id}/report.html`, Buffer.from('<script>alert(1)</script>'));

    const list = await t.api('GET', `/api/v1/work-orders/${wo.id}/attachments`, { token: a.tokens.viewer });
    expect(list.status).toBe(200);
    expect(list.body.items).toMatchObject([
      {
        id: photo.id,
        kind: 'photo',
        fileName: 'valve.png',
        mimeType: 'image/png',
        hasThumbnail: true,
        uploadedByName: 'tech1 of Riverside',
      },
      { id: doc.id, kind: 'document', hasThumbnail: false },
    ]);

    const content = await fetch(`${t.url}/api/v1/attachments/${photo.id}/content`, {
      headers: { authorization: `Bearer ${a.tokens.viewer}` },
    });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await content.arrayBuffer()).equals(PNG)).toBe(true);

    const thumb = await fetch(`${t.url}/api/v1/attachments/${photo.id}/thumbnail`, {
      headers: { authorization: `Bearer ${a.tokens.viewer}` },
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');

    // Active content is never served inline from the console's origin.
    const html = await fetch(`${t.url}/api/v1/attachments/${doc.id}/content`, { headers: { authorization: `Bearer ${a.tokens.viewer}` } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('when the file or thumbnail is missing, or the id belongs to another org, then the answer is 404', async () => {
    const wo = await createVia(t, a, {});
    const noFile = attach(a, wo.id, { storageKey: `${wo.id}/gone.png`, thumbnailKey: null });
    const token = { token: a.tokens.viewer };
    expect((await t.api('GET', `/api/v1/attachments/${noFile.id}/content`, token)).status).toBe(404);
    expect((await t.api('GET', `/api/v1/attachments/${noFile.id}/thumbnail`, token)).status).toBe(404);

    const climbing = attach(a, wo.id, { storageKey: '../depotdesk.db', thumbnailKey: null });
    expect((await t.api('GET', `/api/v1/attachments/${climbing.id}/content`, token)).status).toBe(404);

    const theirs = await createVia(t, b, {}, b.tokens.dispatcher);
    const other = attach(b, theirs.id, { storageKey: `${theirs.id}/x.png` });
    store(`${theirs.id}/x.png`, PNG);
    const res = await t.api('GET', `/api/v1/attachments/${other.id}/content`, token);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.api('GET', `/api/v1/work-orders/${theirs.id}/attachments`, token)).status).toBe(404);
  });

  it("when a technician asks for another team's attachment, then it does not exist for them", async () => {
    const wo = await createVia(t, a, { teamId: a.teams.alpha });
    const photo = attach(a, wo.id, { storageKey: `${wo.id}/p.png` });
    store(`${wo.id}/p.png`, PNG);
    expect((await t.api('GET', `/api/v1/attachments/${photo.id}/content`, { token: a.tokens.tech2 })).status).toBe(404);
    const mine = await fetch(`${t.url}/api/v1/attachments/${photo.id}/content`, { headers: { authorization: `Bearer ${a.tokens.tech1}` } });
    expect(mine.status).toBe(200);
  });

  it('when nobody signs in, then files are refused', async () => {
    const wo = await createVia(t, a, {});
    const photo = attach(a, wo.id);
    expect((await t.api('GET', `/api/v1/attachments/${photo.id}/content`)).status).toBe(401);
  });
});
