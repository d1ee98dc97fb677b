import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSession } from '../../shared/api/session';
import { onLiveMessage, useLiveUpdates } from '../../shared/api/live';
import { SignIn } from '../auth/SignIn';
import { BoardView } from '../board/BoardView';
import { boardQueries } from '../board/queries';
import { PlanningView } from '../planning/PlanningView';
import { MapView } from '../map/MapView';
import { WorkOrdersView } from '../work-orders/WorkOrdersView';
import { WorkOrderDrawer } from '../work-orders/WorkOrderDrawer';
import { NewWorkOrderHost } from '../work-orders/NewWorkOrder';
import { AssetsView } from '../admin/AssetsView';
import { PeopleView } from '../admin/PeopleView';
import { SettingsView } from '../admin/SettingsView';
import { TelemetryView } from '../telemetry/TelemetryView';
import { ReportsView } from '../reports/ReportsView';
import { Layout } from './Layout';
import { openWorkOrder, useRoute, type ViewId } from './router';

const VIEW_COMPONENTS: Record<ViewId, () => React.JSX.Element> = {
  board: BoardView,
  planning: PlanningView,
  map: MapView,
  'work-orders': WorkOrdersView,
  assets: AssetsView,
  people: PeopleView,
  settings: SettingsView,
  telemetry: TelemetryView,
  reports: ReportsView,
};

export function App() {
  const session = useSession();
  const queryClient = useQueryClient();
  const live = useLiveUpdates(queryClient, session.user ? session.token : null);
  const route = useRoute();
  const signedIn = Boolean(session.user);
  useEffect(() => {
    // SLA and telemetry alerts as OS notifications exist only in the desktop app (its preload sets
    // window.depotdesk), so only there is their code fetched: a browser's first download is unchanged.
    if (!signedIn || !window.depotdesk) return;
    let stop: (() => void) | null = null;
    let active = true;
    void import('../alerts/start').then(({ startAlerts }) => {
      if (active)
        stop = startAlerts({ onLiveMessage, breached: () => queryClient.fetchQuery(boardQueries.breached({})).then((p) => p.items) });
    });
    return () => {
      active = false;
      stop?.();
    };
  }, [signedIn, queryClient]);
  if (!session.token) return <SignIn />;
  if (session.loading || !session.user)
    return (
      <div className="splash" data-state="loading">
        Loading…
      </div>
    );
  const View = VIEW_COMPONENTS[route.view];
  return (
    <Layout view={route.view} live={live}>
      <View />
      {route.workOrderId && <WorkOrderDrawer id={route.workOrderId} onClose={() => openWorkOrder(null)} />}
      <NewWorkOrderHost />
    </Layout>
  );
}
