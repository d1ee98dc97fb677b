import { useEffect, useState } from 'react';

/** Crew routes live in the hash (the host serves one index.html at /crew/). */
export type CrewRoute = { name: 'pair'; code: string } | { name: 'work' } | { name: 'work-order'; id: string };

export function parseHash(hash: string): CrewRoute {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  if (path === '/pair') return { name: 'pair', code: new URLSearchParams(search).get('code') ?? '' };
  const wo = /^\/work-orders\/([\w-]+)$/.exec(path);
  if (wo) return { name: 'work-order', id: wo[1]! };
  return { name: 'work' };
}

export function useRoute(): CrewRoute {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function go(hash: string): void {
  location.hash = hash;
}
