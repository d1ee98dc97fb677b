import { choiceFromParams, choiceToParams, type PeriodChoice } from '../period/presets';

/**
 * The managers' console's places, in the address hash so every view (and its period) can be
 * bookmarked and sent to a colleague: "#/depot/<id>?period=lastMonth", "#/map?depot=<id>".
 * Pure, so it is tested under Node; router.ts binds it to the window.
 */

export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'map', label: 'Map' },
  { id: 'accounts', label: 'Accounts' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'] | 'depot';

/** The depot id that stands for the whole organization in a depot view. */
export const ALL_DEPOTS = 'all';

export interface Route {
  view: ViewId;
  /** The depot shown (depot view; ALL_DEPOTS for all) or filtered on (map; null for all). */
  depotId: string | null;
  period: PeriodChoice;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(search);
  const period = choiceFromParams(params);
  const [head, ...rest] = path.split('/');
  if (head === 'depot') {
    let id = ALL_DEPOTS;
    try {
      id = decodeURIComponent(rest.join('/')) || ALL_DEPOTS;
    } catch {
      // A mangled link opens all depots rather than nothing.
    }
    return { view: 'depot', depotId: id, period };
  }
  if (head === 'map') return { view: 'map', depotId: params.get('depot') || null, period };
  if (head === 'accounts') return { view: 'accounts', depotId: null, period };
  return { view: 'overview', depotId: null, period };
}

export function routeHref(route: Route): string {
  const params = new URLSearchParams();
  if (route.view === 'map' && route.depotId) params.set('depot', route.depotId);
  choiceToParams(route.period, params);
  const search = params.toString();
  const path = route.view === 'depot' ? `depot/${encodeURIComponent(route.depotId ?? ALL_DEPOTS)}` : route.view;
  return `#/${path}${search ? `?${search}` : ''}`;
}
