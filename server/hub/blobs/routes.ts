import { z } from 'zod';
import { AppError, ValidationError } from '../../errors.js';
import { withOrg } from '../db/pool.js';
import { requireNode } from '../http/auth.js';
import { HUB_PREFIX, defineHubRoute, type HubFeature } from '../http/route.js';
import { readCapped } from '../sync/push-body.js';
import { appendPart, BLOB_MAX_BYTES, BLOB_PART_MAX_BYTES, blobStatus, readParts, SHA256_RE } from './store.js';

const Sha = z.strictObject({ sha256: z.string().regex(SHA256_RE, 'a SHA-256 in lower-case hex') });
const BlobStatusDto = z.object({ size: z.number().int().nullable(), received: z.number().int(), complete: z.boolean() });
const PartQuery = z.strictObject({
  size: z.coerce.number().int().min(1).max(BLOB_MAX_BYTES),
  offset: z.coerce.number().int().min(0),
});

const status = defineHubRoute({
  method: 'get',
  path: '/blobs/:sha256/status',
  summary: "How much of an attachment file (by SHA-256) the hub has for this depot's org: upload from `received`",
  tag: 'blobs',
  access: 'node',
  params: Sha,
  response: BlobStatusDto,
  handler: ({ deps, auth, params }) => withOrg(deps.pool, auth.orgId, (tx) => blobStatus(tx, auth.orgId, params.sha256)),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw ValidationError.fromZod(what, r.error);
  return r.data;
}

/**
 * PUT a part (raw bytes) and GET the file: raw bodies both ways, so mounted here rather than declared
 * (the declared routes take and answer JSON). Both need the node's credential; the org is its org.
 */
export const blobsFeature: HubFeature = {
  name: 'blobs',
  routes: [status],
  mount: (app, deps) => {
    app.put(`${HUB_PREFIX}/blobs/:sha256`, requireNode(deps), (req, res, next) => {
      (async () => {
        const { sha256 } = parse(Sha, req.params, 'path');
        const q = parse(PartQuery, req.query, 'query');
        const data = await readCapped(req, BLOB_PART_MAX_BYTES, 'a part of a file');
        const node = req.hubNode!;
        const out = await withOrg(deps.pool, node.orgId, (tx) =>
          appendPart(tx, { orgId: node.orgId, now: deps.now() }, sha256, q.size, q.offset, data),
        );
        res.status(200).json(out);
      })().catch(next);
    });
    app.get(`${HUB_PREFIX}/blobs/:sha256`, requireNode(deps), (req, res, next) => {
      (async () => {
        const { sha256 } = parse(Sha, req.params, 'path');
        const node = req.hubNode!;
        await withOrg(deps.pool, node.orgId, async (tx) => {
          const s = await blobStatus(tx, node.orgId, sha256);
          if (!s.complete)
            throw new AppError(404, 'blob_not_here', 'The hub does not have this file (yet): the depot that has it has not uploaded it.');
          res.status(200).set({ 'content-type': 'application/octet-stream', 'content-length': String(s.size) });
          for await (const part of readParts(tx, node.orgId, sha256)) if (!res.write(part)) await new Promise((r) => res.once('drain', r));
          res.end();
        });
      })().catch(next);
    });
  },
};
