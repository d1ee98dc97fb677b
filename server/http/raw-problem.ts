import { STATUS_CODES, type ServerResponse } from 'node:http';

/**
 * A problem+json answer written on the bare Node response, for the gates that run before Express
 * (the desk port's Host check, the crew port's path and origin gate). Same shape as the error
 * middleware's (http/errors-middleware.ts), so a client sees one error model whichever layer refused.
 */
export function writeProblem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({
    type: `https://depotdesk.invalid/problems/${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    detail,
  });
  res.writeHead(status, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}
