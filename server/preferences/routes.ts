import { defineRoute, type AnyRoute } from '../http/route.js';
import { Preference, PreferenceParams, PutPreferenceRequest } from './contract.js';
import { getPreference, putPreference } from './service.js';

const TAG = 'Preferences';

/** The signed-in user's own console settings (board filters and the like), so they follow them between consoles. */
export const preferenceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/me/preferences/:key',
    tag: TAG,
    access: 'signed-in',
    summary: 'One of your saved preferences; value null (version 0) when never saved',
    params: PreferenceParams,
    response: Preference,
    handler: ({ ctx, params }) => getPreference(ctx, params.key),
  }),
  defineRoute({
    method: 'put',
    path: '/me/preferences/:key',
    tag: TAG,
    access: 'signed-in',
    summary: 'Save one of your preferences (any JSON up to 16 KB)',
    params: PreferenceParams,
    body: PutPreferenceRequest,
    response: Preference,
    handler: ({ ctx, params, body }) => putPreference(ctx, params.key, body.value),
  }),
];
