import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import express, { type Express, type Request } from 'express';
import type { Config } from './config.js';
import type { Host } from './core/context.js';
import { AppError } from './errors.js';
import { loadActor } from './auth/service.js';
import { loginRateLimiter } from './auth/routes.js';
import { errorMiddleware } from './http/errors-middleware.js';
import { mountStatic } from './http/static.js';
import { securityHeaders } from './http/security-headers.js';
import { requestLogging } from './http/request-log.js';
import { mountSharePages } from './reports/share/page.js';
import { mountResources } from './http/resources.js';
import { API_PREFIX, mountRoutes } from './http/mount.js';
import { buildOpenApi } from './http/openapi.js';
import { allRoutes } from './routes.js';
import type { AnyRoute } from './http/route.js';
import type { Services } from './services.js';

import { HOST_VERSION } from './version.js';

export { HOST_VERSION };

function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** Builds the depot host's HTTP app. No listening here (STYLE tree: app.ts builds, start.ts listens). */
export function buildApp(host: Host, config: Config, services: Services, routes: AnyRoute[] = allRoutes()): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    req.requestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.set('X-Request-Id', req.requestId);
    next();
  });
  app.use(securityHeaders());
  app.use(requestLogging(app, host.log));
  // Decided once, as requestLogging decides it: the level is set at start.
  const perRequestLines = host.log.isLevelEnabled('debug');
  app.use((req, res, next) => {
    const end = host.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (res.locals.routePath as string | undefined) ?? (req.path.startsWith('/api/') ? 'unmatched' : 'static');
      const labels = { method: req.method, route, status: String(res.statusCode) };
      end(labels);
      if (res.statusCode >= 400) host.metrics.httpErrors.inc({ ...labels, code: String(res.locals.errorCode ?? res.statusCode) });
      // Logged whatever the level (at debug, pino-http's own line says it).
      if (res.statusCode >= 500 && !perRequestLines) req.log.error({ res: { statusCode: res.statusCode } }, 'request failed');
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    const ok = host.sqlite.prepare('SELECT 1 AS ok').get() as { ok: number } | undefined;
    res.json({ status: ok?.ok === 1 ? 'ok' : 'degraded', version: HOST_VERSION, time: new Date(host.clock.now()).toISOString() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(host.metrics.registry.contentType).send(await host.metrics.registry.metrics());
  });

  const openapi = buildOpenApi(routes, HOST_VERSION);
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => res.json(openapi));
  mountApiDocs(app);

  app.use(API_PREFIX, express.json({ limit: config.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(API_PREFIX, (req, _res, next) => {
    const token = bearerToken(req);
    if (token) {
      const found = loadActor(host, token);
      if (!found) return next(new AppError(401, 'unauthorized', 'This token is unknown, expired or revoked. Sign in again.'));
      req.ctx = { host, orgId: found.orgId, actor: found.actor, requestId: req.requestId };
    }
    next();
  });
  app.post(
    `${API_PREFIX}/auth/login`,
    loginRateLimiter({
      perEmailPerMinute: config.loginAttemptsPerMinute,
      failuresPerAddressPerMinute: config.loginFailuresPerAddressPerMinute,
    }),
  );
  mountRoutes(app, host, config, services, routes);
  // Everything under /api (not only /api/v1: also /api/docs misses) is answered as problem+json, never HTML.
  app.use('/api', (req, _res, next) =>
    next(new AppError(404, 'no_such_endpoint', `There is no ${req.method} ${req.originalUrl.split('?')[0]} in the API. See /api/docs.`)),
  );

  // Customers' read-only status pages for share links (/s/<code>), outside the API and the console.
  mountSharePages(app, host);
  mountResources(app);
  mountStatic(app);

  app.use(errorMiddleware);
  return app;
}

/** Swagger UI from the swagger-ui-dist package: browsable docs with no network access. */
function mountApiDocs(app: Express): void {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DepotDesk API v1</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`);
  });
  app.get('/api/docs/init.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(
        `window.ui = SwaggerUIBundle({ url: '${API_PREFIX}/openapi.json', dom_id: '#swagger', deepLinking: true, persistAuthorization: true });`,
      );
  });
  app.use('/api/docs/assets', express.static(dist, { index: false, maxAge: '1d' }));
}
