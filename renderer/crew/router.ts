import { useEffect, useLayoutEffect, useState } from 'react';

/** Crew routes live in the hash (the host serves one index.html at /crew/). */
export type CrewRoute = { name: 'pair'; code: string } | { name: 'work' } | { name: 'work-order'; id: string };

export function parseHash(hash: string): CrewRoute {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  if (path === '/pair') return { name: 'pair', code: new URLSearchParams(search).get('code') ?? '' };
  const wo = /^\/work-orders\/([\w-]+)$/.exec(path);
  if (wo) return { name: 'work-order', id: wo[1]! };
  return { name: 'work' };
}

/** Where each page was scrolled when it was left, by its hash (this tab only). */
const scrolledTo = new Map<string, number>();

/**
 * The current route. A hash change keeps the window's scroll offset, so a work order opened from far
 * down "My work" showed its middle; each page now opens at its top, and going back returns to where
 * the list was left.
 */
export function useRoute(): CrewRoute {
  const [state, setState] = useState(() => ({ hash: location.hash, route: parseHash(location.hash) }));
  useEffect(() => {
    const onChange = (e: HashChangeEvent) => {
      scrolledTo.set(new URL(e.oldURL).hash, window.scrollY);
      setState({ hash: location.hash, route: parseHash(location.hash) });
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  // Before paint, once the new page is rendered (the list comes from the query cache, so it has its height).
  // A block body: Chromium's scrollTo now returns a promise, which React would take for a cleanup function.
  useLayoutEffect(() => {
    window.scrollTo(0, scrolledTo.get(state.hash) ?? 0);
  }, [state.hash]);
  return state.route;
}

export function go(hash: string): void {
  location.hash = hash;
}
