import type { ErrorRequestHandler, Request, Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.js';

/**
 * The hub's problem+json (RFC 9457), the same shape as the depot's (server/http/errors-middleware.ts),
 * so the depot's sync client reads one error model from both.
 */
export const HubProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(req: Request, res: Response, err: AppError): void {
  res
    .status(err.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://depotdesk.invalid/problems/${err.code}`,
        title: TITLES[err.status] ?? 'Error',
        status: err.status,
        detail: err.message,
        code: err.code,
        instance: req.originalUrl,
        requestId: req.requestId,
        ...(err.errors.length ? { errors: err.errors } : {}),
        ...err.extra,
      }),
    );
}

/** body-parser's and the router's own refusals (bad JSON, too large, a malformed %-escape) as problems. */
function fromFramework(err: { type?: string; status?: unknown; limit?: number; name?: string; message?: string }): AppError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', `The request body is not valid JSON: ${err.message ?? ''}`.trim());
    case 'entity.too.large':
      return new AppError(413, 'body_too_large', `The request body is larger than the ${err.limit ?? ''} bytes this endpoint accepts.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', 'This body encoding or charset is not accepted.');
  }
  const status = typeof err.status === 'number' ? err.status : null;
  if (status === null || status < 400 || status > 499) return null;
  if (err.name === 'URIError') {
    return new AppError(400, 'malformed_path', 'The request path holds a malformed %-escape (e.g. "%ff"). Percent-encode it as UTF-8.');
  }
  return new AppError(status, status === 400 ? 'bad_request' : `http_${status}`, TITLES[status] ?? 'The request was refused.');
}

/** Registered last. Never a stack trace to a client; unknown errors are logged with the request id. */
export function hubErrorMiddleware(logError: (err: unknown, requestId: string) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      logError(err, req.requestId);
      res.end();
      return;
    }
    const known = err instanceof AppError ? err : fromFramework(err as Record<string, never>);
    if (known) return sendProblem(req, res, known);
    logError(err, req.requestId);
    sendProblem(
      req,
      res,
      new AppError(500, 'internal_error', 'Something went wrong on the hub. The error was logged with this request id.'),
    );
  };
}
