import express from 'express';
import {
  ChecksumsAnswer,
  ContentPage,
  ContentQuery,
  IdsPage,
  IdsQuery,
  OwnMutationsPage,
  OwnMutationsQuery,
  PullPage,
  PullQuery,
  PushAnswer,
  PushBatch,
  RowsByIdAnswer,
  RowsByIdBody,
} from '../../sync/contract-protocol.js';
import { withOrg } from '../db/pool.js';
import { requireNode } from '../http/auth.js';
import { HUB_PREFIX, defineHubRoute, HubReply, type HubFeature } from '../http/route.js';
import { attachLive, liveSocketsOf } from './live.js';
import { applyPush } from './push.js';
import { readOwnMutations } from './own-mutations.js';
import { readChecksums, readIds, readRowsById } from './drift.js';
import { readContent } from './drift-content.js';
import { notePull, readPullText } from './pull.js';
import { decodePushBody, pullDictionaryFor, rememberPulledPage, rememberPushBody } from './push-body.js';
import { encodePush, PULL_DICTIONARY_HEADER, PUSH_ENCODING } from '../../sync/push-dictionary.js';

/** A push batch (up to 2,000 mutations with batch rows inlined) is far above the hub's 1 MB; inflated size counts. */
export const PUSH_BODY_LIMIT = '32mb';
const PUSH_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
/** Pull pages up to this size may go out compressed against a dictionary; larger ones are gzipped. */
const DICTIONARY_PAGE_MAX = 64 * 1024;

const push = defineHubRoute({
  method: 'post',
  path: '/sync/push',
  summary:
    "Push a batch of this depot's mutations (gzip, or x-depotdesk-deflate against the dictionary named in depotdesk-push-dictionary); a result per mutation",
  tag: 'sync',
  access: 'node',
  body: PushBatch,
  status: 200,
  response: PushAnswer,
  errors: [409, 412, 413],
  handler: async ({ deps, auth, body, req }) => {
    const answer = await withOrg(deps.pool, auth.orgId, (tx) =>
      applyPush(tx, { orgId: auth.orgId, nodeId: auth.nodeId, now: deps.now() }, body),
    );
    // Before the answer leaves: the depot compresses its next push against this body once it has the answer.
    rememberPushBody(deps, auth.nodeId, req.pushBody);
    // After COMMIT only: a depot poked before it could pull the new version would miss it.
    liveSocketsOf(deps).poke(auth.orgId, answer.version);
    return new HubReply(200, answer);
  },
});

const pull = defineHubRoute({
  method: 'get',
  path: '/sync/pull',
  summary: "The org's current state past a version cursor, one page (410 when the depot must pull again from 0)",
  tag: 'sync',
  access: 'node',
  query: PullQuery,
  response: PullPage,
  errors: [410],
  handler: async ({ deps, auth, query, req, res }) => {
    const page = await withOrg(deps.pool, auth.orgId, async (tx) => {
      const text = await readPullText(tx, { orgId: auth.orgId }, query);
      await notePull(tx, auth.orgId, auth.nodeId, deps.now(), query.after);
      return text;
    });
    const body = Buffer.from(page);
    const held = req.get(PULL_DICTIONARY_HEADER);
    // Only a depot that names pages can refer to this one: an older depot's pages are not kept.
    if (held !== undefined) rememberPulledPage(deps, auth.nodeId, body);
    // A depot that names the page it holds gets a small page (a live edit's) compressed against it
    // (push-dictionary.ts); a big one (a snapshot's) goes through the compression middleware's gzip.
    if (held !== undefined && body.length <= DICTIONARY_PAGE_MAX) {
      const dictionary = pullDictionaryFor(deps, auth.nodeId, held);
      res.status(200).type('application/json').set('content-encoding', PUSH_ENCODING).set(PULL_DICTIONARY_HEADER, dictionary.name);
      res.send(encodePush(body, dictionary));
      return;
    }
    // PostgreSQL wrote the page's JSON (pull.ts): sent as is, not parsed and stringified again. Still
    // application/json, and still gzipped by the app's compression middleware.
    res.status(200).type('application/json').send(page);
  },
});

const ownMutations = defineHubRoute({
  method: 'get',
  path: '/sync/own-mutations',
  summary: "This depot's own mutations the hub holds with seq in (after, before): what a restore from a backup lost there",
  tag: 'sync',
  access: 'node',
  query: OwnMutationsQuery,
  response: OwnMutationsPage,
  handler: async ({ deps, auth, query }) =>
    new HubReply(
      200,
      await withOrg(deps.pool, auth.orgId, (tx) => readOwnMutations(tx, { orgId: auth.orgId, nodeId: auth.nodeId }, query)),
    ),
});

const checksums = defineHubRoute({
  method: 'get',
  path: '/sync/checksums',
  summary: "Drift check: per replicated table, the org's row count and an MD5 of its sorted ids, at the org version",
  tag: 'sync',
  access: 'node',
  response: ChecksumsAnswer,
  handler: async ({ deps, auth }) => new HubReply(200, await withOrg(deps.pool, auth.orgId, (tx) => readChecksums(tx, auth.orgId))),
});

const ids = defineHubRoute({
  method: 'get',
  path: '/sync/ids',
  summary: 'Drift check: the ids of one table past `after` (bytewise), paged',
  tag: 'sync',
  access: 'node',
  query: IdsQuery,
  response: IdsPage,
  handler: async ({ deps, auth, query }) => new HubReply(200, await withOrg(deps.pool, auth.orgId, (tx) => readIds(tx, auth.orgId, query))),
});

const rowsById = defineHubRoute({
  method: 'post',
  path: '/sync/rows',
  summary: 'Drift repair: the current state of named rows of one table, as a pull carries them (no cursor moves)',
  tag: 'sync',
  access: 'node',
  body: RowsByIdBody,
  status: 200,
  response: RowsByIdAnswer,
  handler: async ({ deps, auth, body }) =>
    new HubReply(200, await withOrg(deps.pool, auth.orgId, (tx) => readRowsById(tx, auth.orgId, body))),
});

const content = defineHubRoute({
  method: 'post',
  path: '/sync/content',
  summary: "Drift check, contents: the org's rows of one table past `after`, in buckets hashed over their ids and the named columns",
  tag: 'sync',
  access: 'node',
  body: ContentQuery,
  status: 200,
  response: ContentPage,
  handler: async ({ deps, auth, body }) =>
    new HubReply(200, await withOrg(deps.pool, auth.orgId, (tx) => readContent(tx, auth.orgId, body))),
});

export const syncFeature: HubFeature = {
  name: 'sync',
  routes: [push, pull, ownMutations, checksums, ids, rowsById, content],
  // The push body is parsed here, before the hub's 1 MB parser, and only for an authenticated depot
  // (the declared route checks the credential again; one lookup per batch of hundreds of mutations).
  mount: (app, deps) => {
    app.post(
      `${HUB_PREFIX}/sync/push`,
      requireNode(deps),
      decodePushBody(deps, PUSH_BODY_LIMIT_BYTES),
      express.json({ limit: PUSH_BODY_LIMIT, inflate: true, strict: true }),
    );
  },
  attach: attachLive,
};
