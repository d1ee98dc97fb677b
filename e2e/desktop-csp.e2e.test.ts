// The desktop shell adds main/security.ts's Content-Security-Policy to every response from the host,
// beside the host's own (server/http/security-headers.ts); a browser enforces both. The Electron window
// cannot run here, so Chromium stands in: each host response gets exactly the header the shell would
// add, and the console must load, sign in, go live and draw its views (board, planning Gantt, maplibre
// map with its worker) with no CSP violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { contentSecurityPolicy, withHeader } from '../main/security.js';
import { CHROMIUM_ARGS, DEMO, desktopPage, signIn, startHost, type E2EHost } from './fixtures.js';

let host: E2EHost;
let browser: Browser;

beforeAll(async () => {
  host = await startHost({ seed: 300 });
  // A response Playwright fulfils counts as coming from the public internet, so Chromium's Local
  // Network Access checks would block the page's loopback WebSocket: an artefact of the interception,
  // not of the policy (in Electron the page really comes from 127.0.0.1).
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks,LocalNetworkAccessChecksWebSockets'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('console under the desktop CSP', () => {
  it('when every host response carries the shell CSP, then the console signs in and draws board, planning and map without a violation', async () => {
    const origin = new URL(host.url).origin;
    const { context, page } = await desktopPage(browser, host.url);
    const violations: string[] = [];
    let closing = false;
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const consoleLog: string[] = [];
    page.on('console', (m) => {
      consoleLog.push(m.text());
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await context.route(`${origin}/**`, async (route) => {
      // A request still in flight when the context closes (a map tile, a poll) has nothing to fulfil:
      // its fetch or fulfil rejects once the page is gone, which is not a CSP finding.
      try {
        const response = await route.fetch();
        const headers = withHeader(response.headers(), 'Content-Security-Policy', contentSecurityPolicy(origin));
        await route.fulfill({ response, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')])) });
      } catch (err) {
        if (!closing) throw err;
      }
    });

    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password).catch((err: unknown) => {
      throw new Error(`${String(err)}\nconsole:\n${consoleLog.join('\n')}`);
    });
    const applied = await page.evaluate(async () => (await fetch('/')).headers.get('content-security-policy'));
    expect(applied).toContain("worker-src 'self' blob:");
    // Both policies reach the page, the host's own (helmet) and the shell's, and the console still works.
    expect(applied!.match(/frame-ancestors 'none'/g)).toHaveLength(2);
    for (const view of ['board', 'planning', 'map']) {
      await page.getByTestId(`nav-${view}`).click();
      await page.locator(`[data-testid="view-${view}"] [data-state="ready"]`).first().waitFor({ timeout: 20_000 });
    }
    // The map paints on a WebGL canvas once its worker has run.
    await page.locator('[data-testid="view-map"] canvas').first().waitFor();
    const inPage = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect([...violations, ...inPage]).toEqual([]);
    closing = true;
    await context.close();
  }, 90_000);
});
