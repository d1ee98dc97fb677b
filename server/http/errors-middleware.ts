import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError } from '../errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(req: Request, res: Response, err: AppError): void {
  res.locals.errorCode = err.code;
  res
    .status(err.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        // Extras first: an extension never overrides a problem's own members (a work order's
        // `status` once replaced the HTTP status, found by the API fuzz).
        ...err.extra,
        type: `https://depotdesk.invalid/problems/${err.code}`,
        title: TITLES[err.status] ?? 'Error',
        status: err.status,
        detail: err.message,
        code: err.code,
        instance: req.originalUrl,
        requestId: req.requestId,
        ...(err.errors.length ? { errors: err.errors } : {}),
      }),
    );
}

/** Maps body-parser's own failures (bad JSON, too large, wrong charset) onto our problem model. */
function fromParserError(err: { type?: string; status?: number; message?: string; limit?: number; name?: string }): AppError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', `The request body is not valid JSON: ${err.message ?? ''}`.trim());
    case 'entity.too.large':
      return new AppError(413, 'body_too_large', `The request body is larger than the ${err.limit ?? ''} bytes this endpoint accepts.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', err.message ?? 'Unsupported body encoding.');
    default:
      return fromFrameworkError(err);
  }
}

/**
 * Express's router and static file serving refuse bad requests with errors carrying a 4xx `status`
 * (http-errors style). The commonest is a malformed %-escape in a path parameter ("/s/%ff"), which
 * the router reports as a URIError: a client mistake, answered 400 and not logged as a crash.
 */
function fromFrameworkError(err: { status?: unknown; statusCode?: unknown; name?: string }): AppError | null {
  const status = typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : null;
  if (status === null || status < 400 || status > 499) return null;
  if (err.name === 'URIError')
    return new AppError(
      400,
      'malformed_path',
      'The request path holds a malformed %-escape (e.g. "%ff" or a cut-off "%E0%A4"). Percent-encode it as UTF-8.',
    );
  // The framework's own message may quote internals (file paths): say only what the status means.
  return new AppError(status, status === 400 ? 'bad_request' : `http_${status}`, TITLES[status] ?? 'The request was refused.');
}

/** Registered last (STYLE 9). Never sends a stack trace; unknown errors are logged with the request id. */
export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    req.log?.error({ err }, 'error after the response started');
    res.end();
    return;
  }
  const known = err instanceof AppError ? err : fromParserError(err as Record<string, never>);
  if (known) {
    sendProblem(req, res, known);
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  sendProblem(
    req,
    res,
    new AppError(500, 'internal_error', 'Something went wrong on the depot host. The error was logged with this request id.'),
  );
};
