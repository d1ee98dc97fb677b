import { useState } from 'react';
import { useSession } from '../../shared/api/session';
import { Tabs } from '../admin/forms';
import '../admin/admin.css';
import './telemetry.css';
import { AssetTelemetry } from './AssetTelemetry';
import { DevicesTab } from './DevicesTab';

/** Sensors and GPS receivers on the depot PC: devices and their state, an asset's live values and history. */
export function TelemetryView() {
  const session = useSession();
  const [tab, setTab] = useState<'devices' | 'assets'>('devices');
  // The nav hides the view from roles without telemetry (technicians); a typed-in URL lands here.
  if (!session.can('telemetry:read')) {
    return (
      <div className="adm-view" data-testid="telemetry-forbidden" data-state="ready">
        <p className="empty">Telemetry is not available to your role.</p>
      </div>
    );
  }
  const tabs = (
    <Tabs<'devices' | 'assets'>
      tabs={[
        ['devices', 'Devices'],
        ['assets', 'Asset readings'],
      ]}
      value={tab}
      onChange={setTab}
    />
  );
  return tab === 'devices' ? <DevicesTab tabs={tabs} /> : <AssetTelemetry tabs={tabs} />;
}
