// The host's own browser security headers (server/http/security-headers.ts): every page it serves
// must work under its Content-Security-Policy with no violation, and refuse to be framed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO, PHONE, desktopPage, hostApi, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

let host: E2EHost;
let browser: Browser;
const api = hostApi(() => host.url);

beforeAll(async () => {
  host = await startHost({ seed: 300 });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** Collects CSP violations (the DOM event and Chromium's console report) and other console errors. */
async function watch(context: BrowserContext, page: Page): Promise<{ violations: string[]; errors: string[] }> {
  const seen = { violations: [] as string[], errors: [] as string[] };
  await context.exposeFunction('__cspViolation', (text: string) => seen.violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(t: string): void }).__cspViolation(
        `${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) seen.violations.push(m.text());
    else if (m.type() === 'error') seen.errors.push(m.text());
  });
  return seen;
}

describe('security headers in the browser', () => {
  it('when the console draws board, planning and map, opens the API docs and a share page, then no CSP violation is logged and nothing 404s', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    const seen = await watch(context, page);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    for (const view of ['board', 'planning', 'map']) {
      await page.getByTestId(`nav-${view}`).click();
      await page.locator(`[data-testid="view-${view}"] [data-state="ready"]`).first().waitFor({ timeout: 20_000 });
    }
    // maplibre's worker ran: the map canvas exists and has a size.
    await page.locator('.maplibregl-canvas').waitFor();

    const headers = (await page.request.get('/')).headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("worker-src 'self' blob:");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toBeUndefined();
    expect((await page.request.get('/favicon.ico')).status()).toBe(200);

    await page.goto('/api/docs');
    await page.locator('.swagger-ui .information-container').waitFor({ timeout: 20_000 });

    const { token } = await api.call<{ token: string }>('POST', '/auth/login', null, DEMO.dispatcher);
    const list = await api.call<{ items: { id: string }[] }>('GET', '/work-orders?limit=1', token);
    const share = await api.call<{ url: string }>('POST', `/work-orders/${list.items[0]!.id}/share`, token, {
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await page.goto(share.url);
    await page.locator('h1').first().waitFor();

    expect(seen.violations).toEqual([]);
    expect(seen.errors.filter((e) => /404|Failed to load/.test(e))).toEqual([]);
    await context.close();
  }, 120_000);

  it('when the crew view opens at phone size, then it runs under the policy with no violation', async () => {
    const context = await browser.newContext({ viewport: PHONE, baseURL: host.url, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const seen = await watch(context, page);
    const res = await page.goto('/crew/');
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.locator('[data-state="ready"]').first().waitFor();
    expect(seen.violations).toEqual([]);
    await context.close();
  });

  it('when another site frames the console, then the browser refuses to show it', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    const seen = await watch(context, page);
    // A page of another origin (another port on this machine: a route-fulfilled page would count as
    // public and be stopped by Chromium's local-network checks first) framing the console.
    const attacker = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe src="${host.url}/"></iframe>`),
    );
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      await expect.poll(() => seen.violations.join('\n')).toMatch(/frame-ancestors 'none'/);
    } finally {
      attacker.close();
    }
    const framed = page.frames().find((f) => f.url().startsWith(host.url));
    expect(
      (await framed
        ?.locator('#root')
        .count()
        .catch(() => 0)) ?? 0,
    ).toBe(0);
    await context.close();
  });
});
