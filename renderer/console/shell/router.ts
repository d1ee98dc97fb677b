import { useEffect, useState } from 'react';

/** Views of the console. The hash keeps them bookmarkable and works from file:// in the desktop shell too. */
export const VIEWS = [
  { id: 'board', label: 'Board', key: '1' },
  { id: 'planning', label: 'Planning', key: '2' },
  { id: 'map', label: 'Map', key: '3' },
  { id: 'work-orders', label: 'Work orders', key: '4' },
  { id: 'assets', label: 'Assets & locations', key: '5' },
  { id: 'people', label: 'Teams & people', key: '6' },
  { id: 'settings', label: 'Settings', key: '7' },
  { id: 'telemetry', label: 'Telemetry', key: '8' },
  { id: 'reports', label: 'Reports', key: '9' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

export interface Route {
  view: ViewId;
  /** Work order open in the drawer, if any ("#/board?wo=<id>"). */
  workOrderId: string | null;
}

function parse(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS.find((v) => v.id === path)?.id ?? 'board') as ViewId;
  return { view, workOrderId: new URLSearchParams(search).get('wo') };
}

export function routeHref(route: Partial<Route> & { view: ViewId }): string {
  return `#/${route.view}${route.workOrderId ? `?wo=${route.workOrderId}` : ''}`;
}

export function navigate(route: Partial<Route>): void {
  const current = parse(location.hash);
  const next = { ...current, ...route };
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
