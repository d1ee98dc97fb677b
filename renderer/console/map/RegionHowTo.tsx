import { useQuery } from '@tanstack/react-query';
import { catalogQueries } from '../../shared/catalog/queries';

/** The box around the depot's own locations, with a margin, as pmtiles' --bbox wants it (west,south,east,north). */
function bboxOf(locations: { lat: number; lon: number }[] | undefined): string {
  if (!locations?.length) return '-2.75,51.35,-2.30,51.60';
  const lons = locations.map((l) => l.lon);
  const lats = locations.map((l) => l.lat);
  const pad = 0.05;
  const f = (v: number) => v.toFixed(2);
  return [f(Math.min(...lons) - pad), f(Math.min(...lats) - pad), f(Math.max(...lons) + pad), f(Math.max(...lats) + pad)].join(',');
}

/**
 * How to make a street map for your region: a PMTiles extract of OpenStreetMap cut to the box around
 * the depot's locations (one command, a file of tens of MB for a city), dropped into the host's
 * tiles folder. The console draws any vector schema generically (basemap-style.ts regionLayers).
 */
export function RegionHowTo({ folder }: { folder: string }) {
  const locations = useQuery(catalogQueries.locations());
  const bbox = bboxOf(locations.data);
  return (
    <section data-testid="map-region-howto">
      <h3>Make a street map for your region</h3>
      <p>
        The map ships with Natural Earth land and water only, so it works with no network and nothing to download; at depot zoom that means
        no streets. A region tile file adds them, from OpenStreetMap, still offline:
      </p>
      <ol>
        <li>
          Get the <code>pmtiles</code> command-line tool (the <code>go-pmtiles</code> releases on GitHub: one file, no install).
        </li>
        <li>
          Cut your region out of a Protomaps daily build (pick a current date from <code>maps.protomaps.com/builds</code>); the box below is
          your locations with a margin:
          <pre data-testid="map-region-command">{`pmtiles extract https://build.protomaps.com/20261201.pmtiles region.pmtiles \\
  --bbox=${bbox} --maxzoom=15`}</pre>
          A city is tens of MB. Only the parts of the box are downloaded, not the planet.
        </li>
        <li>
          Copy <code>region.pmtiles</code> into <code>{folder}</code> on the depot host (no restart needed).
        </li>
        <li>Choose it above under Basemap and save. It is drawn over the offline land and water, under the work.</li>
      </ol>
      <p className="muted small">
        An MBTiles file works too (for example from planetiler or tilemaker, vector or raster). The map credits the file&apos;s own
        attribution; OpenStreetMap data needs &quot;© OpenStreetMap contributors&quot;.
      </p>
    </section>
  );
}
