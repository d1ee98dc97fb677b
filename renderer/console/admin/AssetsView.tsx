import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api, type Page, type Query } from '../../shared/api/client';
import { useSession } from '../../shared/api/session';
import { catalogQueries, useLookups } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';
import { Field, FormError, num, orNull, SidePanel, Tabs } from './forms';
import { adminQueries, fieldErrors, saveRecord, useWrite, type AssetDto, type LocationDto } from './queries';
import './admin.css';
import { LoadMore } from '../shell/LoadMore';
import { DateField } from '../../shared/locale/DateField';

// maplibre is large: load it with the picker, not with the console's first screen.
const LocationPicker = lazy(() => import('./LocationPicker').then((m) => ({ default: m.LocationPicker })));

const ASSET_STATUS: Record<string, string> = {
  in_service: 'In service',
  maintenance: 'Maintenance',
  out_of_service: 'Out of service',
  retired: 'Retired',
};

/** Keyset-paged table data (the host's `{ items, nextCursor }`), 100 rows a page. */
function usePaged<T>(table: string, path: string, filters: Query) {
  const q = useInfiniteQuery({
    queryKey: [table, 'table', filters],
    queryFn: ({ pageParam }) => api.get<Page<T>>(path, { ...filters, limit: 100, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  return { ...q, rows: q.data?.pages.flatMap((p) => p.items) ?? [] };
}

export function AssetsView() {
  const [tab, setTab] = useState<'locations' | 'assets'>('locations');
  const tabs = (
    <Tabs<'locations' | 'assets'>
      tabs={[
        ['locations', 'Locations'],
        ['assets', 'Assets'],
      ]}
      value={tab}
      onChange={setTab}
    />
  );
  return tab === 'locations' ? <LocationsTab tabs={tabs} /> : <AssetsTab tabs={tabs} />;
}

// ---------------------------------------------------------------- locations

function LocationsTab({ tabs }: { tabs: React.ReactNode }) {
  const session = useSession();
  const canWrite = session.can('location:write');
  const [filters, setFilters] = useState<Query>({});
  const [editing, setEditing] = useState<LocationDto | 'new' | null>(null);
  const list = usePaged<LocationDto>('locations', '/locations', filters);
  const kinds = useQuery(adminQueries.locationKinds());
  const depots = useQuery(adminQueries.depots());
  const depotName = new Map((depots.data ?? []).map((d) => [d.id, d.code]));
  const set = (key: string) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value || undefined });
  return (
    <div className="adm-view" data-testid="admin-assets" data-tab="locations" data-state={list.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {tabs}
        <input placeholder="Code, name or address" onChange={set('q')} data-testid="loc-filter-q" />
        <select onChange={set('kind')} aria-label="Kind" data-testid="loc-filter-kind">
          <option value="">Any kind</option>
          {(kinds.data ?? []).map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <span className="spacer" />
        <span className="muted">
          {list.rows.length}
          {list.hasNextPage ? '+' : ''} shown
        </span>
        {canWrite && (
          <button className="primary" onClick={() => setEditing('new')} data-testid="new-location">
            New location
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid" data-testid="locations-table">
            <thead>
              <tr>
                <th>Code</th>
                <th>Name</th>
                <th>Kind</th>
                <th>Depot</th>
                <th>Address</th>
                <th className="num">Lat</th>
                <th className="num">Lon</th>
                <th className="num">Geofence</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((l) => (
                <tr
                  key={l.id}
                  className={`clickable${editing !== 'new' && editing?.id === l.id ? ' selected' : ''}`}
                  onClick={() => setEditing(l)}
                  data-testid="location-row"
                >
                  <td>
                    <b>{l.code}</b>
                  </td>
                  <td className="name" title={l.name}>
                    {l.name}
                  </td>
                  <td>{l.kind ?? '—'}</td>
                  <td>{(l.depotId && depotName.get(l.depotId)) ?? '—'}</td>
                  <td className="muted addr" title={l.address ?? ''}>
                    {l.address ?? '—'}
                  </td>
                  <td className="num">{l.lat.toFixed(5)}</td>
                  <td className="num">{l.lon.toFixed(5)}</td>
                  <td className="num">{l.geofenceRadiusM} m</td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore list={list} />
        </div>
        {editing && (
          <LocationForm
            key={editing === 'new' ? 'new' : editing.id}
            location={editing === 'new' ? null : editing}
            readOnly={!canWrite}
            onClose={() => setEditing(null)}
          />
        )}
      </div>
    </div>
  );
}

function LocationForm({ location, readOnly, onClose }: { location: LocationDto | null; readOnly: boolean; onClose(): void }) {
  const toasts = useToasts();
  const all = useQuery(catalogQueries.locations());
  const depots = useQuery(adminQueries.depots());
  const [f, setF] = useState({
    code: location?.code ?? '',
    name: location?.name ?? '',
    kind: location?.kind ?? '',
    depotId: location?.depotId ?? '',
    address: location?.address ?? '',
    lat: location ? String(location.lat) : '',
    lon: location ? String(location.lon) : '',
    geofenceRadiusM: String(location?.geofenceRadiusM ?? 100),
    notes: location?.notes ?? '',
  });
  const up = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const others = useMemo(
    () => (all.data ?? []).filter((l) => l.id !== location?.id).map((l) => ({ lat: l.lat, lon: l.lon, name: l.name })),
    [all.data, location?.id],
  );
  const save = useWrite(
    ['locations'],
    () =>
      saveRecord<LocationDto>('/locations', location?.id, location?.version, {
        code: f.code,
        name: f.name,
        kind: orNull(f.kind),
        depotId: f.depotId || null,
        address: orNull(f.address),
        lat: num(f.lat),
        lon: num(f.lon),
        geofenceRadiusM: num(f.geofenceRadiusM),
        notes: orNull(f.notes),
      }),
    (saved) => {
      toasts.push({ kind: 'success', text: `Location ${saved.code} saved` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  return (
    <SidePanel
      title={readOnly ? (location?.name ?? '') : location ? `Edit ${location.code}` : 'New location'}
      onClose={onClose}
      testId="location-form"
      footer={
        !readOnly && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="location-save">
              {location ? 'Save changes' : 'Create location'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Code" error={errs.code}>
          <input value={f.code} onChange={up('code')} data-testid="loc-code" />
        </Field>
        <Field label="Kind" error={errs.kind}>
          <input value={f.kind} onChange={up('kind')} list="loc-kinds" data-testid="loc-kind" />
        </Field>
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={up('name')} data-testid="loc-name" />
        </Field>
        <Field label="Address" error={errs.address} wide>
          <input value={f.address} onChange={up('address')} />
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
        <Field label="Geofence radius (m)" error={errs.geofenceRadiusM}>
          <input type="number" min={10} step={10} value={f.geofenceRadiusM} onChange={up('geofenceRadiusM')} data-testid="loc-radius" />
        </Field>
        <div className="wide">
          <Suspense fallback={<div className="muted small">Loading map…</div>}>
            <LocationPicker
              lat={num(f.lat)}
              lon={num(f.lon)}
              radiusM={num(f.geofenceRadiusM)}
              others={others}
              readOnly={readOnly}
              onPick={(lat, lon) => setF((cur) => ({ ...cur, lat: String(lat), lon: String(lon) }))}
            />
          </Suspense>
          {!readOnly && (
            <div className="muted small">
              Click the map or drag the pin to place the location; fine-tune below. Grey dots are your other locations.
            </div>
          )}
        </div>
        <Field label="Latitude" error={errs.lat}>
          <input type="number" step="0.000001" value={f.lat} onChange={up('lat')} data-testid="loc-lat" />
        </Field>
        <Field label="Longitude" error={errs.lon}>
          <input type="number" step="0.000001" value={f.lon} onChange={up('lon')} data-testid="loc-lon" />
        </Field>
        <Field label="Notes" error={errs.notes} wide>
          <textarea rows={2} value={f.notes} onChange={up('notes')} />
        </Field>
      </fieldset>
      <datalist id="loc-kinds">
        {[...new Set((all.data ?? []).map((l) => l.kind).filter(Boolean))].map((k) => (
          <option key={k} value={k ?? ''} />
        ))}
      </datalist>
      <FormError error={save.error} shown={['code', 'name', 'kind', 'address', 'depotId', 'lat', 'lon', 'geofenceRadiusM', 'notes']} />
    </SidePanel>
  );
}

// ---------------------------------------------------------------- assets

function AssetsTab({ tabs }: { tabs: React.ReactNode }) {
  const session = useSession();
  const canWrite = session.can('asset:write');
  const lookups = useLookups();
  const [filters, setFilters] = useState<Query>({});
  const [editing, setEditing] = useState<AssetDto | 'new' | null>(null);
  const list = usePaged<AssetDto>('assets', '/assets', filters);
  const categories = useQuery(adminQueries.assetCategories());
  const set = (key: string) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value || undefined });
  const locations = useMemo(() => [...lookups.locations.values()].sort((a, b) => a.code.localeCompare(b.code)), [lookups.locations]);
  return (
    <div className="adm-view" data-testid="admin-assets" data-tab="assets" data-state={list.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {tabs}
        <input placeholder="Tag, name or serial" onChange={set('q')} data-testid="asset-filter-q" />
        <select onChange={set('locationId')} aria-label="Location" data-testid="asset-filter-location">
          <option value="">Any location</option>
          {locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.code} · {l.name}
            </option>
          ))}
        </select>
        <select onChange={set('category')} aria-label="Category">
          <option value="">Any category</option>
          {(categories.data ?? []).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <select onChange={set('status')} aria-label="Status">
          <option value="">Any status</option>
          {Object.entries(ASSET_STATUS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <span className="muted">
          {list.rows.length}
          {list.hasNextPage ? '+' : ''} shown
        </span>
        {canWrite && (
          <button className="primary" onClick={() => setEditing('new')} data-testid="new-asset">
            New asset
          </button>
        )}
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <table className="grid" data-testid="assets-table">
            <thead>
              <tr>
                <th>Tag</th>
                <th>Name</th>
                <th>Category</th>
                <th>Status</th>
                <th>Location</th>
                <th>Make / model</th>
                <th>Serial</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((a) => (
                <tr
                  key={a.id}
                  className={`clickable${editing !== 'new' && editing?.id === a.id ? ' selected' : ''}`}
                  onClick={() => setEditing(a)}
                  data-testid="asset-row"
                >
                  <td>
                    <b>{a.tag}</b>
                  </td>
                  <td title={a.name}>{a.name}</td>
                  <td>{a.category}</td>
                  <td>
                    <span className={`badge asset-${a.status}`}>{ASSET_STATUS[a.status]}</span>
                  </td>
                  <td>{(a.locationId && lookups.locations.get(a.locationId)?.name) ?? '—'}</td>
                  <td className="muted">{[a.manufacturer, a.model].filter(Boolean).join(' ') || '—'}</td>
                  <td className="muted">{a.serialNumber ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore list={list} />
        </div>
        {editing && (
          <AssetForm
            key={editing === 'new' ? 'new' : editing.id}
            asset={editing === 'new' ? null : editing}
            locations={locations}
            categories={categories.data ?? []}
            readOnly={!canWrite}
            onClose={() => setEditing(null)}
          />
        )}
      </div>
    </div>
  );
}

function AssetForm({
  asset,
  locations,
  categories,
  readOnly,
  onClose,
}: {
  asset: AssetDto | null;
  locations: LocationDto[];
  categories: string[];
  readOnly: boolean;
  onClose(): void;
}) {
  const toasts = useToasts();
  const [f, setF] = useState({
    tag: asset?.tag ?? '',
    name: asset?.name ?? '',
    category: asset?.category ?? '',
    status: asset?.status ?? 'in_service',
    locationId: asset?.locationId ?? '',
    manufacturer: asset?.manufacturer ?? '',
    model: asset?.model ?? '',
    serialNumber: asset?.serialNumber ?? '',
    installedAt: asset?.installedAt?.slice(0, 10) ?? '',
  });
  const up = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const save = useWrite(
    ['assets'],
    () =>
      saveRecord<AssetDto>('/assets', asset?.id, asset?.version, {
        tag: f.tag,
        name: f.name,
        category: f.category,
        status: f.status,
        locationId: f.locationId || null,
        manufacturer: orNull(f.manufacturer),
        model: orNull(f.model),
        serialNumber: orNull(f.serialNumber),
        installedAt: f.installedAt ? new Date(`${f.installedAt}T00:00:00Z`).toISOString() : null,
      }),
    (saved) => {
      toasts.push({ kind: 'success', text: `Asset ${saved.tag} saved` });
      onClose();
    },
  );
  const errs = fieldErrors(save.error);
  return (
    <SidePanel
      title={readOnly ? (asset?.name ?? '') : asset ? `Edit ${asset.tag}` : 'New asset'}
      onClose={onClose}
      testId="asset-form"
      footer={
        !readOnly && (
          <>
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={save.isPending} onClick={() => save.mutate(undefined)} data-testid="asset-save">
              {asset ? 'Save changes' : 'Create asset'}
            </button>
          </>
        )
      }
    >
      <fieldset disabled={readOnly} className="adm-grid">
        <Field label="Tag" error={errs.tag}>
          <input value={f.tag} onChange={up('tag')} data-testid="asset-tag" />
        </Field>
        <Field label="Status" error={errs.status}>
          <select value={f.status} onChange={up('status')} data-testid="asset-status">
            {Object.entries(ASSET_STATUS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={errs.name} wide>
          <input value={f.name} onChange={up('name')} data-testid="asset-name" />
        </Field>
        <Field label="Category" error={errs.category}>
          <input value={f.category} onChange={up('category')} list="asset-categories" />
        </Field>
        <Field label="Installed" error={errs.installedAt}>
          {/* A calendar date (kept as that day's UTC midnight, read back by its first ten characters), typed the depot's way. */}
          <DateField value={f.installedAt} onChange={(v) => setF((prev) => ({ ...prev, installedAt: v }))} />
        </Field>
        <Field label="Location" error={errs.locationId} wide>
          <select value={f.locationId} onChange={up('locationId')}>
            <option value="">—</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.code} · {l.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Manufacturer" error={errs.manufacturer}>
          <input value={f.manufacturer} onChange={up('manufacturer')} />
        </Field>
        <Field label="Model" error={errs.model}>
          <input value={f.model} onChange={up('model')} />
        </Field>
        <Field label="Serial number" error={errs.serialNumber} wide>
          <input value={f.serialNumber} onChange={up('serialNumber')} />
        </Field>
      </fieldset>
      <datalist id="asset-categories">
        {categories.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      {asset?.attributes && Object.keys(asset.attributes).length > 0 && (
        <div className="adm-attrs">
          <h4>Attributes</h4>
          <dl>
            {Object.entries(asset.attributes).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{String(v)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      <FormError error={save.error} shown={Object.keys(f)} />
    </SidePanel>
  );
}
