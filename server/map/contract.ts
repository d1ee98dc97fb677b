import { z } from 'zod';

/** Region tile files the host serves to the console's map (zod only: the renderer bundles it). */

export const TilesetName = z
  .string()
  .max(120)
  .regex(/^[\w][\w.-]*\.(mbtiles|pmtiles)$/, "a file name in the data folder's tiles/ folder, ending in .mbtiles or .pmtiles");

export const Tileset = z
  .object({
    name: z.string().meta({ description: 'File name inside <data dir>/tiles/' }),
    container: z.enum(['mbtiles', 'pmtiles']),
    sizeBytes: z.number().int(),
    /** From MBTiles metadata; PMTiles files describe themselves to the client (it reads their header). */
    tileFormat: z.string().nullable().meta({ description: 'pbf (vector), png, jpg or webp; null when unknown' }),
    minzoom: z.number().nullable(),
    maxzoom: z.number().nullable(),
    bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable().meta({ description: '[west, south, east, north]' }),
    vectorLayers: z.array(z.string()).meta({ description: 'Vector layer ids (vector tiles only)' }),
    attribution: z.string().nullable(),
    url: z.string().meta({ description: 'MBTiles: a {z}/{x}/{y} template; PMTiles: the file itself (HTTP range requests)' }),
  })
  .meta({ id: 'Tileset' });
export type TilesetDto = z.infer<typeof Tileset>;

export const TilesetList = z.object({
  items: z.array(Tileset),
  folder: z.string().meta({ description: 'Where to put region tile files' }),
});

export const TileParams = z.strictObject({
  name: TilesetName,
  z: z.coerce.number().int().min(0).max(24),
  x: z.coerce.number().int().min(0),
  y: z.coerce.number().int().min(0),
});
export const TilesetParams = z.strictObject({ name: TilesetName });
