import { useState } from 'react';
import { DepotsTab, VehiclesTab } from './FleetTabs';
import { Tabs } from './forms';
import { CalendarsTab, SlaMatrixTab } from './SlaTabs';
import { TemplatesTab } from './TemplatesTab';
import './admin.css';

type SettingsTab = 'templates' | 'sla' | 'calendars' | 'depots' | 'vehicles';
const TABS: [SettingsTab, string][] = [['templates', 'Task templates'], ['sla', 'SLA matrix'], ['calendars', 'Calendars'], ['depots', 'Depots'], ['vehicles', 'Vehicles']];
const VIEWS: Record<SettingsTab, (p: { toolbar: React.ReactNode }) => React.JSX.Element> = {
  templates: TemplatesTab, sla: SlaMatrixTab, calendars: CalendarsTab, depots: DepotsTab, vehicles: VehiclesTab,
};

/** Org configuration. Every tab is readable by all; editing follows session.can() per tab. */
export function SettingsView() {
  const [tab, setTab] = useState<SettingsTab>('templates');
  const View = VIEWS[tab];
  return <View toolbar={<Tabs<SettingsTab> tabs={TABS} value={tab} onChange={setTab} />} />;
}
