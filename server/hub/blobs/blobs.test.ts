import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing.js';
import { enrolNode, type EnrolledNode } from '../sync/testing.js';

let t: TestHub;
let a: EnrolledNode;
let b: EnrolledNode;

beforeAll(async () => {
  t = await startTestHub();
  [a, b] = [await enrolNode(t), await enrolNode(t)];
});
afterAll(async () => {
  await t?.stop();
});

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const put = (node: EnrolledNode | null, hash: string, size: number, offset: number, data: Buffer) =>
  fetch(`${t.url}/hub/v1/blobs/${hash}?size=${size}&offset=${offset}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', ...(node ? { authorization: `Bearer ${node.credential}` } : {}) },
    body: new Uint8Array(data),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
const status = (node: EnrolledNode, hash: string) =>
  fetch(`${t.url}/hub/v1/blobs/${hash}/status`, { headers: { authorization: `Bearer ${node.credential}` } }).then(
    async (r) => (await r.json()) as Record<string, unknown>,
  );
const get = (node: EnrolledNode, hash: string) =>
  fetch(`${t.url}/hub/v1/blobs/${hash}`, { headers: { authorization: `Bearer ${node.credential}` } }).then(async (r) => ({
    status: r.status,
    bytes: Buffer.from(await r.arrayBuffer()),
  }));

describe('attachment files at the hub', () => {
  it('when an upload is cut after its first part, then it resumes from what the hub has, completes, and reads back byte for byte, for its org only', async () => {
    const file = randomBytes(2_500_000);
    const h = sha(file);
    const MB = 1024 * 1024;
    expect(await put(a, h, file.length, 0, file.subarray(0, MB))).toMatchObject({ status: 200, body: { received: MB, complete: false } });
    // The link drops; a retry of the part already stored, or a later part, is told where to go on from.
    const stale = await put(a, h, file.length, 0, file.subarray(0, MB));
    expect(stale).toMatchObject({ status: 409, body: { code: 'blob_offset', received: MB } });
    expect(await status(a, h)).toEqual({ size: file.length, received: MB, complete: false });
    expect((await get(a, h)).status).toBe(404);
    let offset = (await status(a, h)).received as number;
    while (offset < file.length) {
      const res = await put(a, h, file.length, offset, file.subarray(offset, offset + MB));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      offset = res.body.received as number;
    }
    expect(await status(a, h)).toEqual({ size: file.length, received: file.length, complete: true });
    const back = await get(a, h);
    expect([back.status, sha(back.bytes)]).toEqual([200, h]);
    // Another org's depot knows nothing of it, even by its hash.
    expect(await status(b, h)).toEqual({ size: null, received: 0, complete: false });
    expect((await get(b, h)).status).toBe(404);
    // Sending it again once it is whole is answered as whole (another depot that has the same photo).
    expect(await put(a, h, file.length, 0, file.subarray(0, MB))).toMatchObject({ status: 200, body: { complete: true } });
  });

  it('when the parts do not hash to the name, or a request is malformed, too big or unsigned, then it is refused and nothing is kept', async () => {
    const file = randomBytes(1000);
    const wrong = sha(Buffer.from('something else'));
    expect(await put(a, wrong, file.length, 0, file)).toMatchObject({ status: 422, body: { code: 'blob_hash_mismatch' } });
    expect(await status(a, wrong)).toEqual({ size: null, received: 0, complete: false });
    const h = sha(file);
    expect((await put(a, 'not-a-hash', file.length, 0, file)).status).toBe(400);
    expect((await put(a, h, 0, 0, file)).status).toBe(400);
    expect((await put(a, h, 100 * 1024 * 1024, 0, file)).status).toBe(400);
    expect((await put(a, h, file.length, 0, Buffer.alloc(0))).status).toBe(400);
    expect((await put(a, h, 2 * 1024 * 1024 + 10, 0, randomBytes(1024 * 1024 + 1))).status).toBe(413);
    expect((await put(null, h, file.length, 0, file)).status).toBe(401);
    expect(await put(a, h, file.length, 0, file)).toMatchObject({ status: 200, body: { complete: true } });
    // The same hash announced with another size is a different file: refused.
    expect((await put(b, h, file.length + 1, 0, file)).status).toBe(200);
    expect(await put(b, h, file.length + 2, 0, file)).toMatchObject({ status: 409, body: { code: 'blob_size_differs' } });
  });
});
