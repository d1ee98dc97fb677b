import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSession } from '../shared/api/session';
import { useLiveUpdates } from '../shared/api/live';
import { useRoute } from './router';
import { PairScreen } from './PairScreen';
import { MyWork } from './MyWork';
import { WorkOrderPage } from './WorkOrderPage';
import { outbox } from './offline/outbox';
import { PendingIndicator } from './offline/PendingIndicator';
import { useOnline } from './offline/useOutbox';

/** The crew view: pair once, then "My work" and one work order at a time, live over /ws. */
export function CrewApp() {
  const route = useRoute();
  const session = useSession();
  const queryClient = useQueryClient();
  const live = useLiveUpdates(queryClient, session.user ? session.token : null);

  // The outbox sends only the signed-in technician's actions, with their token (see outbox.ts).
  const userId = session.user?.id ?? null;
  const userName = session.user?.name ?? '';
  useEffect(() => {
    outbox.setOwner(userId && session.token ? { userId, name: userName, token: session.token } : null);
  }, [userId, userName, session.token]);

  const online = useOnline();
  // A socket not yet noticed to be dead must not show green while the phone has no network.
  const dot = online ? live : 'offline';
  // The socket coming back is the surest sign the depot is reachable again: replay now.
  useEffect(() => {
    if (live === 'live') void outbox.flush();
  }, [live]);

  if (route.name === 'pair' || (!session.token && !session.loading)) {
    return <PairScreen initialCode={route.name === 'pair' ? route.code : ''} />;
  }
  if (session.loading || !session.user)
    return (
      <div className="crew-loading" data-testid="crew-loading">
        Loading…
      </div>
    );
  return (
    <div className="crew-shell">
      <header className="crew-top">
        {route.name === 'work-order' ? (
          <a href="#/work" className="crew-back" data-testid="crew-back" aria-label="Back to my work">
            ‹ My work
          </a>
        ) : (
          <strong>My work</strong>
        )}
        <span className="crew-top-right">
          <PendingIndicator live={live} />
          <span className="crew-who">
            <span className="crew-who-name">{session.user.name}</span>
            <span className={`crew-live crew-live-${dot}`} data-testid="crew-connection" data-state={live} title={dot} />
          </span>
        </span>
      </header>
      {route.name === 'work-order' ? <WorkOrderPage id={route.id} /> : <MyWork />}
    </div>
  );
}
