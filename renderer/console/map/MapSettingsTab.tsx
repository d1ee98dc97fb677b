import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { navigate } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { mapQueries, saveSettings, type MapSettings, type TilesetDto } from './queries';
import { RegionHowTo } from './RegionHowTo';
import './map.css';

function size(bytes: number): string {
  return bytes > 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** One line on what the map draws under the work now, in plain words. */
function describe(settings: MapSettings, loaded: TilesetDto | null): string {
  if (settings.base === 'online')
    return `An online style: ${settings.styleUrl || '(no address given)'}; the offline basemap if it cannot be reached.`;
  if (settings.regionTiles && !loaded)
    return `The region tile file "${settings.regionTiles}" is chosen but is not in the host's tiles folder: land and water only.`;
  if (loaded) return `Streets from ${loaded.name} over the offline land and water.`;
  return 'Land and water only (Natural Earth, about 1 km detail): no streets. Add a region tile file below to get them.';
}

/**
 * Settings › Map: which basemap the map draws and which region tile file is loaded, with how to make
 * a street map for your own region. Saved per user through the host's preferences (queries.ts).
 */
export function MapSettingsTab({ toolbar }: { toolbar: ReactNode }) {
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const settings = useQuery(mapQueries.settings());
  const tilesets = useQuery(mapQueries.tilesets());
  const [draft, setDraft] = useState<MapSettings | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (settings.data && !draft) setDraft(settings.data);
  }, [settings.data, draft]);

  const ready = settings.isSuccess && !tilesets.isPending && draft !== null;
  const files = tilesets.data?.items ?? [];
  const loaded = files.find((t) => t.name === settings.data?.regionTiles) ?? null;
  const urlOk = !draft || draft.base === 'offline' || /^https?:\/\/\S+$/.test(draft.styleUrl);

  const save = async () => {
    if (!draft) return;
    setSaving(true);
    try {
      await saveSettings(draft);
      queryClient.setQueryData(mapQueries.settings().queryKey, draft);
      toasts.push({ kind: 'info', text: 'Map settings saved.' });
    } catch (err) {
      toasts.error(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="map" data-state={ready ? 'ready' : 'loading'}>
      <div className="toolbar">
        {toolbar}
        <span className="spacer" />
        <button onClick={() => navigate({ view: 'map' })}>Open the map</button>
      </div>
      <div className="adm-body map-settings-page" data-testid="map-settings">
        <section>
          <h3>What the map draws now</h3>
          <p data-testid="map-basemap-now">{settings.data ? describe(settings.data, loaded) : 'Loading…'}</p>
          {loaded && (
            <dl className="map-tileset" data-testid="map-tileset-loaded">
              <dt>File</dt>
              <dd>
                <code>{loaded.name}</code> ({loaded.container}, {size(loaded.sizeBytes)})
              </dd>
              {loaded.minzoom !== null && (
                <>
                  <dt>Zoom</dt>
                  <dd>
                    {loaded.minzoom}–{loaded.maxzoom}
                  </dd>
                </>
              )}
              {loaded.bounds && (
                <>
                  <dt>Covers</dt>
                  <dd>{loaded.bounds.map((v) => v.toFixed(3)).join(', ')} (west, south, east, north)</dd>
                </>
              )}
              {loaded.vectorLayers.length > 0 && (
                <>
                  <dt>Layers</dt>
                  <dd>{loaded.vectorLayers.join(', ')}</dd>
                </>
              )}
              {loaded.attribution && (
                <>
                  <dt>Credit</dt>
                  <dd>{loaded.attribution}</dd>
                </>
              )}
            </dl>
          )}
        </section>

        {draft && (
          <section>
            <h3>Basemap</h3>
            <label className="legend-row">
              <input
                type="radio"
                name="map-base"
                checked={draft.base === 'offline'}
                onChange={() => setDraft({ ...draft, base: 'offline' })}
              />
              Offline: bundled land and water, plus a region tile file from the host if you choose one
            </label>
            <select
              value={draft.regionTiles ?? ''}
              onChange={(e) => setDraft({ ...draft, regionTiles: e.target.value || null })}
              data-testid="map-region-tiles"
              disabled={draft.base === 'online'}
              aria-label="Region tile file"
            >
              <option value="">No region tile file (no streets)</option>
              {files.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.container}, {size(t.sizeBytes)})
                </option>
              ))}
            </select>
            <div className="muted small" data-testid="map-tiles-folder">
              {files.length === 0 ? 'No tile files found in ' : 'Files are read from '}
              <code>{tilesets.data?.folder ?? '<data dir>/tiles'}</code> on the depot host.
            </div>
            <label className="legend-row">
              <input
                type="radio"
                name="map-base"
                checked={draft.base === 'online'}
                onChange={() => setDraft({ ...draft, base: 'online' })}
              />
              Online style (needs the internet)
            </label>
            <input
              type="url"
              placeholder="https://…/style.json"
              value={draft.styleUrl}
              disabled={draft.base !== 'online'}
              onChange={(e) => setDraft({ ...draft, styleUrl: e.target.value.trim() })}
              aria-invalid={!urlOk}
              data-testid="map-style-url"
            />
            <div className="settings-actions">
              <button className="primary" onClick={() => void save()} disabled={saving || !urlOk} data-testid="map-settings-save">
                Save
              </button>
            </div>
          </section>
        )}

        <RegionHowTo folder={tilesets.data?.folder ?? '<data dir>/tiles'} />
      </div>
    </div>
  );
}
