import { useState } from 'react';
import { Tabs } from '../admin/forms';
import '../admin/admin.css';
import './telemetry.css';
import { AssetTelemetry } from './AssetTelemetry';
import { DevicesTab } from './DevicesTab';

/** Sensors and GPS receivers on the depot PC: devices and their state, an asset's live values and history. */
export function TelemetryView() {
  const [tab, setTab] = useState<'devices' | 'assets'>('devices');
  const tabs = <Tabs<'devices' | 'assets'> tabs={[['devices', 'Devices'], ['assets', 'Asset readings']]} value={tab} onChange={setTab} />;
  return tab === 'devices' ? <DevicesTab tabs={tabs} /> : <AssetTelemetry tabs={tabs} />;
}
