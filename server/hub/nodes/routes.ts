import { NotFoundError } from '../../errors.js';
import { defineHubRoute, type HubFeature } from '../http/route.js';
import { NodeIdParams, NodeList, NodeView } from './contract.js';
import { leave, listNodes, revokeNode } from './service.js';

const list = defineHubRoute({
  method: 'get',
  path: '/nodes',
  summary: "Your org's enrolled depots, with their last push and pull",
  tag: 'nodes',
  access: 'admin',
  response: NodeList,
  handler: async ({ deps, auth }) => ({ items: await listNodes(deps.pool, auth.orgId) }),
});

// Declared before /nodes/:id/... only for the reader: Express matches "self" literally either way.
const leaveRoute = defineHubRoute({
  method: 'post',
  path: '/nodes/self/leave',
  summary: 'A depot leaves the hub: its own credential is revoked',
  tag: 'nodes',
  access: 'node',
  response: null,
  handler: async ({ deps, auth }) => {
    await leave(deps.pool, auth);
  },
});

const revoke = defineHubRoute({
  method: 'post',
  path: '/nodes/:id/revoke',
  summary: "Revoke a depot's credential (it gets 401 until it enrols again)",
  tag: 'nodes',
  access: 'admin',
  params: NodeIdParams,
  status: 200,
  response: NodeView,
  handler: async ({ deps, auth, params }) => {
    const node = await revokeNode(deps.pool, auth.orgId, params.id);
    if (!node) throw new NotFoundError('node', params.id);
    return node;
  },
});

export const nodesFeature: HubFeature = { name: 'nodes', routes: [list, leaveRoute, revoke] };
