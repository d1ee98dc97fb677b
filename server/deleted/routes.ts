import { defineRoute, type AnyRoute } from '../http/route.js';
import { DeletedPage, DeletedQuery } from './contract.js';
import { listDeleted } from './repo.js';

export const deletedRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/deleted',
    tag: 'Deleted items',
    // Each kind needs its own delete permission, checked per kind in listDeleted: 403 when the role may restore none.
    access: 'signed-in',
    summary:
      'The recycle bin: deleted records of the kinds your role may restore, newest delete first; each names the POST path that restores it',
    query: DeletedQuery,
    response: DeletedPage,
    handler: ({ ctx, query }) => listDeleted(ctx, query),
  }),
];
