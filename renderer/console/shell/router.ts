import { useEffect, useState } from 'react';

/** Views of the console. The hash keeps them bookmarkable and works from file:// in the desktop shell too. */
export const VIEWS = [
  { id: 'board', label: 'Board', key: '1' },
  { id: 'planning', label: 'Planning', key: '2' },
  { id: 'map', label: 'Map', key: '3' },
  { id: 'work-orders', label: 'Work orders', key: '4' },
  { id: 'assets', label: 'Assets & locations', short: 'Assets', key: '5' },
  { id: 'people', label: 'Teams & people', short: 'People', key: '6' },
  { id: 'settings', label: 'Settings', key: '7' },
  { id: 'telemetry', label: 'Telemetry', key: '8' },
  { id: 'reports', label: 'Reports', key: '9' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

export interface Route {
  view: ViewId;
  /** Work order open in the drawer, if any ("#/board?wo=<id>"). */
  workOrderId: string | null;
  /** A view's own tab, so a link can open one ("#/settings?tab=sync", from the sync indicator). */
  tab: string | null;
}

function parse(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS.find((v) => v.id === path)?.id ?? 'board') as ViewId;
  const params = new URLSearchParams(search);
  return { view, workOrderId: params.get('wo'), tab: params.get('tab') };
}

export function routeHref(route: Partial<Route> & { view: ViewId }): string {
  const params = new URLSearchParams();
  if (route.tab) params.set('tab', route.tab);
  if (route.workOrderId) params.set('wo', route.workOrderId);
  const search = params.toString();
  return `#/${route.view}${search ? `?${search}` : ''}`;
}

export function navigate(route: Partial<Route>): void {
  const current = parse(location.hash);
  // A tab belongs to its view: switching views drops it unless the caller names one.
  const tab = route.view && route.view !== current.view ? null : current.tab;
  const next = { ...current, tab, ...route };
  location.hash = routeHref(next);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Opens a work order in the drawer over whatever view is showing. */
export function openWorkOrder(id: string | null): void {
  navigate({ workOrderId: id });
}
