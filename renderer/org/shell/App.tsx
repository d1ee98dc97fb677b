import { useQuery } from '@tanstack/react-query';
import { orgQueries } from '../api/queries';
import { SignIn } from '../session/SignIn';
import { useSession } from '../session/session';
import { OverviewView } from '../overview/OverviewView';
import { DepotView } from '../depot/DepotView';
import { MapView } from '../map/MapView';
import { AccountsView } from '../accounts/AccountsView';
import { Layout } from './Layout';
import { OrgProvider } from './org-context';
import { useRoute } from './router';
import type { Route } from './route';

function Splash({ text, error, retry }: { text: string; error?: Error | null; retry?: () => void }) {
  return (
    <div className="splash" data-state={error ? 'error' : 'loading'} data-testid="splash">
      {error ? (
        <div className="org-splash-error" role="alert">
          <p className="form-error">{error.message}</p>
          {retry && <button onClick={retry}>Try again</button>}
        </div>
      ) : (
        text
      )}
    </div>
  );
}

export function App() {
  const session = useSession();
  if (!session.token) return <SignIn />;
  if (!session.me) return <Splash text="Signing in…" error={session.meError} retry={session.retryMe} />;
  return <SignedIn />;
}

/** The browser's own zone: periods fall back to it when the organization's cannot be read. */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function SignedIn() {
  const zone = useQuery(orgQueries.zone());
  const route = useRoute();
  // Without the overview (the replica is failing, say), accounts still work: cut periods in the
  // browser's zone and say so, rather than locking the whole console behind one failing answer.
  if (zone.isError) {
    const note = `The organization's time zone could not be read (${zone.error.message}); periods and times are in this browser's zone.`;
    return (
      <OrgProvider zone={browserZone()} fallbackNote={note}>
        <Layout route={route}>
          <View route={route} />
        </Layout>
      </OrgProvider>
    );
  }
  if (!zone.data) return <Splash text="Loading the organization…" />;
  return (
    <OrgProvider zone={zone.data}>
      <Layout route={route}>
        <View route={route} />
      </Layout>
    </OrgProvider>
  );
}

function View({ route }: { route: Route }) {
  const { me } = useSession();
  switch (route.view) {
    case 'depot':
      return <DepotView route={route} />;
    case 'map':
      return <MapView route={route} />;
    case 'accounts':
      return me?.role === 'admin' ? (
        <AccountsView />
      ) : (
        <div className="placeholder" data-testid="not-allowed">
          Accounts are managed by the organization's administrators.
        </div>
      );
    default:
      return <OverviewView route={route} />;
  }
}
