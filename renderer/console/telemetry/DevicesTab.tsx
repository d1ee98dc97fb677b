import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { getAll } from '../api/client';
import { useSession } from '../api/session';
import { Field, FormError, num, orNull, SidePanel } from '../admin/forms';
import { adminQueries, fieldErrors, saveRecord, useWrite, type AssetDto } from '../admin/queries';
import { queryOptions } from '@tanstack/react-query';
import { telemetryQueries, type DeviceDto } from './queries';

const PROTOCOLS: [string, string][] = [['nmea', 'NMEA GPS'], ['json', 'JSON lines'], ['kv', 'key=value lines'], ['csv', 'CSV lines'], ['modbus', 'Modbus RTU']];
const BAUDS = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

const assetsQuery = () => queryOptions({ queryKey: ['assets', 'all'], queryFn: () => getAll<AssetDto>('/assets'), staleTime: 300_000 });

export function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : new Date(iso).toLocaleString();
}

export function DevicesTab({ tabs }: { tabs: ReactNode }) {
  const session = useSession();
  const canManage = session.can('telemetry:manage');
  const devices = useQuery(telemetryQueries.devices());
  const [editing, setEditing] = useState<DeviceDto | 'new' | null>(null);
  return (
    <div className="adm-view">
      <div className="adm-toolbar">
        {tabs}
        {canManage && (
          <button onClick={() => setEditing('new')} data-testid="device-new">
            Add device
          </button>
        )}
      </div>
      <table className="adm-table" data-testid="device-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>State</th>
            <th>Protocol</th>
            <th>Port</th>
            <th>Last frame</th>
            <th>Frames</th>
            <th>Errors / rejected</th>
            <th>Stored / dropped</th>
          </tr>
        </thead>
        <tbody>
          {(devices.data ?? []).map((d) => {
            const state = d.status?.state ?? (d.enabled ? 'unknown' : 'disabled');
            const rejected = Object.values(d.status?.rejected ?? {}).reduce((a, b) => a + b, 0);
            return (
              <tr key={d.id} onClick={() => canManage && setEditing(d)} data-testid="device-row" className={canManage ? 'clickable' : ''}>
                <td>{d.name}</td>
                <td>
                  <span className={`tel-badge tel-${state}`} data-testid="device-state" title={d.status?.lastError ?? undefined}>
                    {state}
                  </span>
                </td>
                <td>{d.protocol}</td>
                <td>{d.status?.path ?? d.path ?? [d.vendorId, d.productId, d.serialNumber].filter(Boolean).join(':')}</td>
                <td>{ago(d.status?.lastFrameAt ?? null)}</td>
                <td>{d.status?.frames ?? 0}</td>
                <td title={d.status?.lastRejection ? `last: ${d.status.lastRejection.reason} — ${d.status.lastRejection.detail}` : undefined}>
                  {d.status?.errors ?? 0} / {rejected + d.pipeline.invalid}
                </td>
                <td>
                  {d.pipeline.stored} / {d.pipeline.dropped}
                </td>
              </tr>
            );
          })}
          {devices.data?.length === 0 && (
            <tr>
              <td colSpan={8} className="empty">
                No devices yet. Plug in a sensor or GPS and add it here.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {editing && <DeviceForm device={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </div>
  );
}

function DeviceForm({ device, onClose }: { device: DeviceDto | null; onClose(): void }) {
  const ports = useQuery(telemetryQueries.ports());
  const assets = useQuery(assetsQuery());
  const vehicles = useQuery(adminQueries.vehicles());
  const [f, setF] = useState({
    name: device?.name ?? '',
    path: device?.path ?? '',
    vendorId: device?.vendorId ?? '',
    productId: device?.productId ?? '',
    serialNumber: device?.serialNumber ?? '',
    protocol: device?.protocol ?? 'kv',
    baudRate: String(device?.serial.baudRate ?? 9600),
    bind: device?.assetId ? `a:${device.assetId}` : device?.vehicleId ? `v:${device.vehicleId}` : '',
    enabled: device?.enabled ?? true,
  });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const save = useWrite(['telemetry_devices'], () =>
    saveRecord('/telemetry/devices', device?.id, device?.version, {
      name: f.name,
      path: orNull(f.path),
      vendorId: orNull(f.vendorId),
      productId: orNull(f.productId),
      serialNumber: orNull(f.serialNumber),
      protocol: f.protocol,
      serial: { ...(device?.serial ?? { dataBits: 8, stopBits: 1, parity: 'none' }), baudRate: num(f.baudRate) },
      assetId: f.bind.startsWith('a:') ? f.bind.slice(2) : null,
      vehicleId: f.bind.startsWith('v:') ? f.bind.slice(2) : null,
      enabled: f.enabled,
    }), onClose);
  const errs = fieldErrors(save.error);
  const pickPort = (path: string) => {
    const p = ports.data?.items.find((x) => x.path === path);
    if (p) setF({ ...f, path: p.path, vendorId: p.vendorId ?? '', productId: p.productId ?? '', serialNumber: p.serialNumber ?? '' });
  };
  return (
    <SidePanel
      title={device ? `Edit ${device.name}` : 'Add device'}
      onClose={onClose}
      testId="device-form"
      footer={
        <button onClick={() => save.mutate(undefined)} disabled={save.isPending} data-testid="device-save">
          Save
        </button>
      }
    >
      <FormError error={save.error} shown={['name', 'path', 'vendorId', 'productId', 'serialNumber', 'protocol', 'serial', 'assetId', 'vehicleId']} />
      <Field label="Name" error={errs.name}>
        <input value={f.name} onChange={set('name')} data-testid="device-name" />
      </Field>
      <Field label={ports.data?.serial === false ? 'Port (serial access is off on this host)' : 'Port'}>
        <select value="" onChange={(e) => pickPort(e.target.value)} data-testid="device-port-picker">
          <option value="">Pick a connected port…</option>
          {(ports.data?.items ?? []).map((p) => (
            <option key={p.path} value={p.path} disabled={Boolean(p.deviceId && p.deviceId !== device?.id)}>
              {p.path} {p.manufacturer ? `(${p.manufacturer})` : ''} {p.deviceId && p.deviceId !== device?.id ? '— in use' : ''}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Path (fallback; pseudo-terminals)" error={errs.path}>
        <input value={f.path} onChange={set('path')} placeholder="/dev/ttyUSB0 or COM3" data-testid="device-path" />
      </Field>
      <Field label="USB vendor : product : serial" error={errs.vendorId ?? errs.productId ?? errs.serialNumber}>
        <span className="tel-usb">
          <input value={f.vendorId} onChange={set('vendorId')} placeholder="0403" />
          <input value={f.productId} onChange={set('productId')} placeholder="6001" />
          <input value={f.serialNumber} onChange={set('serialNumber')} placeholder="serial" />
        </span>
      </Field>
      <Field label="Protocol" error={errs.protocol ?? errs.modbus}>
        <select value={f.protocol} onChange={set('protocol')} data-testid="device-protocol">
          {PROTOCOLS.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Baud rate" error={errs['serial.baudRate']}>
        <select value={f.baudRate} onChange={set('baudRate')}>
          {BAUDS.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Readings belong to" error={errs.assetId ?? errs.vehicleId}>
        <select value={f.bind} onChange={set('bind')} data-testid="device-bind">
          <option value="">Nothing yet</option>
          <optgroup label="Assets">
            {(assets.data ?? []).map((a) => (
              <option key={a.id} value={`a:${a.id}`}>
                {a.tag} {a.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Vehicles">
            {(vehicles.data ?? []).map((v) => (
              <option key={v.id} value={`v:${v.id}`}>
                {v.callSign}
              </option>
            ))}
          </optgroup>
        </select>
      </Field>
      <label className="adm-check">
        <input type="checkbox" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.target.checked })} /> Enabled
      </label>
    </SidePanel>
  );
}
