import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { NotFoundError } from '../errors.js';
import { API_PREFIX } from '../http/mount.js';
import type { TilesetDto } from './contract.js';

/**
 * Region tile files dropped into `<data dir>/tiles/` by whoever runs the depot (a city extract
 * from OpenMapTiles, Protomaps, a raster MBTiles from QGIS...). Only files in that folder are
 * served, by name, so a client can never name an arbitrary path on the depot machine.
 */
export function tilesFolder(dataDir: string): string {
  return path.join(dataDir, 'tiles');
}

export function resolveTileset(dataDir: string, name: string): string {
  const file = path.join(tilesFolder(dataDir), path.basename(name));
  if (!fs.existsSync(file)) throw new NotFoundError('tile file', name);
  return file;
}

interface OpenMbtiles {
  db: Database.Database;
  mtimeMs: number;
  get: Database.Statement<[number, number, number], { tile_data: Buffer }>;
}

/** One read-only connection per MBTiles file, reopened when the file is replaced. */
const open = new Map<string, OpenMbtiles>();

function mbtiles(file: string): OpenMbtiles {
  const mtimeMs = fs.statSync(file).mtimeMs;
  const cached = open.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached;
  cached?.db.close();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const get = db.prepare<[number, number, number], { tile_data: Buffer }>(
    'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
  );
  const entry = { db, mtimeMs, get };
  open.set(file, entry);
  return entry;
}

export function closeTilesets(): void {
  for (const { db } of open.values()) db.close();
  open.clear();
}

function metadata(db: Database.Database): Map<string, string> {
  const rows = db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[];
  return new Map(rows.map((r) => [r.name, r.value]));
}

function vectorLayerIds(json: string | undefined): string[] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as { vector_layers?: { id?: unknown }[] };
    return (parsed.vector_layers ?? []).map((l) => l.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return []; // A malformed "json" entry only loses the layer list; the tiles still serve.
  }
}

function numberOrNull(v: string | undefined): number | null {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function listTilesets(dataDir: string): TilesetDto[] {
  const folder = tilesFolder(dataDir);
  if (!fs.existsSync(folder)) return [];
  const out: TilesetDto[] = [];
  for (const name of fs.readdirSync(folder).sort()) {
    const match = /^[\w][\w.-]*\.(mbtiles|pmtiles)$/.exec(name);
    if (!match) continue;
    const file = path.join(folder, name);
    const sizeBytes = fs.statSync(file).size;
    const base = `${API_PREFIX}/map/tilesets/${encodeURIComponent(name)}`;
    if (match[1] === 'pmtiles') {
      out.push({
        name,
        container: 'pmtiles',
        sizeBytes,
        tileFormat: null,
        minzoom: null,
        maxzoom: null,
        bounds: null,
        vectorLayers: [],
        attribution: null,
        url: `${base}/file`,
      });
      continue;
    }
    try {
      const meta = metadata(mbtiles(file).db);
      const bounds = meta.get('bounds')?.split(',').map(Number);
      out.push({
        name,
        container: 'mbtiles',
        sizeBytes,
        tileFormat: meta.get('format') ?? null,
        minzoom: numberOrNull(meta.get('minzoom')),
        maxzoom: numberOrNull(meta.get('maxzoom')),
        bounds: bounds?.length === 4 && bounds.every(Number.isFinite) ? (bounds as [number, number, number, number]) : null,
        vectorLayers: vectorLayerIds(meta.get('json')),
        attribution: meta.get('attribution') ?? null,
        url: `${base}/tiles/{z}/{x}/{y}`,
      });
    } catch {
      // Not an SQLite file, or no metadata table: not a usable MBTiles; leave it out of the list.
      continue;
    }
  }
  return out;
}

export interface Tile {
  data: Buffer;
  contentType: string;
  gzip: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  pbf: 'application/x-protobuf',
  mvt: 'application/x-protobuf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** One tile by its XYZ address; MBTiles stores rows in TMS order (y counted from the south). */
export function readTile(file: string, z: number, x: number, y: number): Tile | null {
  const entry = mbtiles(file);
  const row = entry.get.get(z, x, 2 ** z - 1 - y);
  if (!row) return null;
  const format =
    (entry.db.prepare("SELECT value FROM metadata WHERE name = 'format'").get() as { value: string } | undefined)?.value ?? 'pbf';
  const gzip = row.tile_data[0] === 0x1f && row.tile_data[1] === 0x8b;
  return { data: row.tile_data, contentType: CONTENT_TYPES[format] ?? 'application/octet-stream', gzip };
}
