import type { Duplex } from 'node:stream';

/**
 * Node's HTTP parser refuses some requests before Express ever sees them (headers over
 * --max-http-header-size, a garbled request line, a header timeout) and by default answers with a
 * bare status line and no body. This answers them in the API's error model instead (RFC 9457
 * problem+json, DESIGN invariant 5), so a client always gets the same shape. Wired on every server
 * we create: server/start.ts (loopback), server/lan/listener.ts (crew port), server/testing/harness.ts.
 *
 * Node's parser error codes: https://nodejs.org/api/http.html#event-clienterror
 */

interface ClientProblem {
  status: number;
  title: string;
  code: string;
  detail: string;
}

function classify(err: NodeJS.ErrnoException): ClientProblem {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        title: 'Request Header Fields Too Large',
        code: 'headers_too_large',
        detail: 'The request headers are larger than this host accepts. Send fewer or shorter headers (cookies included).',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        title: 'Content Too Large',
        code: 'chunk_extensions_too_large',
        detail: 'The chunk extensions of this request are larger than this host accepts.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, title: 'Request Timeout', code: 'request_timeout', detail: 'The request was not received in time.' };
    default:
      return { status: 400, title: 'Bad Request', code: 'malformed_request', detail: 'The request could not be parsed as HTTP.' };
  }
}

/** The raw HTTP/1.1 response, with a body, for a request Node's parser refused. Exported for tests. */
export function clientErrorResponse(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): string {
  const p = classify(err);
  const body = JSON.stringify({
    type: `https://depotdesk.invalid/problems/${p.code}`,
    title: p.title,
    status: p.status,
    detail: p.detail,
    code: p.code,
  });
  // A response to HEAD has no body (RFC 9110 §9.3.2); a client reading one would take it for the next response.
  const head = err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  return [
    `HTTP/1.1 ${p.status} ${p.title}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    head ? '' : body,
  ].join('\r\n');
}

/** A server's 'clientError' listener: `server.on('clientError', answerClientError)`. */
export function answerClientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
  // A peer that reset the connection, or a socket already closed, has nobody left to answer.
  // `_httpMessage` is Node's own marker of a response in progress on this socket (its default
  // handler checks the same): writing a second status line into it would corrupt that response.
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(err));
}
