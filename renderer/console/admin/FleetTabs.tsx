import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../shared/api/session';
import { catalogQueries } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';
import { Field, FormError, num, orNull, SidePanel } from './forms';
import { adminQueries, fieldErrors, saveRecord, useWrite, type DepotDto, type VehicleDto } from './queries';
import { useDepotFormat } from '../../shared/locale/context';
import { LocaleField } from './LocaleField';

// ---------------------------------------------------------------- depots

export function DepotsTab({ toolbar }: { toolbar: ReactNode }) {
  const canEdit = useSession().can('catalog:manage');
  const depots = useQuery(adminQueries.depots());
  const [editing, setEditing] = useState<DepotDto | 'new' | null>(null);
  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="depots" data-state={depots.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        {canEdit && (
          <button className="primary" onClick={() => setEditing('new')} data-testid="new-depot">
            New depot
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid" data-testid="depots-table">
            <thead>
              <tr>
                <th>Code</th>
                <th>Name</th>
                <th>Time zone</th>
                <th>Locale</th>
                <th>Address</th>
                <th className="num">Lat</th>
                <th className="num">Lon</th>
              </tr>
            </thead>
            <tbody>
              {(depots.data ?? []).map((d) => (
                <tr
                  key={d.id}
                  className={`clickable${editing !== 'new' && editing?.id === d.id ? ' selected' : ''}`}
                  onClick={() => setEditing(d)}
                >
                  <td>
                    <b>{d.code}</b>
                  </td>
                  <td>{d.name}</td>
                  <td>{d.timeZone}</td>
                  <td title={d.locale ? undefined : 'The default for its time zone'}>
                    {d.effectiveLocale}
                    {d.locale ? '' : ' (default)'}
                  </td>
                  <td className="muted">{d.address ?? '—'}</td>
                  <td className="num">{d.lat?.toFixed(5) ?? '—'}</td>
                  <td className="num">{d.lon?.toFixed(5) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {editing && (
          <DepotForm
            key={editing === 'new' ? 'new' : editing.id}
            depot={editing === 'new' ? null : editing}
            readOnly={!canEdit}
            onClose={() => setEditing(null)}
          />
        )}
      </div>
    </div>
  );
}

function DepotForm({ depot, readOnly, onClose }: { depot: DepotDto | null; readOnly: boolean; onClose(): void }) {
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const [f, setF] = useState({
    code: depot?.code ?? '',
    name: depot?.name ?? '',
    // A new depot starts in this browser's zone (the admin is usually at the depot); a default, not a format.
    timeZone: depot?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    locale: depot?.locale ?? '',
    address: depot?.address ?? '',
    lat: depot?.lat == null ? '' : String(depot.lat),
    lon: depot?.lon == null ? '' : String(depot.lon),
  });
  const up = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const save = useWrite(
    ['depots'],
    () =>
      saveRecord<DepotDto>('/depots', depot?.id, depot?.version, {
        code: f.code,
        name: f.name,
        timeZone: f.timeZone,
        locale: orNull(f.locale),
        address: orNull(f.address),
        lat: f.lat.trim() ? num(f.lat) : null,
        lon: f.lon.trim() ? num(f.lon) : null,
      }),
    (d) => {
      toasts.push({ kind: 'success', text: `Depot ${d.code} saved` });
      // /auth/me carries the home depot's locale and zone: every screen re-formats at once.
      void queryClient.invalidateQueries({ queryKey: ['sessions', 'me'] });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  return (
    <SidePanel
      title={readOnly ? (depot?.name ?? '') : depot ? `Edit ${depot.code}` : 'New depot'}
      onClose={onClose}
      footer={
        !readOnly && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)}>
              {depot ? 'Save changes' : 'Create depot'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Code" error={errs.code}>
          <input value={f.code} onChange={up('code')} />
        </Field>
        <Field label="Time zone" error={errs.timeZone}>
          <input value={f.timeZone} onChange={up('timeZone')} />
        </Field>
        <Field label="Locale (dates and numbers)" error={errs.locale} wide>
          <LocaleField value={f.locale} timeZone={f.timeZone} onChange={(v) => setF((prev) => ({ ...prev, locale: v }))} />
        </Field>
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={up('name')} />
        </Field>
        <Field label="Address" error={errs.address} wide>
          <input value={f.address} onChange={up('address')} />
        </Field>
        <Field label="Latitude" error={errs.lat}>
          <input type="number" step="0.000001" value={f.lat} onChange={up('lat')} />
        </Field>
        <Field label="Longitude" error={errs.lon}>
          <input type="number" step="0.000001" value={f.lon} onChange={up('lon')} />
        </Field>
      </fieldset>
      <FormError error={save.error} shown={Object.keys(f)} />
    </SidePanel>
  );
}

// ---------------------------------------------------------------- vehicles

const VEHICLE_STATUS: Record<string, string> = { available: 'Available', in_use: 'In use', maintenance: 'Maintenance', retired: 'Retired' };
const VEHICLE_CLASS: Record<string, string> = {
  available: 'sla-ok',
  in_use: 'prio-medium',
  maintenance: 'sla-at_risk',
  retired: 'sla-met',
};

export function VehiclesTab({ toolbar }: { toolbar: ReactNode }) {
  const fmt = useDepotFormat();
  const canEdit = useSession().can('catalog:manage');
  const vehicles = useQuery(adminQueries.vehicles());
  const depots = useQuery(adminQueries.depots());
  const teams = useQuery(catalogQueries.teams());
  const depotCode = new Map((depots.data ?? []).map((d) => [d.id, d.code]));
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  const [editing, setEditing] = useState<VehicleDto | 'new' | null>(null);
  const rows = [...(vehicles.data ?? [])].sort((a, b) => a.callSign.localeCompare(b.callSign));
  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="vehicles" data-state={vehicles.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <span className="muted">{rows.length} vehicles</span>
        {canEdit && (
          <button className="primary" onClick={() => setEditing('new')} data-testid="new-vehicle">
            New vehicle
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid" data-testid="vehicles-table">
            <thead>
              <tr>
                <th>Call sign</th>
                <th>Plate</th>
                <th>Kind</th>
                <th>Status</th>
                <th>Depot</th>
                <th>Team</th>
                <th>Last GPS fix</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((v) => (
                <tr
                  key={v.id}
                  className={`clickable${editing !== 'new' && editing?.id === v.id ? ' selected' : ''}`}
                  onClick={() => setEditing(v)}
                >
                  <td>
                    <b>{v.callSign}</b>
                  </td>
                  <td>{v.plate ?? '—'}</td>
                  <td>{v.kind}</td>
                  <td>
                    <span className={`badge ${VEHICLE_CLASS[v.status]}`}>{VEHICLE_STATUS[v.status]}</span>
                  </td>
                  <td>{(v.depotId && depotCode.get(v.depotId)) ?? '—'}</td>
                  <td>{(v.teamId && teamName.get(v.teamId)) ?? '—'}</td>
                  <td className="muted">
                    {v.lastFix ? `${fmt.dateTime(v.lastFix.at)} · ${v.lastFix.lat.toFixed(4)}, ${v.lastFix.lon.toFixed(4)}` : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {editing && (
          <VehicleForm
            key={editing === 'new' ? 'new' : editing.id}
            vehicle={editing === 'new' ? null : editing}
            readOnly={!canEdit}
            onClose={() => setEditing(null)}
          />
        )}
      </div>
    </div>
  );
}

function VehicleForm({ vehicle, readOnly, onClose }: { vehicle: VehicleDto | null; readOnly: boolean; onClose(): void }) {
  const toasts = useToasts();
  const depots = useQuery(adminQueries.depots());
  const teams = useQuery(catalogQueries.teams());
  const [f, setF] = useState({
    callSign: vehicle?.callSign ?? '',
    plate: vehicle?.plate ?? '',
    kind: vehicle?.kind ?? 'Van',
    status: vehicle?.status ?? 'available',
    depotId: vehicle?.depotId ?? '',
    teamId: vehicle?.teamId ?? '',
  });
  const up = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const save = useWrite(
    ['vehicles'],
    () =>
      saveRecord<VehicleDto>('/vehicles', vehicle?.id, vehicle?.version, {
        callSign: f.callSign,
        plate: orNull(f.plate),
        kind: f.kind,
        status: f.status,
        depotId: f.depotId || null,
        teamId: f.teamId || null,
      }),
    (v) => {
      toasts.push({ kind: 'success', text: `Vehicle ${v.callSign} saved` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  return (
    <SidePanel
      title={readOnly ? (vehicle?.callSign ?? '') : vehicle ? `Edit ${vehicle.callSign}` : 'New vehicle'}
      onClose={onClose}
      footer={
        !readOnly && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)}>
              {vehicle ? 'Save changes' : 'Create vehicle'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Call sign" error={errs.callSign}>
          <input value={f.callSign} onChange={up('callSign')} />
        </Field>
        <Field label="Plate" error={errs.plate}>
          <input value={f.plate} onChange={up('plate')} />
        </Field>
        <Field label="Kind" error={errs.kind}>
          <input value={f.kind} onChange={up('kind')} />
        </Field>
        <Field label="Status" error={errs.status}>
          <select value={f.status} onChange={up('status')}>
            {Object.entries(VEHICLE_STATUS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Depot" error={errs.depotId}>
          <select value={f.depotId} onChange={up('depotId')}>
            <option value="">—</option>
            {(depots.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.code} · {d.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Team" error={errs.teamId}>
          <select value={f.teamId} onChange={up('teamId')}>
            <option value="">—</option>
            {(teams.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
      </fieldset>
      <FormError error={save.error} shown={Object.keys(f)} />
    </SidePanel>
  );
}
