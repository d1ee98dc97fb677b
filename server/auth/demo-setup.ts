import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Host } from '../core/context.js';
import { AppError, ConflictError } from '../errors.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { DemoSetupRequest, LoginResponse } from './contract.js';
import { assertSetupFromDesk, retireSetupCode } from './setup-code.js';
import { login, setupNeeded } from './service.js';
import { DEMO_PASSWORDS } from '../seed/catalog-people.js';
import { REGION } from '../seed/region.js';

const demoEmail = (role: string) => `${role}@${REGION.emailDomain}`;
const DEMO_ADMIN = { email: demoEmail('admin'), password: DEMO_PASSWORDS.admin };
/** Every demo role's login; one technician has the plain address (server/seed/catalog-people.ts). */
const DEMO_LOGINS = (['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'] as const).map((role) => ({
  role,
  email: demoEmail(role),
  password: DEMO_PASSWORDS[role],
}));

/**
 * The seeder runs in a child process: it drives ~17,000 service calls synchronously, which would
 * stall this host's event loop (health checks, sockets) for the whole time if run in-process.
 * From the bundle it is the sibling seed.js; from source it is server/seed/cli.ts under tsx.
 */
function seedCommand(dataDir: string): [string, string[]] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'seed.js');
  const args = ['--demo', '--data-dir', dataDir, '--seed', '2026'];
  if (fs.existsSync(bundled)) return [process.execPath, [bundled, ...args]];
  const source = path.resolve(here, '../seed/cli.ts');
  return [process.execPath, ['--import', 'tsx', source, ...args]];
}

let running: Promise<void> | null = null;
/** How far the running seeder is (its `progress done total` lines), for GET /setup/demo/progress. */
let progress: { startedAt: number; done: number; total: number } | null = null;

function runSeeder(host: Host): Promise<void> {
  const [cmd, args] = seedCommand(host.dataDir);
  progress = { startedAt: Date.now(), done: 0, total: 0 };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEPOTDESK_SEED_PROGRESS: '1' } });
    let stderr = '';
    let partial = '';
    child.stderr.on('data', (c: Buffer) => {
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^progress (\d+) (\d+)$/.exec(line);
        if (m && progress) {
          progress.done = Number(m[1]);
          progress.total = Number(m[2]);
        } else if (line) stderr = `${stderr}${line}\n`.slice(-2000);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`demo seeding failed (exit ${code}): ${stderr.trim()}`))));
  });
}

export const demoSetupRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/setup/demo',
    tag: 'Sign-in',
    access: 'public',
    status: 201,
    summary:
      'First run, at the desk only: load the demo depot (Bristol & Bath) instead of an empty organization with the one-time setup code; signs in as its admin',
    body: DemoSetupRequest,
    response: LoginResponse.extend({ logins: z.array(z.object({ role: z.string(), email: z.string(), password: z.string() })) }),
    errors: [403, 409],
    // A second call while one runs joins it; after it, setup is no longer needed and the call is refused.
    idempotent: false,
    handler: async ({ host, config, req, body }) => {
      assertSetupFromDesk(host, req, body.setupCode);
      if (!running) {
        if (!setupNeeded(host)) throw new ConflictError('already_set_up', 'This depot host is already set up; sign in instead.');
        running = runSeeder(host)
          .then(() => retireSetupCode(host))
          .finally(() => {
            running = null;
            progress = null;
          });
      }
      try {
        await running;
      } catch (err) {
        throw new AppError(500, 'demo_seed_failed', (err as Error).message);
      }
      const session = await login(host, DEMO_ADMIN, { userAgent: req.get('user-agent'), ip: req.ip, ttlHours: config.sessionTtlHours });
      return {
        ...session,
        logins: DEMO_LOGINS,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/setup/demo/progress',
    tag: 'Sign-in',
    access: 'public',
    summary: "How far the demo depot's loading is (for the setup page's progress bar); running false when none runs",
    response: z.object({
      running: z.boolean(),
      /** Service calls made of all (the seeder drives the real services), 0 of 0 while the catalog is built. */
      done: z.number().int(),
      total: z.number().int(),
      elapsedMs: z.number().int(),
    }),
    handler: async () =>
      progress
        ? { running: true, done: progress.done, total: progress.total, elapsedMs: Date.now() - progress.startedAt }
        : { running: false, done: 0, total: 0, elapsedMs: 0 },
  }),
];
