import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../shared/api/client';
import { openWorkOrder } from './router';

interface Hit {
  id: string;
  number?: string;
  title?: string;
  code?: string;
  tag?: string;
  name?: string;
  status?: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Work-order number or title, location code or name, asset tag — one box ("/" focuses it). */
export function GlobalSearch() {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const q = useDebounced(text.trim(), 200);
  const results = useQuery({
    queryKey: ['work_orders', 'search', q],
    enabled: q.length >= 2,
    queryFn: async () => {
      const [wos, locs, assets] = await Promise.all([
        api.get<Page<Hit>>('/work-orders', { q, limit: 8 }),
        api.get<Page<Hit>>('/locations', { q, limit: 5 }),
        api.get<Page<Hit>>('/assets', { q, limit: 5 }),
      ]);
      return { wos: wos.items, locs: locs.items, assets: assets.items };
    },
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const data = results.data;
  const pick = (id: string) => {
    openWorkOrder(id);
    setOpen(false);
    setText('');
  };
  return (
    <div className="search" onBlur={() => setTimeout(() => setOpen(false), 150)}>
      <input
        ref={input}
        placeholder="Search work orders, locations, assets  ( / )"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
          if (e.key === 'Enter' && data?.wos[0]) pick(data.wos[0].id);
        }}
        data-testid="global-search"
      />
      {open && q.length >= 2 && (
        <div className="search-results" data-testid="search-results">
          {results.isPending && <div className="muted pad">Searching…</div>}
          {data && data.wos.length + data.locs.length + data.assets.length === 0 && <div className="muted pad">Nothing matches “{q}”.</div>}
          {data && data.wos.length > 0 && <div className="group">Work orders</div>}
          {data?.wos.map((w) => (
            <button key={w.id} className="hit" onMouseDown={() => pick(w.id)}>
              <b>{w.number}</b> {w.title} <span className="muted">{w.status}</span>
            </button>
          ))}
          {data && data.locs.length > 0 && <div className="group">Locations</div>}
          {data?.locs.map((l) => (
            <a key={l.id} className="hit" href="#/assets" onMouseDown={() => setOpen(false)}>
              <b>{l.code}</b> {l.name}
            </a>
          ))}
          {data && data.assets.length > 0 && <div className="group">Assets</div>}
          {data?.assets.map((a) => (
            <a key={a.id} className="hit" href="#/assets" onMouseDown={() => setOpen(false)}>
              <b>{a.tag}</b> {a.name}
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
