import { useQueryClient } from '@tanstack/react-query';
import { useSession } from '../console/api/session';
import { useLiveUpdates } from '../console/api/live';
import { useRoute } from './router';
import { PairScreen } from './PairScreen';
import { MyWork } from './MyWork';
import { WorkOrderPage } from './WorkOrderPage';

/** The crew view: pair once, then "My work" and one work order at a time, live over /ws. */
export function CrewApp() {
  const route = useRoute();
  const session = useSession();
  const queryClient = useQueryClient();
  const live = useLiveUpdates(queryClient, session.user ? session.token : null);

  if (route.name === 'pair' || (!session.token && !session.loading)) {
    return <PairScreen initialCode={route.name === 'pair' ? route.code : ''} />;
  }
  if (session.loading || !session.user) return <div className="crew-loading" data-testid="crew-loading">Loading…</div>;
  return (
    <div className="crew-shell">
      <header className="crew-top">
        {route.name === 'work-order' ? (
          <a href="#/work" className="crew-back" data-testid="crew-back" aria-label="Back to my work">‹ My work</a>
        ) : (
          <strong>My work</strong>
        )}
        <span className="crew-who">
          {session.user.name}
          <span className={`crew-live crew-live-${live}`} data-testid="crew-connection" data-state={live} title={live} />
        </span>
      </header>
      {route.name === 'work-order' ? <WorkOrderPage id={route.id} /> : <MyWork />}
    </div>
  );
}
