import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import compression from 'compression';
import helmet from 'helmet';
import { AppError } from '../errors.js';
import type { HubDeps } from './deps.js';
import { pingHub } from './db/pool.js';
import { buildHubOpenApi } from './http/openapi.js';
import { hubErrorMiddleware } from './http/problem.js';
import { HUB_PREFIX, mountHubRoute, type HubFeature } from './http/route.js';
import { accountsFeature } from './accounts/routes.js';
import { enrolmentFeature } from './enrolment/routes.js';
import { nodesFeature } from './nodes/routes.js';
import { syncFeature } from './sync/routes.js';
import { blobsFeature } from './blobs/routes.js';

export const HUB_VERSION = '0.1.0';

/** The hub's features, in mounting order. Adding one (e.g. server/hub/sync/routes.ts) is one entry here. */
export const HUB_FEATURES: HubFeature[] = [accountsFeature, enrolmentFeature, nodesFeature, syncFeature, blobsFeature];

/** Builds the hub's HTTP app; no listening here (serve.ts listens). */
export function buildHubApp(deps: HubDeps, features: HubFeature[] = HUB_FEATURES): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    req.requestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.set('X-Request-Id', req.requestId);
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(helmet());
  // Pull pages are JSON of repeated keys and ids: gzip makes a snapshot page several times smaller on
  // a depot's uplink. Small answers (pokes' pulls with nothing new, problems) stay as they are.
  app.use(compression({ threshold: 1024 }));

  app.get('/healthz', (_req, res, next) => {
    pingHub(deps.pool).then(
      (ok) =>
        res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', version: HUB_VERSION, time: new Date(deps.now()).toISOString() }),
      (err: unknown) => next(new AppError(503, 'database_unreachable', `The hub cannot reach its database: ${(err as Error).message}`)),
    );
  });
  const openapi = buildHubOpenApi(
    features.flatMap((f) => f.routes),
    HUB_VERSION,
  );
  app.get(`${HUB_PREFIX}/openapi.json`, (_req, res) => res.json(openapi));

  // A feature's own mounting runs before the hub's JSON parser, so it may parse its own bodies
  // (a push batch is larger than the 1 MB every other endpoint takes); the parser skips a parsed body.
  for (const f of features) f.mount?.(app, deps);
  app.use(HUB_PREFIX, express.json({ limit: deps.config.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  for (const f of features) for (const r of f.routes) mountHubRoute(app, deps, r);

  app.use((req, _res, next) =>
    next(
      new AppError(
        404,
        'no_such_endpoint',
        `There is no ${req.method} ${req.originalUrl.split('?')[0]} on the hub. See ${HUB_PREFIX}/openapi.json.`,
      ),
    ),
  );
  app.use(hubErrorMiddleware(deps.logError));
  return app;
}
