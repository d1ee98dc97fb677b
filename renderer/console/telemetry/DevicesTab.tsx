import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../shared/api/session';
import { SidePanel } from '../admin/forms';
import { adminQueries } from '../admin/queries';
import { DeviceForm } from './DeviceForm';
import { assetsQuery, telemetryQueries, type DeviceDto } from './queries';
import { ago, LastRejection, RejectionChips, RejectionSummary } from './Rejections';
import { useDepotFormat } from '../../shared/locale/context';

export { ago };

const STATE_ORDER = ['error', 'disconnected', 'silent', 'connected', 'disabled', 'unknown'];
const STATE_HELP: Record<string, string> = {
  connected: 'Port open, data arriving',
  silent: 'Port open, but no frame for longer than its "silent after" time',
  disconnected: 'Not plugged in (or unplugged): the host retries with backoff',
  error: 'The port failed to open or is in use',
  disabled: 'Switched off in its settings',
  unknown: 'Serial access is off on this host',
};

function stateOf(d: DeviceDto): string {
  return d.status?.state ?? (d.enabled ? 'unknown' : 'disabled');
}

/** Long pseudo-terminal paths keep their informative end: "…/depot/ttyGPS". */
function shortPath(p: string): string {
  return p.length > 30 ? `…${p.slice(-29)}` : p;
}

function portOf(d: DeviceDto): string {
  const usb = [d.vendorId, d.productId].filter(Boolean).join(':') + (d.serialNumber ? ` #${d.serialNumber}` : '');
  const path = d.status?.path ?? d.path;
  return usb && path ? `${path} (${usb})` : (path ?? (usb || '—'));
}

/** Sensors and GPS receivers on this PC: live state, counters and what they refused. */
export function DevicesTab({ tabs }: { tabs: ReactNode }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const canManage = session.can('telemetry:manage');
  const devices = useQuery(telemetryQueries.devices());
  const assets = useQuery(assetsQuery());
  const vehicles = useQuery(adminQueries.vehicles());
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const list = devices.data ?? [];
  const current = selected && selected !== 'new' ? (list.find((d) => d.id === selected) ?? null) : null;
  const assetName = new Map((assets.data ?? []).map((a) => [a.id, `${a.tag} ${a.name}`]));
  const vehicleName = new Map((vehicles.data ?? []).map((v) => [v.id, v.callSign]));
  const byState = new Map<string, number>();
  for (const d of list) byState.set(stateOf(d), (byState.get(stateOf(d)) ?? 0) + 1);

  return (
    <div className="adm-view" data-testid="telemetry-devices" data-state={devices.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {tabs}
        <span className="spacer" />
        <span className="tel-counts" data-testid="device-counts">
          {STATE_ORDER.filter((s) => byState.get(s)).map((s) => (
            <span key={s} className={`badge tel-${s}`} title={STATE_HELP[s]}>
              {byState.get(s)} {s}
            </span>
          ))}
        </span>
        {canManage && (
          <button className="primary" onClick={() => setSelected('new')} data-testid="device-new">
            Add device
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid tel-devices" data-testid="device-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Port</th>
                <th>Readings belong to</th>
                <th>Last frame</th>
                <th className="num">Frames</th>
                <th className="num">Stored</th>
                <th>Refused, by reason</th>
                <th>Last refused input</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => {
                const state = stateOf(d);
                return (
                  <tr
                    key={d.id}
                    onClick={() => setSelected(d.id)}
                    data-testid="device-row"
                    data-device={d.name}
                    className={`clickable${current?.id === d.id ? ' selected' : ''}${d.enabled ? '' : ' inactive'}`}
                  >
                    <td>
                      {d.name}
                      <span className="tel-proto">{d.protocol}</span>
                    </td>
                    <td>
                      <span
                        className={`badge tel-${state}`}
                        data-testid="device-state"
                        data-value={state}
                        title={d.status?.lastError ?? STATE_HELP[state]}
                      >
                        {state}
                      </span>
                    </td>
                    <td className="tel-mono tel-port" title={portOf(d)}>
                      {shortPath(portOf(d))}
                    </td>
                    <td className="tel-bound">
                      {d.assetId ? (
                        (assetName.get(d.assetId) ?? 'asset')
                      ) : d.vehicleId ? (
                        (vehicleName.get(d.vehicleId) ?? 'vehicle')
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td data-testid="device-last-frame">{ago(d.status?.lastFrameAt ?? null, fmt)}</td>
                    <td className="num" data-testid="device-frames">
                      {fmt.number(d.status?.frames ?? 0)}
                    </td>
                    <td className="num" title={d.pipeline.dropped ? `${d.pipeline.dropped} dropped under overload` : undefined}>
                      {fmt.number(d.pipeline.stored)}
                      {d.pipeline.dropped > 0 && <span className="tel-dropped"> −{fmt.number(d.pipeline.dropped)}</span>}
                    </td>
                    <td>
                      <RejectionChips status={d.status} invalid={d.pipeline.invalid} />
                    </td>
                    <td className="tel-last-cell">
                      <LastRejection status={d.status} />
                    </td>
                  </tr>
                );
              })}
              {devices.data?.length === 0 && (
                <tr>
                  <td colSpan={9} className="empty">
                    No devices yet. Plug in a sensor or GPS receiver and add it here{canManage ? '' : ' (an administrator can)'}.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <PipelineLine />
        </div>
        {selected === 'new' && <DeviceForm key="new" device={null} onClose={() => setSelected(null)} />}
        {current && canManage && <DeviceForm key={current.id} device={current} onClose={() => setSelected(null)} />}
        {current && !canManage && (
          <SidePanel title={current.name} onClose={() => setSelected(null)} testId="device-detail">
            {current.status ? (
              <RejectionSummary status={current.status} pipeline={current.pipeline} />
            ) : (
              <p className="muted">Serial access is off on this host.</p>
            )}
          </SidePanel>
        )}
      </div>
    </div>
  );
}

/** The host's storage pipeline in one line: whether readings keep up with what the devices send. */
function PipelineLine() {
  const fmt = useDepotFormat();
  const status = useQuery(telemetryQueries.status());
  const p = status.data?.pipeline;
  if (!status.data || !p) return null;
  return (
    <p className="tel-pipeline" data-testid="telemetry-pipeline">
      {status.data.serial ? 'Serial access on' : 'Serial access off (--no-serial)'} · {fmt.number(p.stored)} readings and{' '}
      {fmt.number(p.positions)} positions stored since the host started · {fmt.number(p.queued)} queued · last batch{' '}
      {p.lastFlushMs.toFixed(1)} ms
      {p.dropped > 0 && <span className="tel-dropped"> · {fmt.number(p.dropped)} dropped under overload</span>}
      {p.invalid > 0 && <span className="tel-dropped"> · {fmt.number(p.invalid)} refused by the host's checks</span>}
    </p>
  );
}
