import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { Attachment } from './contract.js';
import { download, flatJpeg, orientedJpeg, png, storedFiles, upload } from './test-helpers.js';

let t: TestHost;
let a: World;
let b: World;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const rows = (workOrderId: string) =>
  t.host.sqlite.prepare('SELECT count(*) FROM attachments WHERE work_order_id = ?').pluck().get(workOrderId) as number;
const tmpFiles = () => storedFiles(t.dataDir, 'tmp');

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
  b = await seedWorld(t, 'Hillside');
});
afterAll(() => t.close());

describe('photo uploads', () => {
  it('when a technician uploads a photo, then the original is kept byte for byte beside a watermarked JPEG display copy and a thumbnail', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const source = await flatJpeg(3000, 2000);
    const query = { kind: 'photo', fileName: 'valve.jpg', takenAt: '2026-11-16T08:55:00Z', lat: '51.5', lon: '-0.1', accuracyM: '12' };
    const res = await upload(t, a.tokens.tech1, wo.id, source, query);
    expect(res.status).toBe(201);
    expect(Attachment.safeParse(res.body).success).toBe(true);
    expect(res.body).toMatchObject({
      workOrderId: wo.id,
      kind: 'photo',
      fileName: 'valve.jpg',
      mimeType: 'image/jpeg',
      sizeBytes: source.length,
      sha256: sha(source),
      hasThumbnail: true,
      uploadedBy: a.people.tech1,
      uploadedByName: 'tech1 of Riverside',
      meta: {
        takenAt: '2026-11-16T08:55:00.000Z',
        lat: 51.5,
        lon: -0.1,
        accuracyM: 12,
        width: 3000,
        height: 2000,
        watermarked: true,
        hasOriginal: true,
      },
    });
    const id = res.body.id as string;

    const original = await download(t, a.tokens.viewer, `/attachments/${id}/content?variant=original`);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    expect(sha(original.bytes)).toBe(sha(source));

    const display = await download(t, a.tokens.viewer, `/attachments/${id}/content`);
    expect(display.status).toBe(200);
    expect(display.headers.get('content-type')).toBe('image/jpeg');
    expect(display.bytes.equals(source)).toBe(false);
    const shown = await sharp(display.bytes).metadata();
    expect([shown.format, shown.width, shown.height]).toEqual(['jpeg', 2048, 1365]);
    // The band along the bottom is dark with white text; above it the photo is untouched.
    const { data, info } = await sharp(display.bytes).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    expect(px(1024, 400)).toEqual([expect.closeTo(120, -1), expect.closeTo(200, -1), expect.closeTo(120, -1)]);
    expect(px(1024, 1364)[1]).toBeLessThan(110);
    let white = 0;
    for (let y = 1250; y < 1365; y++) for (let x = 0; x < 1200; x++) if (px(x, y).every((c) => c > 220)) white++;
    expect(white).toBeGreaterThan(200);

    const thumb = await download(t, a.tokens.viewer, `/attachments/${id}/thumbnail`);
    const small = await sharp(thumb.bytes).metadata();
    expect(Math.max(small.width, small.height)).toBe(320);

    expect(
      storedFiles(t.dataDir)
        .filter((f) => f.includes(id))
        .sort(),
    ).toEqual([`2026/11/${id}-display.jpg`, `2026/11/${id}-thumb.jpg`, `2026/11/${id}.jpg`].map((f) => f.split('/').join(path.sep)).sort());
    expect(tmpFiles()).toEqual([]);

    const events = await t.api('GET', `/api/v1/work-orders/${wo.id}/events`, { token: a.tokens.dispatcher });
    expect(events.body.items).toContainEqual(
      expect.objectContaining({ type: 'attachment_added', data: { attachmentId: id, kind: 'photo', fileName: 'valve.jpg' } }),
    );
    const list = await t.api('GET', `/api/v1/work-orders/${wo.id}/attachments`, { token: a.tokens.tech1 });
    expect(list.body.items).toEqual([res.body]);
  });

  it('when a photo carries an EXIF orientation, then the display copy is upright and the original keeps its tag', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const source = await orientedJpeg(400, 200, 6);
    const res = await upload(t, a.tokens.tech1, wo.id, source, { kind: 'photo', fileName: 'turned.jpg' });
    expect(res.status).toBe(201);
    expect(res.body.meta).toMatchObject({ width: 200, height: 400, lat: null, takenAt: null });
    const display = await download(t, a.tokens.tech1, `/attachments/${res.body.id}/content`);
    const { data, info } = await sharp(display.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([200, 400]);
    const px = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    // The left (red) half of the sensor image is the top once turned 90° clockwise.
    expect(px(100, 50)[0]).toBeGreaterThan(200);
    expect(px(100, 50)[2]).toBeLessThan(60);
    expect(px(100, 300)[2]).toBeGreaterThan(200);
    const original = await download(t, a.tokens.tech1, `/attachments/${res.body.id}/content?variant=original`);
    expect(original.bytes.equals(source)).toBe(true);
    expect((await sharp(original.bytes).metadata()).orientation).toBe(6);
  });
});

describe('types are judged by content', () => {
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const ZIP = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.alloc(100, 1)]);
  const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200, 0)]);

  it('when a ".jpg" photo holds PDF, ZIP or EXE bytes, then 415 names the real type and nothing is stored', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    for (const [bytes, named] of [
      [PDF, 'application/pdf'],
      [ZIP, 'application/zip'],
      [EXE, 'application/x-msdownload'],
    ] as const) {
      const res = await upload(t, a.tokens.tech1, wo.id, bytes, { kind: 'photo', fileName: 'photo.jpg' }, { 'content-type': 'image/jpeg' });
      expect(res.status, named).toBe(415);
      expect(res.body).toMatchObject({ code: 'unsupported_media_type' });
      expect(res.body.detail).toContain(named);
    }
    expect(rows(wo.id)).toBe(0);
    expect(tmpFiles()).toEqual([]);
  });

  it('when a PNG named .pdf is uploaded as a document, then it is stored as image/png with a thumbnail', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const bytes = await png(600, 300);
    const res = await upload(
      t,
      a.tokens.dispatcher,
      wo.id,
      bytes,
      { kind: 'document', fileName: 'scan.pdf' },
      { 'content-type': 'application/pdf' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'document',
      fileName: 'scan.pdf',
      mimeType: 'image/png',
      hasThumbnail: true,
      meta: { width: 600, height: 300, watermarked: false },
    });
    const content = await download(t, a.tokens.viewer, `/attachments/${res.body.id}/content`);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.bytes.equals(bytes)).toBe(true);
  });

  it('when documents are a PDF or UTF-8 text, then they are kept; binary posing as text is refused', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const pdf = await upload(t, a.tokens.tech1, wo.id, PDF, { kind: 'document', fileName: 'permit.pdf' });
    expect(pdf.body).toMatchObject({ mimeType: 'application/pdf', hasThumbnail: false });
    const text = Buffer.from('Pressure log\n3.4 bar ✓ — Zürich\n');
    const log = await upload(t, a.tokens.tech1, wo.id, text, { kind: 'document', fileName: 'log.txt' });
    expect(log.body).toMatchObject({ mimeType: 'text/plain', sizeBytes: text.length });
    const bad = [
      Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x0a]),
      Buffer.from('nul\0inside'),
      Buffer.from('ends mid-character \xe2\x82', 'latin1'),
    ];
    for (const bytes of bad) {
      const res = await upload(t, a.tokens.tech1, wo.id, bytes, { kind: 'document', fileName: 'notes.txt' });
      expect(res.status).toBe(415);
      expect(res.body.detail).toContain('application/octet-stream');
    }
    expect(rows(wo.id)).toBe(2);
  });

  it('when a signature is not a PNG, an iPhone HEIC is sent, or a JPEG is damaged, then the refusal says what to do', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const jpeg = await flatJpeg(100, 50);
    const sig = await upload(t, a.tokens.tech1, wo.id, jpeg, { kind: 'signature', fileName: 'sig.png', signerName: 'Pat Customer' });
    expect(sig.status).toBe(415);
    expect(sig.body.detail).toMatch(/signature must be PNG; this file is image\/jpeg/);

    // An ISO-BMFF box with the "heic" brand: what an iPhone camera writes (HEVC, which this image library cannot decode).
    const heic = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic', 'latin1'), Buffer.alloc(500, 7)]);
    const iphone = await upload(t, a.tokens.tech1, wo.id, heic, { kind: 'photo', fileName: 'IMG_0001.HEIC' });
    expect(iphone.status).toBe(415);
    expect(iphone.body.detail).toMatch(/image\/heic.*send it as JPEG/);

    const broken = Buffer.concat([jpeg.subarray(0, 40), Buffer.alloc(400, 0x55)]);
    const damaged = await upload(t, a.tokens.tech1, wo.id, broken, { kind: 'photo', fileName: 'cut.jpg' });
    expect(damaged.status).toBe(422);
    expect(damaged.body.code).toBe('unreadable_image');
    expect(rows(wo.id)).toBe(0);
    expect(tmpFiles()).toEqual([]);
    expect(storedFiles(t.dataDir).filter((f) => !f.startsWith('tmp')).length).toBe(storedFiles(t.dataDir).length);
  });
});

describe('limits and bad input', () => {
  it('when a photo is larger than 15 MiB, then 413 before it is stored, and nothing is left behind', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const before = storedFiles(t.dataDir).length;
    const big = Buffer.alloc(15 * 1024 * 1024 + 1, 0xaa);
    const declared = await upload(t, a.tokens.tech1, wo.id, big, { kind: 'photo', fileName: 'huge.jpg' });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ code: 'payload_too_large' });
    expect(declared.body.detail).toContain('15 MiB');

    // Without Content-Length the host counts while it reads, and stops at the limit (1 MiB for a signature).
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        if (sent > 4 * 1024 * 1024) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024).fill(0x89));
      },
    });
    const streamed = await upload(t, a.tokens.tech1, wo.id, endless, { kind: 'signature', fileName: 's.png', signerName: 'Pat' });
    expect(streamed.status).toBe(413);
    expect(streamed.body.detail).toContain('1 MiB');
    expect(rows(wo.id)).toBe(0);
    expect(tmpFiles()).toEqual([]);
    expect(storedFiles(t.dataDir).length).toBe(before);
  });

  it('when the body is empty, or a signature has no signer, then 422 says what is missing', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const empty = await upload(t, a.tokens.tech1, wo.id, Buffer.alloc(0), { kind: 'photo', fileName: 'x.jpg' });
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('empty_upload');
    const sig = await png(300, 100);
    for (const query of [{}, { signerName: '   ' }] as Record<string, string>[]) {
      const res = await upload(t, a.tokens.tech1, wo.id, sig, { kind: 'signature', fileName: 'sig.png', ...query });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ field: 'query.signerName', message: 'required for a signature' }]);
    }
    const bad = await upload(t, a.tokens.tech1, wo.id, sig, { kind: 'sketch', fileName: 'x.png' });
    expect(bad.status).toBe(400);
    const half = await upload(t, a.tokens.tech1, wo.id, sig, { kind: 'photo', fileName: 'x.png', lat: '51.5' });
    expect(half.status).toBe(400);
    expect(rows(wo.id)).toBe(0);
  });
});

describe('replays and scope', () => {
  it('when the same Idempotency-Key is sent twice, then one row and one set of files exist and the replay says so', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const bytes = await flatJpeg(800, 600);
    const headers = { 'idempotency-key': `photo-${wo.id}` };
    const first = await upload(t, a.tokens.tech1, wo.id, bytes, { kind: 'photo', fileName: 'a.jpg' }, headers);
    const files = storedFiles(t.dataDir).length;
    const again = await upload(t, a.tokens.tech1, wo.id, bytes, { kind: 'photo', fileName: 'a.jpg' }, headers);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(rows(wo.id)).toBe(1);
    expect(storedFiles(t.dataDir).length).toBe(files);
    const events = t.host.sqlite
      .prepare("SELECT count(*) FROM work_order_events WHERE work_order_id = ? AND type = 'attachment_added'")
      .pluck()
      .get(wo.id);
    expect(events).toBe(1);

    // Another person's key is theirs alone; the same key on another work order is a client bug.
    const other = await upload(t, a.tokens.dispatcher, wo.id, bytes, { kind: 'photo', fileName: 'a.jpg' }, headers);
    expect(other.body.id).not.toBe(first.body.id);
    const elsewhere = workOrderAt(a, 'ON_SITE');
    const reused = await upload(t, a.tokens.tech1, elsewhere.id, bytes, { kind: 'photo', fileName: 'a.jpg' }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it("when the work order is another org's or another team's, then 404; a viewer gets 403; no token 401", async () => {
    const bytes = await flatJpeg(64, 64);
    const q = { kind: 'photo', fileName: 'p.jpg' };
    const theirs = await createVia(t, b, {}, b.tokens.dispatcher);
    expect((await upload(t, a.tokens.dispatcher, theirs.id, bytes, q)).status).toBe(404);
    const alphas = workOrderAt(a, 'ON_SITE');
    const res = await upload(t, a.tokens.tech2, alphas.id, bytes, q);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect((await upload(t, a.tokens.viewer, alphas.id, bytes, q)).status).toBe(403);
    expect((await upload(t, '', alphas.id, bytes, q)).status).toBe(401);
    expect(rows(alphas.id)).toBe(0);
    expect((await upload(t, a.tokens.supervisor, alphas.id, bytes, q)).status).toBe(201);
  });

  it('when the work is completed a photo may still follow; closed or cancelled work takes none (409)', async () => {
    const bytes = await flatJpeg(64, 64);
    const q = { kind: 'photo', fileName: 'late.jpg' };
    expect((await upload(t, a.tokens.tech1, workOrderAt(a, 'COMPLETED').id, bytes, q)).status).toBe(201);
    for (const status of ['CLOSED', 'CANCELLED'] as const) {
      const res = await upload(t, a.tokens.dispatcher, workOrderAt(a, status).id, bytes, q);
      expect(res.status, status).toBe(409);
      expect(res.body.code).toBe('work_order_finished');
    }
  });
});

describe('signatures and completion', () => {
  it('when the template asks for a signature, then completing without one is 409 and with one succeeds', async () => {
    const wo = workOrderAt(a, 'ON_SITE', { templateId: a.template, type: undefined, priority: undefined });
    expect(wo.requiresSignature).toBe(true);
    for (const [itemId, value] of [
      ['isolated', true],
      ['pressure', 4],
    ] as const) {
      expect(
        (await t.api('PUT', `/api/v1/work-orders/${wo.id}/checklist/${itemId}`, { token: a.tokens.tech1, body: { value } })).status,
      ).toBe(200);
    }
    const move = () => t.api('POST', `/api/v1/work-orders/${wo.id}/transitions`, { token: a.tokens.tech1, body: { to: 'COMPLETED' } });
    const refused = await move();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('signature_required');
    expect(refused.body.detail).toContain('signature');

    // A photo is not a signature.
    await upload(t, a.tokens.tech1, wo.id, await flatJpeg(64, 64), { kind: 'photo', fileName: 'p.jpg' });
    expect((await move()).status).toBe(409);

    const sig = await upload(t, a.tokens.tech1, wo.id, await png(400, 150), {
      kind: 'signature',
      fileName: 'signature.png',
      signerName: ' Pat Customer ',
    });
    expect(sig.status).toBe(201);
    expect(sig.body).toMatchObject({
      kind: 'signature',
      mimeType: 'image/png',
      hasThumbnail: true,
      meta: { signerName: 'Pat Customer', watermarked: false },
    });
    const thumb = await download(t, a.tokens.tech1, `/attachments/${sig.body.id}/thumbnail`);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    expect((await sharp(thumb.bytes).metadata()).hasAlpha).toBe(true);
    const event = t.host.sqlite
      .prepare("SELECT data FROM work_order_events WHERE work_order_id = ? AND type = 'attachment_added' ORDER BY at DESC, id DESC LIMIT 1")
      .pluck()
      .get(wo.id) as string;
    expect(JSON.parse(event)).toEqual({
      attachmentId: sig.body.id,
      kind: 'signature',
      fileName: 'signature.png',
      signerName: 'Pat Customer',
    });

    const done = await move();
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('COMPLETED');
  });

  it('when uploads happen, then /metrics counts them by kind and outcome', async () => {
    const res = await fetch(`${t.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/depotdesk_uploads_total\{kind="photo",outcome="stored"\} [1-9]/);
    expect(text).toMatch(/depotdesk_uploads_total\{kind="photo",outcome="unsupported_type"\} [1-9]/);
    expect(text).toMatch(/depotdesk_uploads_total\{kind="signature",outcome="too_large"\} 1/);
  });
});
