import { useSession } from '../../shared/api/session';
import { navigate, useRoute } from '../shell/router';
import { MapSettingsTab } from '../map/MapSettingsTab';
import { SyncTab } from '../sync/SyncTab';
import { AuditTrailTab } from './AuditTrailTab';
import { BackupsTab } from './BackupsTab';
import { DeletedItemsTab } from './DeletedItemsTab';
import { JobsTab } from './JobsTab';
import { restorableKinds } from './deleted-queries';
import { DepotsTab, VehiclesTab } from './FleetTabs';
import { Tabs } from './forms';
import { CalendarsTab, SlaMatrixTab } from './SlaTabs';
import { TemplatesTab } from './TemplatesTab';
import { PlansTab } from '../maintenance/PlansTab';
import './admin.css';

type SettingsTab =
  'templates' | 'maintenance' | 'sla' | 'calendars' | 'depots' | 'vehicles' | 'map' | 'deleted' | 'audit' | 'backups' | 'sync' | 'jobs';
const TABS: [SettingsTab, string][] = [
  ['templates', 'Task templates'],
  ['maintenance', 'Maintenance plans'],
  ['sla', 'SLA matrix'],
  ['calendars', 'Calendars'],
  ['depots', 'Depots'],
  ['vehicles', 'Vehicles'],
  ['map', 'Map'],
  ['deleted', 'Deleted items'],
  ['audit', 'Audit trail'],
  ['backups', 'Backups'],
  ['sync', 'Sync'],
  ['jobs', 'Jobs'],
];
/** Tabs shown only to roles with this permission. */
const NEEDS: Partial<Record<SettingsTab, string>> = {
  audit: 'audit:verify',
  backups: 'backup:manage',
  sync: 'sync:manage',
  jobs: 'jobs:manage',
};
const VIEWS: Record<SettingsTab, (p: { toolbar: React.ReactNode }) => React.JSX.Element> = {
  templates: TemplatesTab,
  maintenance: PlansTab,
  sla: SlaMatrixTab,
  calendars: CalendarsTab,
  depots: DepotsTab,
  vehicles: VehiclesTab,
  map: MapSettingsTab,
  deleted: DeletedItemsTab,
  audit: AuditTrailTab,
  backups: BackupsTab,
  sync: SyncTab,
  jobs: JobsTab,
};

/**
 * Org configuration. The catalog tabs are readable by all, editing follows session.can() per tab;
 * Deleted items, Audit trail, Backups, Sync and Jobs are shown only to roles that may use them. The tab
 * is in the address ("#/settings?tab=sync") so the header's sync indicator can link to its page.
 */
export function SettingsView() {
  const session = useSession();
  const route = useRoute();
  // The recycle bin is for those who may delete something: it lists only kinds they may restore.
  const canRestore = restorableKinds((p) => session.can(p)).length > 0;
  const tabs = TABS.filter(([id]) => (id === 'deleted' ? canRestore : !NEEDS[id] || session.can(NEEDS[id])));
  const tab = tabs.find(([id]) => id === route.tab)?.[0] ?? 'templates';
  const View = VIEWS[tab];
  return <View toolbar={<Tabs<SettingsTab> tabs={tabs} value={tab} onChange={(t) => navigate({ view: 'settings', tab: t })} />} />;
}
