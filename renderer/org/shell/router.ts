import { useEffect, useState } from 'react';
import { parseRoute, routeHref, type Route } from './route';

export function currentRoute(): Route {
  return parseRoute(location.hash);
}

/** Moves to another place; what is not named (the period above all) stays as it is. */
export function navigate(next: Partial<Route>): void {
  location.hash = routeHref({ ...currentRoute(), ...next });
}

/** An href for a place from here, keeping the period: links work with a middle click and the keyboard. */
export function hrefFrom(current: Route, next: Partial<Route>): string {
  return routeHref({ ...current, depotId: null, ...next });
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
