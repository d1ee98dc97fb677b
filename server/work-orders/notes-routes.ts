import { IdParams } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { WorkOrderEvent } from './contract.js';
import { NoteRequest } from './contract-field.js';
import { addNote } from './notes.js';

export const noteRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/notes',
    tag: 'Work orders',
    access: 'workorder:field',
    summary: 'Add a note to the work order\'s timeline (event type "note")',
    params: IdParams,
    body: NoteRequest,
    response: WorkOrderEvent,
    errors: [422],
    handler: ({ ctx, params, body }) => addNote(ctx, params.id, body),
  }),
];
