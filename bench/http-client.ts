import http from 'node:http';

/**
 * The benches' HTTP client: node:http over a keep-alive agent. Node's fetch (undici's WHATWG layer)
 * cost the bench process ~0.7 ms of CPU per request here, on the same two cores as the host it
 * measures; a plain request costs a fraction of that, so the figures say more about the host.
 */
export interface BenchResponse {
  status: number;
  text: string;
}

export function benchAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets });
}

export function request(
  agent: http.Agent,
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<BenchResponse> {
  return new Promise((resolve, reject) => {
    const body = opts.body;
    const headers = body === undefined ? { ...opts.headers } : { ...opts.headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = http.request(url, { method: opts.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
