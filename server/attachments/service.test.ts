import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { depots, workOrders } from '../../db/schema/index.js';
import { mutate } from '../core/mutate.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { transitionWorkOrder } from '../work-orders/service.js';
import { localStamp, locationText } from './images.js';
import { timeZoneOf } from './repo.js';
import { storeSignaturePng } from './signature-sync.js';
import { download, flatJpeg, png, storedFiles, upload } from './test-helpers.js';

let t: TestHost;
let a: World;

const rows = (workOrderId: string) =>
  t.host.sqlite.prepare('SELECT count(*) FROM attachments WHERE work_order_id = ?').pluck().get(workOrderId) as number;

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
});
afterAll(() => t.close());

describe('upload edge cases', () => {
  it('when the work order is cancelled while a photo is still arriving, then 409 and the processed files are removed again', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const bytes = await flatJpeg(1200, 900);
    const before = storedFiles(t.dataDir).length;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (step === 0) controller.enqueue(bytes.subarray(0, 1000));
        else if (step === 1) {
          await gate;
          controller.enqueue(bytes.subarray(1000));
        } else controller.close();
        step++;
      },
    });
    const pending = upload(t, a.tokens.tech1, wo.id, body, { kind: 'photo', fileName: 'late.jpg' });
    // Once the first bytes sit in the host's temp file, the dispatcher cancels the work.
    await vi.waitFor(() => expect(storedFiles(t.dataDir, 'tmp')).toHaveLength(1));
    transitionWorkOrder(a.ctx, wo.id, { to: 'CANCELLED', reason: 'customer cancelled' });
    release();
    const res = await pending;
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('work_order_finished');
    expect(rows(wo.id)).toBe(0);
    expect(storedFiles(t.dataDir).length).toBe(before);
  });

  it('when a client sends the file as application/json, then 415 explains how to send bytes', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const res = await upload(
      t,
      a.tokens.tech1,
      wo.id,
      Buffer.from('{"a":1}'),
      { kind: 'document', fileName: 'x.json' },
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(415);
    expect(res.body.detail).toMatch(/raw bytes/);
  });

  it('when a PNG photo is shown, then its display copy is a JPEG named like it and the original stays PNG', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const bytes = await png(500, 400);
    const res = await upload(t, a.tokens.tech1, wo.id, bytes, { kind: 'photo', fileName: 'IMG_7.png' });
    expect(res.body).toMatchObject({ mimeType: 'image/png', meta: { watermarked: true } });
    const shown = await download(t, a.tokens.tech1, `/attachments/${res.body.id}/content?variant=display`);
    expect(shown.headers.get('content-type')).toBe('image/jpeg');
    expect(shown.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''IMG_7.jpg");
    const original = await download(t, a.tokens.tech1, `/attachments/${res.body.id}/content?variant=original`);
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(original.headers.get('etag')).not.toBe(shown.headers.get('etag'));
    expect((await download(t, a.tokens.tech1, `/attachments/${res.body.id}/content?variant=huge`)).status).toBe(400);
  });

  it('when the seed stores a signature synchronously, then completion accepts it', () => {
    const wo = workOrderAt(a, 'ON_SITE', { templateId: a.template, type: undefined, priority: undefined });
    mutate(a.ctx, 'test.require', (w) => w.update(workOrders, wo.id, { checklist: [] }));
    expect(() => transitionWorkOrder(a.ctx, wo.id, { to: 'COMPLETED' })).toThrow(/signature/);
    const row = storeSignaturePng(a.ctx, wo.id, 'Pat Customer', Buffer.from('89504e470d0a1a0a0000', 'hex'));
    expect(row).toMatchObject({ kind: 'signature', thumbnailKey: row.storageKey, meta: { signerName: 'Pat Customer' } });
    expect(transitionWorkOrder(a.ctx, wo.id, { to: 'COMPLETED' }).status).toBe('COMPLETED');
    expect(() => storeSignaturePng(a.ctx, wo.id, 'X', Buffer.from('GIF89a'))).toThrow(/PNG/);
  });
});

describe('watermark text', () => {
  it("when a time is stamped, then it reads in the depot's zone, falling back to the org's", () => {
    const summer = Date.parse('2026-07-01T12:05:00Z');
    expect(localStamp(summer, 'Europe/London')).toBe('2026-07-01 13:05 BST');
    expect(localStamp(summer, 'UTC')).toBe('2026-07-01 12:05 UTC');
    expect(localStamp(summer, 'Not/AZone')).toBe('2026-07-01 12:05 UTC');
    expect(locationText(51.5, -0.1, 12.4)).toBe('51.50000, -0.10000 ±12 m');
    expect(locationText(51.5, -0.1, undefined)).toBe('51.50000, -0.10000');
    expect(locationText(undefined, undefined, 5)).toBe('no location');

    const wo = workOrderAt(a, 'ON_SITE');
    const row = t.host.db.select().from(workOrders).where(eq(workOrders.id, wo.id)).get()!;
    expect(timeZoneOf(a.ctx, { ...row, depotId: null })).toBe('UTC');
    mutate(a.ctx, 'test.zone', (w) => w.update(depots, a.depot, { timeZone: 'Europe/Berlin' }));
    expect(timeZoneOf(a.ctx, { ...row, depotId: a.depot })).toBe('Europe/Berlin');
  });
});

describe('API description', () => {
  it('when the OpenAPI document is read, then the upload lists its query and its refusals', async () => {
    const doc = await t.api('GET', '/api/v1/openapi.json');
    const op = doc.body.paths['/api/v1/work-orders/{id}/attachments'].post;
    expect(
      op.parameters
        .filter((p: { in: string }) => p.in === 'query')
        .map((p: { name: string }) => p.name)
        .sort(),
    ).toEqual(['accuracyM', 'fileName', 'kind', 'lat', 'lon', 'signerName', 'takenAt']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '409', '413', '415', '422']));
    const content = doc.body.paths['/api/v1/attachments/{id}/content'].get;
    expect(content.parameters.map((p: { name: string }) => p.name)).toContain('variant');
  });
});
