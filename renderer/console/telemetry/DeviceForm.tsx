import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Field, FormError, num, orNull, SidePanel } from '../admin/forms';
import { adminQueries, fieldErrors, saveRecord, useWrite } from '../admin/queries';
import { fromDraft, ModbusEditor, toDraft } from './ModbusEditor';
import { assetsQuery, telemetryQueries, type DeviceDto } from './queries';
import { RejectionSummary } from './Rejections';

const PROTOCOLS: [string, string][] = [
  ['nmea', 'NMEA 0183 GPS'],
  ['json', 'JSON lines'],
  ['kv', 'key=value lines'],
  ['csv', 'CSV lines'],
  ['modbus', 'Modbus RTU (RS-485)'],
];
const BAUDS = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

/** Add or edit a device: where it is plugged in, how to talk to it, and what its readings belong to. */
export function DeviceForm({ device, onClose }: { device: DeviceDto | null; onClose(): void }) {
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
    dataBits: String(device?.serial.dataBits ?? 8),
    parity: device?.serial.parity ?? 'none',
    stopBits: String(device?.serial.stopBits ?? 1),
    bind: device?.assetId ? `a:${device.assetId}` : device?.vehicleId ? `v:${device.vehicleId}` : '',
    silenceAfterS: String((device?.silenceAfterMs ?? 30_000) / 1000),
    enabled: device?.enabled ?? true,
  });
  const [modbus, setModbus] = useState(() => toDraft(device?.modbus));
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const isModbus = f.protocol === 'modbus';
  const save = useWrite(
    ['telemetry_devices'],
    () =>
      saveRecord('/telemetry/devices', device?.id, device?.version, {
        name: f.name,
        path: orNull(f.path),
        vendorId: orNull(f.vendorId),
        productId: orNull(f.productId),
        serialNumber: orNull(f.serialNumber),
        protocol: f.protocol,
        serial: { baudRate: num(f.baudRate), dataBits: num(f.dataBits), parity: f.parity, stopBits: num(f.stopBits) },
        modbus: isModbus ? fromDraft(modbus) : null,
        assetId: f.bind.startsWith('a:') ? f.bind.slice(2) : null,
        vehicleId: f.bind.startsWith('v:') ? f.bind.slice(2) : null,
        silenceAfterMs: Math.round(num(f.silenceAfterS) * 1000),
        enabled: f.enabled,
      }),
    onClose,
  );
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
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={() => save.mutate(undefined)} disabled={save.isPending} data-testid="device-save">
            {device ? 'Save changes' : 'Add device'}
          </button>
        </>
      }
    >
      <FormError
        error={save.error}
        shown={[
          'name',
          'path',
          'vendorId',
          'productId',
          'serialNumber',
          'protocol',
          'serial',
          'modbus',
          'assetId',
          'vehicleId',
          'silenceAfterMs',
        ]}
      />
      {device?.status && <RejectionSummary status={device.status} pipeline={device.pipeline} />}
      <fieldset className="adm-grid">
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={set('name')} data-testid="device-name" />
        </Field>
        <Field label={ports.data?.serial === false ? 'Connected ports (serial access is off on this host)' : 'Connected ports'} wide>
          <select
            value=""
            onChange={(e) => pickPort(e.target.value)}
            data-testid="device-port-picker"
            disabled={ports.data?.serial === false}
          >
            <option value="">{ports.data?.items.length ? 'Pick a port to fill in its identity…' : 'No USB/serial ports found'}</option>
            {(ports.data?.items ?? []).map((p) => (
              <option key={p.path} value={p.path} disabled={Boolean(p.deviceId && p.deviceId !== device?.id)}>
                {p.path} {p.manufacturer ? `(${p.manufacturer})` : ''} {p.deviceId && p.deviceId !== device?.id ? '— in use' : ''}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="USB vendor : product : serial (survives replugging)"
          error={errs.vendorId ?? errs.productId ?? errs.serialNumber}
          wide
        >
          <span className="tel-usb">
            <input value={f.vendorId} onChange={set('vendorId')} placeholder="0403" aria-label="vendor id" />
            <input value={f.productId} onChange={set('productId')} placeholder="6001" aria-label="product id" />
            <input value={f.serialNumber} onChange={set('serialNumber')} placeholder="serial number" aria-label="serial number" />
          </span>
        </Field>
        <Field label="Path (fallback; the only way for pseudo-terminals)" error={errs.path} wide>
          <input value={f.path} onChange={set('path')} placeholder="/dev/ttyUSB0 or COM3" data-testid="device-path" />
        </Field>
        <Field label="Protocol" error={errs.protocol ?? (isModbus ? undefined : errs.modbus)}>
          <select value={f.protocol} onChange={set('protocol')} data-testid="device-protocol">
            {PROTOCOLS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Baud rate" error={errs['serial.baudRate']}>
          <select value={f.baudRate} onChange={set('baudRate')} data-testid="device-baud">
            {BAUDS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Framing (data bits, parity, stop bits)"
          error={errs['serial.dataBits'] ?? errs['serial.parity'] ?? errs['serial.stopBits']}
          wide
        >
          <span className="tel-usb">
            <select value={f.dataBits} onChange={set('dataBits')} aria-label="data bits">
              {[8, 7, 6, 5].map((b) => (
                <option key={b} value={b}>
                  {b} data bits
                </option>
              ))}
            </select>
            <select value={f.parity} onChange={set('parity')} aria-label="parity">
              {['none', 'even', 'odd', 'mark', 'space'].map((p) => (
                <option key={p} value={p}>
                  parity {p}
                </option>
              ))}
            </select>
            <select value={f.stopBits} onChange={set('stopBits')} aria-label="stop bits">
              {[1, 1.5, 2].map((b) => (
                <option key={b} value={b}>
                  {b} stop
                </option>
              ))}
            </select>
          </span>
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
        <Field label="Silent after (s without data)" error={errs.silenceAfterMs}>
          <input value={f.silenceAfterS} onChange={set('silenceAfterS')} inputMode="numeric" />
        </Field>
      </fieldset>
      {isModbus && <ModbusEditor draft={modbus} onChange={setModbus} errors={errs} />}
      <label className="adm-check">
        <input type="checkbox" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.target.checked })} /> Enabled (read this device)
      </label>
    </SidePanel>
  );
}
