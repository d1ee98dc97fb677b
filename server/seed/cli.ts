import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../config.js';
import { seedDemo, SeedRefusedError, type SeedSize, type SeedSummary } from './seed.js';

const USAGE = `Usage: npm run seed -- --demo [--size small|large] [--data-dir DIR] [--force] [--seed N] [--work-orders N]

  --demo            build the demo depot (Bristol & Bath, UK): staff, teams, sites, assets, SLAs, work orders
  --size            small (~2,000 work orders, default) or large (~100,000, for benchmarks)
  --data-dir DIR    where the database lives (default: DEPOTDESK_DATA_DIR or ${defaultDataDir()})
  --force           replace a database that already holds a depot
  --seed N          seed of the random generator, for a reproducible depot (default 2026)
  --work-orders N   override the number of work orders`;

export interface CliOptions {
  dataDir: string;
  size: SeedSize;
  seed: number;
  force: boolean;
  workOrders: number | undefined;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      demo: { type: 'boolean' },
      size: { type: 'string' },
      'data-dir': { type: 'string' },
      force: { type: 'boolean' },
      seed: { type: 'string' },
      'work-orders': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError('');
  if (!values.demo) throw new UsageError('Only the demo depot can be seeded: pass --demo.');
  const size = values.size ?? 'small';
  if (size !== 'small' && size !== 'large') throw new UsageError(`--size must be "small" or "large", not "${size}".`);
  const seed = Number(values.seed ?? 2026);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer.');
  const workOrders = values['work-orders'] === undefined ? undefined : Number(values['work-orders']);
  if (workOrders !== undefined && (!Number.isInteger(workOrders) || workOrders < 20 || workOrders > 1_000_000)) {
    throw new UsageError('--work-orders must be a whole number between 20 and 1,000,000.');
  }
  const dataDir = path.resolve(values['data-dir'] ?? env.DEPOTDESK_DATA_DIR ?? defaultDataDir());
  return { dataDir, size, seed, force: values.force ?? false, workOrders };
}

class UsageError extends Error {}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

export function report(summary: SeedSummary, dataDir: string): string {
  const c = summary.counts;
  const out = [
    `Demo depot ready in ${dataDir} (${summary.seconds.total.toFixed(1)} s: catalog ${summary.seconds.catalog.toFixed(1)} s, work orders ${summary.seconds.drive.toFixed(1)} s).`,
    `  ${c.users} users in ${c.teams} teams, ${c.locations} locations, ${c.assets} assets, ${c.vehicles} vehicles, ${c.stock_items} stock items`,
    `  ${c.work_orders} work orders, ${c.work_order_events} events, ${c.audit_log} audit rows; integrity check: ${summary.integrity}`,
    `  by status: ${Object.entries(summary.statuses)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
  ];
  out.push(
    `  ${summary.steps} work-order service calls${summary.skipped ? ` (${summary.skipped} material bookings skipped: not enough stock)` : ''}`,
  );
  if (summary.failed)
    out.push(
      `  ${summary.failed} work-order steps were refused by the service: ${summary.errors.map(([k, n]) => `${k} ×${n}`).join('; ')}`,
    );
  out.push('', 'Demo logins:', table([['role', 'e-mail', 'password'], ...summary.logins.map((l) => [l.role, l.email, l.password])]));
  return out.join('\n');
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      if (message) console.error(message);
      console.error(USAGE);
      process.exit(message ? 2 : 0);
    }
    throw err;
  }
  console.log(`Seeding the ${opts.size} demo depot into ${opts.dataDir} (seed ${opts.seed})...`);
  // The console's demo button (server/auth/demo-setup.ts) reads these lines off stderr to show progress.
  const machineProgress = process.env.DEPOTDESK_SEED_PROGRESS === '1';
  const summary = await seedDemo({
    ...opts,
    log: (line) => console.log(line),
    ...(machineProgress ? { progress: (done: number, total: number) => process.stderr.write(`progress ${done} ${total}\n`) } : {}),
  });
  console.log(report(summary, opts.dataDir));
  if (summary.failed || summary.integrity !== 'ok') process.exitCode = 1;
}

// Bundled, every module shares the bundle's import.meta.url, so the build names the entry in
// DEPOTDESK_BUNDLE_ENTRY; from source, compare with argv[1]. Importing this file never runs main().
const bundledAs = process.env.DEPOTDESK_BUNDLE_ENTRY;
const isEntry = bundledAs
  ? bundledAs === 'seed'
  : Boolean(process.argv[1]) && import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isEntry) {
  main().catch((err: unknown) => {
    console.error(err instanceof SeedRefusedError ? err.message : `Seeding failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  });
}
