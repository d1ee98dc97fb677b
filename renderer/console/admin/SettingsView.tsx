import { useState } from 'react';
import { useSession } from '../../shared/api/session';
import { AuditTrailTab } from './AuditTrailTab';
import { BackupsTab } from './BackupsTab';
import { DepotsTab, VehiclesTab } from './FleetTabs';
import { Tabs } from './forms';
import { CalendarsTab, SlaMatrixTab } from './SlaTabs';
import { TemplatesTab } from './TemplatesTab';
import './admin.css';

type SettingsTab = 'templates' | 'sla' | 'calendars' | 'depots' | 'vehicles' | 'audit' | 'backups';
const TABS: [SettingsTab, string][] = [
  ['templates', 'Task templates'],
  ['sla', 'SLA matrix'],
  ['calendars', 'Calendars'],
  ['depots', 'Depots'],
  ['vehicles', 'Vehicles'],
  ['audit', 'Audit trail'],
  ['backups', 'Backups'],
];
/** Tabs shown only to roles with this permission. */
const NEEDS: Partial<Record<SettingsTab, string>> = { audit: 'audit:verify', backups: 'backup:manage' };
const VIEWS: Record<SettingsTab, (p: { toolbar: React.ReactNode }) => React.JSX.Element> = {
  templates: TemplatesTab,
  sla: SlaMatrixTab,
  calendars: CalendarsTab,
  depots: DepotsTab,
  vehicles: VehiclesTab,
  audit: AuditTrailTab,
  backups: BackupsTab,
};

/** Org configuration. Every tab is readable by all; editing follows session.can() per tab. */
export function SettingsView() {
  const session = useSession();
  const [tab, setTab] = useState<SettingsTab>('templates');
  const tabs = TABS.filter(([id]) => !NEEDS[id] || session.can(NEEDS[id]));
  const View = VIEWS[tab];
  return <View toolbar={<Tabs<SettingsTab> tabs={tabs} value={tab} onChange={setTab} />} />;
}
