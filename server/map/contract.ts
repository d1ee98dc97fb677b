import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';
import { WorkOrderCountsQuery } from '../work-orders/contract.js';
import { PrioritySchema, WorkOrderStatusSchema } from '../work-orders/contract-domain.js';

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

/**
 * The map's open work as ONE columnar payload (GET /map/open-work): parallel arrays, one entry per
 * work order, instead of a page of full work-order objects per 500. 10,000 work orders were 20
 * paged requests of ~1.5 KB objects the console then slimmed down; this is one request of only
 * what the map draws, in the list's own filters and scope.
 */
export const OpenWorkQuery = WorkOrderCountsQuery.pick({ status: true, priority: true, type: true, teamId: true, slaState: true }).extend({
  ids: z
    .string()
    .max(200 * 37)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(Id).min(1).max(200))
    .optional()
    .meta({
      description:
        'Comma-separated work-order ids (≤ 200): only these rows, for a live update. An id that no longer matches the filters is absent.',
    }),
});
export type OpenWorkFilter = z.infer<typeof OpenWorkQuery>;

/** Codes used by the payload's small-integer columns (index = code). */
export const OPEN_WORK_SLA = ['none', 'met', 'ok', 'at_risk', 'breached'] as const;
export const OPEN_WORK_STATUS = WorkOrderStatusSchema.options;
export const OPEN_WORK_PRIORITY = PrioritySchema.options;

/** Beyond this the payload is cut (truncated: true): a depot's open work is thousands, not millions. */
export const OPEN_WORK_MAX = 25_000;

const code = z.number().int().min(0).max(255);
export const OpenWork = z
  .object({
    at: IsoTime.meta({ description: 'When the SLA states were judged' }),
    truncated: z.boolean(),
    id: z.array(z.string()),
    number: z.array(z.string()),
    title: z.array(z.string()),
    lon: z.array(z.number().nullable()).meta({ description: "The location's longitude; null: no location" }),
    lat: z.array(z.number().nullable()),
    sla: z.array(code).meta({ description: `Index into ${OPEN_WORK_SLA.join(', ')}` }),
    status: z.array(code).meta({ description: `Index into ${OPEN_WORK_STATUS.join(', ')}` }),
    priority: z.array(code).meta({ description: `Index into ${OPEN_WORK_PRIORITY.join(', ')}` }),
    assignee: z.array(z.number().int().min(-1)).meta({ description: 'Index into assignees; -1: nobody' }),
    assignees: z.array(z.string()).meta({ description: 'The assignee ids the rows refer to' }),
  })
  .meta({ id: 'OpenWork' });
export type OpenWorkDto = z.infer<typeof OpenWork>;
