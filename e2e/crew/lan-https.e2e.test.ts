import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import { X509Certificate, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, DEMO, PHONE, launchBrowser, startHost, type E2EHost, hostApi } from '../fixtures.js';

/**
 * The crew view as a phone on the depot Wi-Fi meets it: the HTTPS LAN port at the address the
 * console's pairing QR code encodes, with the depot's own CA. The certificate chain is checked
 * with node:tls against the CA the host serves (what a phone installs). The browser runs twice:
 * with ignoreHTTPSErrors, as a phone whose user clicked through the warning (everything works but
 * the service worker, which browsers refuse on an untrusted certificate), and as a phone that trusts
 * the depot's certificate (the service worker registers for /crew/).
 */

interface LanInfo {
  crewUrl: string | null;
  origins: string[];
  fingerprint: string | null;
  problem: string | null;
}
interface Wo {
  id: string;
  number: string;
  status: string;
  assigneeId: string | null;
}
interface Ev {
  type: string;
  toStatus: string | null;
  actorId: string | null;
}

let host: E2EHost;
let browser: Browser;
let dispatcher: string;
let lan: LanInfo;
/** https://<LAN address>:<port>, from the crew URL the host advertises. */
let origin: string;

const { call } = hostApi(() => host.url);

/** A request to the LAN port. `ca: null` accepts any certificate (a phone that clicked through the warning). */
function lanRequest(
  p: string,
  opts: { ca: string | Buffer | null; method?: string; headers?: Record<string, string> },
): Promise<{ status: number; type: string | undefined; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${origin}${p}`,
      { method: opts.method ?? 'GET', headers: opts.headers, ...(opts.ca === null ? { rejectUnauthorized: false } : { ca: opts.ca }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A TLS handshake to the LAN port trusting only `ca`, checking the certificate names `name`. */
function handshake(
  address: string,
  port: number,
  name: string,
  ca: string | undefined,
): Promise<{ authorized: boolean; error: string | null; peer: tls.DetailedPeerCertificate | null }> {
  return new Promise((resolve) => {
    const isIp = /^[\d.]+$/.test(name);
    // An IP name is checked against the certificate's IP SANs (no SNI for it); a DNS name via servername.
    const socket = tls.connect({ host: address, port, ca, ...(isIp ? {} : { servername: name }) });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      resolve({ authorized: socket.authorized, error: socket.authorizationError ? String(socket.authorizationError) : null, peer });
      socket.end();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      resolve({ authorized: false, error: err.code ?? err.message, peer: null });
      socket.destroy();
    });
  });
}

beforeAll(async () => {
  host = await startHost({ seed: 300, lan: true });
  browser = await launchBrowser();
  dispatcher = (await call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher)).token;
  // What the console's "Pair a phone" panel reads to draw its QR code.
  lan = await call<LanInfo>('GET', '/lan', dispatcher);
  if (!lan.crewUrl) throw new Error(`the LAN listener did not start: ${lan.problem}`);
  origin = new URL(lan.crewUrl).origin;
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('crew view over the HTTPS LAN port', () => {
  it('when a phone downloads the depot CA the host serves, then its fingerprint is the one the console shows and the LAN certificate verifies against it for every advertised address', async () => {
    expect(lan.problem).toBeNull();
    expect(lan.crewUrl).toMatch(/^https:\/\/[^/]+:\d+\/crew\/$/);
    expect(lan.origins[0]).toBe(origin);

    // First visit: the phone does not trust anything yet, so it clicks through one warning to fetch the CA.
    const download = await lanRequest('/crew/depot-ca.crt', { ca: null });
    expect(download.status).toBe(200);
    expect(download.type).toBe('application/x-x509-ca-cert');
    expect(String(download.headers['content-disposition'])).toContain('depotdesk-ca.crt');
    const ca = new X509Certificate(download.body);
    // What the crew compares on the phone's install screen with the console / start-up banner.
    expect(ca.fingerprint256).toBe(lan.fingerprint);
    expect(ca.ca).toBe(true);
    expect(ca.toString()).toBe(new X509Certificate(fs.readFileSync(path.join(host.dataDir, 'tls', 'depot-ca.pem'))).toString());
    const caPem = ca.toString();

    const { hostname, port } = new URL(origin);
    const lanIp = hostname;
    // The advertised LAN address, then every other origin the listener accepts (loopback, host name, <name>.local).
    for (const o of lan.origins) {
      const name = new URL(o).hostname;
      const address = /^[\d.]+$/.test(name) ? name : lanIp; // names need no DNS here: SNI + SAN check against the LAN address
      const ok = await handshake(address, Number(port), name, caPem);
      expect(ok, `${name} verifies against the depot CA`).toMatchObject({ authorized: true, error: null });
      expect(ok.peer?.issuerCertificate?.fingerprint256, 'the chain ends at the downloaded CA').toBe(lan.fingerprint);
    }

    // …and the check is real: no CA → not trusted; a name the certificate does not carry → refused.
    const untrusted = await handshake(lanIp, Number(port), lanIp, undefined);
    expect(untrusted.authorized).toBe(false);
    expect(untrusted.error).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|unable to verify/i);
    const wrongName = await handshake(lanIp, Number(port), 'depot.evil.example', caPem);
    expect(wrongName.error).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('when anything but the crew paths is asked for on the LAN port, then it is not served; a foreign Origin is refused', async () => {
    const caPem = fs.readFileSync(path.join(host.dataDir, 'tls', 'depot-ca.pem'), 'utf8');
    const consoleHtml = await (await fetch(`${host.url}/`)).text();
    expect(consoleHtml).toContain('<title>DepotDesk</title>');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(consoleHtml)![1]!;

    // Served: the crew view, the API, the realtime hub's upgrade path, static assets, resources, health.
    const crewPage = await lanRequest('/crew/', { ca: caPem });
    expect(crewPage.status).toBe(200);
    expect(crewPage.body.toString()).toContain('DepotDesk crew');
    expect((await lanRequest('/healthz', { ca: caPem })).status).toBe(200);
    expect((await lanRequest('/api/v1/openapi.json', { ca: caPem })).status).toBe(200);
    expect((await lanRequest('/api/v1/auth/me', { ca: caPem })).status).toBe(401);
    expect((await lanRequest(asset, { ca: caPem })).status).toBe(200);
    expect((await lanRequest('/resources/icons/icon.png', { ca: caPem })).status).toBe(200);
    expect((await lanRequest('/crew/sw.js', { ca: caPem })).status).toBe(200);

    // Not served: the console and everything else, however the path is spelled.
    for (const p of [
      '/',
      '/index.html',
      '/metrics',
      '/console/index.html',
      '/crewx',
      '/CREW/',
      '/crew/../',
      '/crew/%2e%2e/',
      '/api/../metrics',
      '//',
      '///',
      '//evil/crew/',
    ]) {
      const res = await lanRequest(p, { ca: caPem });
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.body.toString(), p).not.toContain('<title>DepotDesk</title>');
    }
    // The host is still up after those.
    expect((await lanRequest('/healthz', { ca: caPem })).status).toBe(200);

    // A page from another site (a browser sends its Origin) gets 403 and no CORS header; its own origin passes.
    for (const method of ['GET', 'POST']) {
      const foreign = await lanRequest('/api/v1/auth/me', {
        ca: caPem,
        method,
        headers: { origin: 'https://evil.example', authorization: `Bearer ${dispatcher}` },
      });
      expect(foreign.status, method).toBe(403);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(foreign.body.toString())).toMatchObject({ code: 'cross_origin_refused' });
    }
    const lookalike = await lanRequest('/api/v1/auth/me', {
      ca: caPem,
      headers: { origin: `${origin}.evil.example`, authorization: `Bearer ${dispatcher}` },
    });
    expect(lookalike.status).toBe(403);
    const own = await lanRequest('/api/v1/auth/me', { ca: caPem, headers: { origin, authorization: `Bearer ${dispatcher}` } });
    expect(own.status).toBe(200);
  });

  it('when a phone that clicked through the certificate warning opens the pairing link, then it pairs, goes live over wss and its status step reaches the host, but gets no service worker', async () => {
    const dispatched = await call<{ items: Wo[] }>('GET', '/work-orders?status=DISPATCHED&limit=100', dispatcher);
    const wo = dispatched.items.find((w) => w.assigneeId)!;
    expect(wo, 'the demo depot has dispatched, assigned work').toBeTruthy();
    const pairing = await call<{ code: string; pairUrl: string }>('POST', '/pairing-codes', dispatcher, { userId: wo.assigneeId });
    // Exactly what renderer/console/admin/PairPhone.tsx puts in the QR code.
    const link = new URL(pairing.pairUrl, lan.crewUrl!).toString();
    expect(link).toBe(`${origin}/crew/#/pair?code=${pairing.code}`);

    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    // A clicked-through certificate is not enough for a service worker: the browser refuses it (README, Crews on the LAN).
    const swRefused = page.waitForEvent('console', (m) => m.text().includes('crew service worker not registered'));
    await page.goto(link);
    expect(await page.evaluate(() => [location.protocol, window.isSecureContext])).toEqual(['https:', true]);
    await page.locator('[data-testid="crew-pair"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('pair-code').textContent()).toBe(pairing.code);
    await page.getByTestId('pair-submit').tap();
    await page.locator('[data-testid="crew-my-work"][data-state="ready"]').waitFor();

    // Live over wss:// on the same LAN port.
    await page.locator('[data-testid="crew-connection"][data-state="live"]').waitFor();
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.every((u) => u.startsWith(`wss://${new URL(origin).host}/ws`))).toBe(true);

    await page.getByTestId(`crew-wo-${wo.number}`).tap();
    await page.locator('[data-testid="crew-work-order"][data-state="ready"]').waitFor();
    await page.getByTestId('crew-step-EN_ROUTE').tap();
    await page.locator('[data-testid="crew-work-order"][data-status="EN_ROUTE"]').waitFor();
    await page.locator('[data-testid="crew-pending"][data-count="0"]').waitFor({ state: 'attached' });
    await page.locator('[data-testid="crew-work-order"][data-host-status="EN_ROUTE"]').waitFor();

    const after = await call<Wo>('GET', `/work-orders/${wo.id}`, dispatcher);
    expect(after.status).toBe('EN_ROUTE');
    const events = (await call<{ items: Ev[] }>('GET', `/work-orders/${wo.id}/events`, dispatcher)).items;
    const moved = events.filter((e) => e.toStatus === 'EN_ROUTE');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.actorId).toBe(wo.assigneeId);

    // The page's own requests carry its own Origin and pass; the same page cannot reach the console.
    const consoleStatus = await page.evaluate(() => fetch('/', { cache: 'no-store' }).then((r) => r.status));
    expect(consoleStatus).toBe(404);
    expect((await swRefused).text()).toMatch(/SSL certificate error/);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration('/crew/').then((r) => r ?? null))).toBeNull();
    await context.close();
  });

  it('when the phone trusts the depot certificate, then the crew view installs its service worker for /crew/ on the HTTPS origin and it takes over the page', async () => {
    // Chromium here has no NSS tools to add the CA to its store, so it pins the server key the CA
    // signed instead (what web-platform-tests do for HTTPS): no certificate error, as on a phone
    // with the CA installed. The chain itself is checked with node:tls in the first test.
    const leaf = new X509Certificate(fs.readFileSync(path.join(host.dataDir, 'tls', 'depot-cert.pem')));
    expect(leaf.verify(new X509Certificate(fs.readFileSync(path.join(host.dataDir, 'tls', 'depot-ca.pem'))).publicKey)).toBe(true);
    const spki = createHash('sha256')
      .update(leaf.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64');
    const trusting = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spki}`],
    });
    try {
      const context = await trusting.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      await page.goto(lan.crewUrl!);
      await page.locator('[data-testid="crew-pair"][data-state="ready"]').waitFor();
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
      expect(scope).toBe(`${origin}/crew/`);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      const manifest = await page.evaluate(() =>
        fetch('/crew/manifest.webmanifest').then((r) => r.json() as Promise<{ scope?: string; start_url?: string }>),
      );
      expect(manifest.start_url ?? manifest.scope).toMatch(/^\/crew\//);
      await context.close();
    } finally {
      await trusting.close();
    }
  });
});
