import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost } from '../testing/harness.js';
import { closeTilesets } from './tilesets.js';

let t: Awaited<ReturnType<typeof startTestHost>>;
let token: string;

/** A two-tile vector MBTiles, written the way tippecanoe/OpenMapTiles write theirs (gzip, TMS rows). */
function writeMbtiles(file: string): void {
  const db = new Database(file);
  db.exec(
    'CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);',
  );
  const meta = db.prepare('INSERT INTO metadata VALUES (?, ?)');
  meta.run('name', 'Bristol test');
  meta.run('format', 'pbf');
  meta.run('minzoom', '0');
  meta.run('maxzoom', '14');
  meta.run('bounds', '-2.8,51.3,-2.3,51.6');
  meta.run('json', JSON.stringify({ vector_layers: [{ id: 'roads' }, { id: 'water' }] }));
  // XYZ (z14, x8078, y5448) is TMS row 2^14 - 1 - 5448 = 10935.
  db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)').run(14, 8078, 10935, zlib.gzipSync(Buffer.from('tile-14-8078-5448')));
  db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)').run(0, 0, 0, zlib.gzipSync(Buffer.from('tile-0')));
  db.close();
}

beforeAll(async () => {
  t = await startTestHost();
  token = (await t.setupOrg()).token;
  const folder = path.join(t.dataDir, 'tiles');
  fs.mkdirSync(folder);
  writeMbtiles(path.join(folder, 'bristol.mbtiles'));
  fs.writeFileSync(path.join(folder, 'region.pmtiles'), Buffer.from('PMTiles\x03' + 'x'.repeat(120)));
  fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a tile file');
  fs.writeFileSync(path.join(folder, 'broken.mbtiles'), 'not sqlite');
});
afterAll(async () => {
  closeTilesets();
  await t.close();
});

describe('region tile files', () => {
  it('when tile files are in <data dir>/tiles, then the list describes the usable ones', async () => {
    const res = await t.api('GET', '/api/v1/map/tilesets', { token });
    expect(res.status).toBe(200);
    const names = res.body.items.map((i: { name: string }) => i.name);
    expect(names).toEqual(['bristol.mbtiles', 'region.pmtiles']);
    expect(res.body.items[0]).toMatchObject({
      container: 'mbtiles',
      tileFormat: 'pbf',
      minzoom: 0,
      maxzoom: 14,
      bounds: [-2.8, 51.3, -2.3, 51.6],
      vectorLayers: ['roads', 'water'],
      url: '/api/v1/map/tilesets/bristol.mbtiles/tiles/{z}/{x}/{y}',
    });
    expect(res.body.items[1]).toMatchObject({ container: 'pmtiles', url: '/api/v1/map/tilesets/region.pmtiles/file' });
  });

  it('when a tile is asked for by XYZ, then the TMS row is served, gzip-encoded as stored', async () => {
    const res = await fetch(`${t.url}/api/v1/map/tilesets/bristol.mbtiles/tiles/14/8078/5448`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toBe('tile-14-8078-5448'); // fetch decodes gzip
  });

  it('when the file has no such tile, then 204 (an empty tile, not an error)', async () => {
    const res = await t.api('GET', '/api/v1/map/tilesets/bristol.mbtiles/tiles/14/1/1', { token });
    expect(res.status).toBe(204);
  });

  it('when a PMTiles file is read with a Range header, then only those bytes come back', async () => {
    const res = await fetch(`${t.url}/api/v1/map/tilesets/region.pmtiles/file`, {
      headers: { authorization: `Bearer ${token}`, range: 'bytes=0-6' },
    });
    expect(res.status).toBe(206);
    expect(await res.text()).toBe('PMTiles');
  });

  it('when the name is not a tile file in the folder, then it is refused without touching the disk elsewhere', async () => {
    expect((await t.api('GET', '/api/v1/map/tilesets/..%2F..%2Fdepotdesk.db/file', { token })).status).toBe(400);
    expect((await t.api('GET', '/api/v1/map/tilesets/missing.pmtiles/file', { token })).status).toBe(404);
  });

  it('when nobody is signed in, then tiles are not served', async () => {
    expect((await t.api('GET', '/api/v1/map/tilesets/bristol.mbtiles/tiles/0/0/0')).status).toBe(401);
  });
});

describe('offline basemap', () => {
  it('when the console asks for the basemap, then the host serves it from resources/ without signing in', async () => {
    const res = await fetch(`${t.url}/resources/basemap/region-land.geojson`);
    expect(res.status).toBe(200);
    const fc = (await res.json()) as { type: string; features: unknown[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(10);
  });
});
