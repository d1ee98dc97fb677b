import { useEffect, type ReactNode } from 'react';
import { useSession } from '../../shared/api/session';
import type { LiveState } from '../../shared/api/live';
import { SyncIndicator } from '../sync/SyncIndicator';
import { ConnectionIndicator } from './ConnectionIndicator';
import { GlobalSearch } from './GlobalSearch';
import { KeyboardHelp } from '../keyboard/KeyboardHelp';
import { navigate, routeHref, VIEWS, type ViewId } from './router';

/** Views only some roles may open: their tab is hidden from the others (the host refuses them anyway). */
const VIEW_PERMISSION: Partial<Record<ViewId, string>> = { telemetry: 'telemetry:read', reports: 'kpi:read' };

/** Alt+1..7 switch views; Esc closes the drawer. Ignored while typing in a field. */
function useViewShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const view = VIEWS.find((v) => v.key === e.key);
        if (view) {
          e.preventDefault();
          navigate({ view: view.id });
        }
      }
      if (e.key === 'Escape') navigate({ workOrderId: null });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function Layout({ view, live, children }: { view: ViewId; live: LiveState; children: ReactNode }) {
  const session = useSession();
  useViewShortcuts();
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">DepotDesk</div>
        <nav className="nav" aria-label="Views">
          {VIEWS.filter((v) => !VIEW_PERMISSION[v.id] || session.can(VIEW_PERMISSION[v.id]!)).map((v) => (
            <a
              key={v.id}
              href={routeHref({ view: v.id })}
              className={v.id === view ? 'active' : ''}
              title={`${v.label} (Alt+${v.key})`}
              data-testid={`nav-${v.id}`}
            >
              {'short' in v ? (
                <>
                  <span className="nav-long">{v.label}</span>
                  <span className="nav-short">{v.short}</span>
                </>
              ) : (
                v.label
              )}
            </a>
          ))}
        </nav>
        <GlobalSearch />
        <SyncIndicator />
        <ConnectionIndicator live={live} />
        <div className="user" title={session.user?.email}>
          <span>{session.user?.name}</span>
          <span className="role">{session.user?.role}</span>
          <button
            className="link"
            // The next person to sign in starts on the home view, not on the page the last one left open.
            onClick={() => void session.signOut().then(() => navigate({ view: 'board', workOrderId: null, tab: null }))}
            data-testid="sign-out"
          >
            Sign out
          </button>
        </div>
      </header>
      <main className="content" data-testid={`view-${view}`}>
        {children}
      </main>
      <KeyboardHelp view={view} />
    </div>
  );
}
