import { defineRoute, type AnyRoute } from '../http/route.js';
import { OpenWork, OpenWorkQuery, TileParams, TilesetList, TilesetParams } from './contract.js';
import { openWork } from './open-work.js';
import { listTilesets, readTile, resolveTileset, tilesFolder } from './tilesets.js';

export const mapRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/map/open-work',
    summary:
      "The work orders the map draws, under the list's filters, as one columnar payload (parallel arrays); `ids` for a live update of a few",
    tag: 'Map',
    access: 'workorder:read',
    query: OpenWorkQuery,
    response: OpenWork,
    handler: ({ ctx, query }) => openWork(ctx, query),
  }),
  defineRoute({
    method: 'get',
    path: '/map/tilesets',
    summary: "Region tile files (MBTiles, PMTiles) found in the data folder's tiles/ folder",
    tag: 'Map',
    access: 'catalog:read',
    response: TilesetList,
    handler: ({ host }) => ({ items: listTilesets(host.dataDir), folder: tilesFolder(host.dataDir) }),
  }),
  defineRoute({
    method: 'get',
    path: '/map/tilesets/:name/tiles/:z/:x/:y',
    summary: 'One tile of an MBTiles file (XYZ addressing); 204 where the file has no tile',
    tag: 'Map',
    access: 'catalog:read',
    params: TileParams,
    response: null,
    raw: true,
    handler: ({ host, params, res }) => {
      const tile = readTile(resolveTileset(host.dataDir, params.name), params.z, params.x, params.y);
      if (!tile) {
        // maplibre treats 204 as "nothing here" without logging an error for every empty tile.
        res.status(204).end();
        return;
      }
      res.set({ 'Content-Type': tile.contentType, 'Cache-Control': 'private, max-age=3600' });
      if (tile.gzip) res.set('Content-Encoding', 'gzip');
      res.status(200).end(tile.data);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/map/tilesets/:name/file',
    summary: 'A PMTiles (or MBTiles) file itself, with HTTP range requests',
    tag: 'Map',
    access: 'catalog:read',
    params: TilesetParams,
    response: null,
    raw: true,
    handler: ({ host, params, res }) =>
      new Promise<void>((resolve, reject) => {
        const file = resolveTileset(host.dataDir, params.name);
        res.sendFile(
          file,
          { dotfiles: 'allow', acceptRanges: true, cacheControl: false, headers: { 'Cache-Control': 'private, max-age=3600' } },
          (err) => (err && !res.headersSent ? reject(err) : resolve()),
        );
      }),
  }),
];
