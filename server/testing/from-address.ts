import http from 'node:http';

/**
 * One HTTP request sent from a chosen local address (127.0.0.2, 127.0.0.3, …: Linux routes all of
 * 127.0.0.0/8 to loopback), so a test host listening on 127.0.0.1 sees distinct clients in req.ip
 * the way it would see devices on the LAN. Limits keyed by address are exercised for real.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: o.method ?? 'GET',
        headers: o.headers,
        localAddress,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
