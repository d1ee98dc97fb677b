import type { MouseEvent, ReactNode } from 'react';
import { useSession, useMe } from '../session/session';
import { useOrg } from './org-context';
import { hrefFrom } from './router';
import { VIEWS, type Route } from './route';

/** Pages only an organization admin is offered (the hub refuses the others with 403 anyway). */
const ADMIN_ONLY = new Set(['accounts']);

/** The hash is the router's: the skip link moves focus itself instead of changing it. */
function skipToContent(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  document.getElementById('org-main')?.focus();
}

/**
 * After signing out on purpose, whoever signs in next starts at the overview, not on the page the last
 * person left (which could be one they may not open). An expired session keeps its place instead.
 */
function forgetPlace() {
  history.replaceState(null, '', location.pathname + location.search);
}

export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const session = useSession();
  const me = useMe();
  const { zoneNote } = useOrg();
  // The depot view belongs under the overview in the navigation.
  const current = route.view === 'depot' ? 'overview' : route.view;
  return (
    <div className="app">
      <a className="org-skip" href="#org-main" onClick={skipToContent}>
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">DepotDesk</div>
        <span className="org-title" data-testid="org-name" title="Organization">
          {me.org.name}
        </span>
        <nav className="nav" aria-label="Views">
          {VIEWS.filter((v) => !ADMIN_ONLY.has(v.id) || me.role === 'admin').map((v) => (
            <a
              key={v.id}
              href={hrefFrom(route, { view: v.id })}
              className={v.id === current ? 'active' : ''}
              aria-current={v.id === current ? 'page' : undefined}
              data-testid={`nav-${v.id}`}
            >
              {v.label}
            </a>
          ))}
        </nav>
        <span className="org-spacer" />
        <div className="user" title={me.email}>
          <span data-testid="me-name">{me.name}</span>
          <span className="role" data-testid="me-role">
            {me.role}
          </span>
          <button className="link" onClick={() => void session.signOut().then(forgetPlace)} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </header>
      <main className="content" id="org-main" tabIndex={-1} data-testid={`view-${route.view}`}>
        {zoneNote && (
          <p className="org-notice org-zone-note" role="status">
            {zoneNote}
          </p>
        )}
        {children}
      </main>
    </div>
  );
}
