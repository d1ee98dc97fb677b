import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hostEntry = path.join(root, 'dist/host/start.js');
const seedEntry = path.join(root, 'dist/host/seed.js');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface E2EHost {
  url: string;
  /** The one-time setup code a new depot prints (`#setup=` on its console line); null once set up. */
  setupCode: string | null;
  dataDir: string;
  stop(): Promise<void>;
}

/** Fills a temp data dir with the demo depot (small), through the real seed bundle. */
export function seedDemo(dataDir: string, workOrders = 300): void {
  const { status, stderr } = spawnSync(
    process.execPath,
    [seedEntry, '--demo', '--data-dir', dataDir, '--work-orders', String(workOrders), '--seed', '7'],
    {
      encoding: 'utf8',
    },
  );
  if (status !== 0) throw new Error(`seeding failed: ${stderr}`);
}

/** A real depot host on its own temp data dir and a free port; resolves when it says it listens. */
export async function startHost(opts: { seed?: number | false; lan?: boolean } = {}): Promise<E2EHost> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-e2e-'));
  if (opts.seed) seedDemo(dataDir, opts.seed);
  const lanArgs = opts.lan ? ['--lan-port', '0'] : ['--no-lan'];
  const child: ChildProcess = spawn(
    process.execPath,
    [hostEntry, '--data-dir', dataDir, '--port', '0', ...lanArgs, '--log-level', 'warn'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const { url, setupCode } = await new Promise<{ url: string; setupCode: string | null }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /console:\s+(http:\/\/[^/\s]+)\/(?:#setup=([\w-]+))?/.exec(out);
      if (match) resolve({ url: match[1]!, setupCode: match[2] ?? null });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`host exited (${code}) before listening:\n${out}`)));
  });
  return {
    url,
    setupCode,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export async function desktopPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, baseURL });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the real form and waits until the console shell is up. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor();
}

/** Settings → one of its tabs, waiting until that tab has loaded (`data-state="ready"`). */
export async function openSettingsTab(page: Page, tab: string): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await page.locator('[data-testid="admin-settings"][data-state="ready"]').waitFor();
  await page.getByTestId(`tab-${tab}`).click();
  await page.locator(`[data-testid="admin-settings"][data-tab="${tab}"][data-state="ready"]`).waitFor();
}

/** Demo logins made by `npm run seed -- --demo` (server/seed/catalog-people.ts). */
export const DEMO = {
  admin: { email: 'admin@avonvale.example', password: 'demo-admin-2026' },
  dispatcher: { email: 'dispatcher@avonvale.example', password: 'demo-dispatch-2026' },
  supervisor: { email: 'supervisor@avonvale.example', password: 'demo-supervisor-2026' },
  viewer: { email: 'viewer@avonvale.example', password: 'demo-viewer-2026' },
};

/**
 * The host's API as a script calls it, for tests that check what the host recorded. `raw` returns
 * the Response; `call` the parsed body, or throws with the host's answer. The URL is read lazily
 * because hosts start in `beforeAll`.
 */
export function hostApi(baseUrl: () => string) {
  const raw = (method: string, p: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    return fetch(`${baseUrl()}/api/v1${p}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  const call = async <T>(method: string, p: string, token: string | null, body?: unknown): Promise<T> => {
    const res = await raw(method, p, token, body);
    const data = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
  return { raw, call };
}
