import type { Express, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { redactSecrets } from '../core/redact.js';

/** What a request's log lines say about it: never a token (/ws?token=) or a share code (/s/<code>). */
function describe(req: { method: string; url: string; id?: unknown; requestId?: string }) {
  return { id: req.id ?? req.requestId, method: req.method, url: redactSecrets(req.url) };
}

const CHILD = Symbol('requestLogger');
type WithChild = Request & { [CHILD]?: Logger };

/**
 * A line per request is for debugging (--log-level debug): then pino-http writes one for every
 * request. At the default level the terminal keeps the start-up banner and what went wrong, and
 * pino-http's per-request child logger and listeners (3 % of the host's CPU under the transition
 * load, for lines nobody wrote) are skipped: `req.log` is made only when something logs through it
 * (the error middleware), and server errors are logged where the response finishes (see app.ts).
 */
export function requestLogging(app: Express, log: Logger): RequestHandler {
  if (log.isLevelEnabled('debug')) {
    return pinoHttp({
      logger: log,
      genReqId: (req) => (req as Request).requestId,
      serializers: { req: describe },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'debug'),
    });
  }
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: WithChild): Logger {
      return (this[CHILD] ??= log.child({ req: describe(this) }));
    },
  });
  return (_req, _res, next) => next();
}
