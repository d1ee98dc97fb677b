import { useState } from 'react';
import { useToasts } from '../shell/toasts';
import { saveSettings, type MapSettings, type TilesetDto } from './queries';

interface Props {
  settings: MapSettings;
  tilesets: { items: TilesetDto[]; folder: string } | undefined;
  onClose: () => void;
  onSaved: (settings: MapSettings) => void;
}

function size(bytes: number): string {
  return bytes > 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Basemap choice: the bundled offline one (default), an online style URL, and a region tile file on the host. */
export function MapSettingsPanel({ settings, tilesets, onClose, onSaved }: Props) {
  const toasts = useToasts();
  const [draft, setDraft] = useState(settings);
  const [saving, setSaving] = useState(false);
  const urlOk = draft.base === 'offline' || /^https?:\/\/\S+$/.test(draft.styleUrl);

  const save = async () => {
    setSaving(true);
    try {
      await saveSettings(draft);
      onSaved(draft);
    } catch (err) {
      toasts.error(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="map-settings" data-testid="map-settings" aria-label="Map settings">
      <div className="legend-title">Basemap</div>
      <label className="legend-row">
        <input type="radio" name="map-base" checked={draft.base === 'offline'} onChange={() => setDraft({ ...draft, base: 'offline' })} />
        Offline (bundled Natural Earth, works with no network)
      </label>
      <label className="legend-row">
        <input type="radio" name="map-base" checked={draft.base === 'online'} onChange={() => setDraft({ ...draft, base: 'online' })} />
        Online style
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
      <div className="muted small">Falls back to the offline basemap when the style cannot be reached.</div>

      <div className="legend-title">Region tile file</div>
      <select
        value={draft.regionTiles ?? ''}
        onChange={(e) => setDraft({ ...draft, regionTiles: e.target.value || null })}
        data-testid="map-region-tiles"
        disabled={draft.base === 'online'}
      >
        <option value="">None</option>
        {tilesets?.items.map((t) => (
          <option key={t.name} value={t.name}>
            {t.name} ({t.container}, {size(t.sizeBytes)})
          </option>
        ))}
      </select>
      <div className="muted small">
        MBTiles or PMTiles placed in <code>{tilesets?.folder ?? '<data dir>/tiles'}</code> on the depot host, drawn over the offline
        basemap.
      </div>
      <div className="settings-actions">
        <button onClick={onClose}>Cancel</button>
        <button className="primary" onClick={() => void save()} disabled={saving || !urlOk} data-testid="map-settings-save">
          Save
        </button>
      </div>
    </section>
  );
}
