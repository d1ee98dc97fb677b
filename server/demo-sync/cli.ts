import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startSyncDemo, type SyncDemo } from './run.js';

const USAGE = `Usage: npm run demo:sync [-- --work-orders N] [--hub-port P] [--keep]
  A hub on a throwaway PostgreSQL cluster (Debian's postgresql) and two depots of one organization,
  each a real host process: A is the demo depot, enrolled; B joined at its first-run setup.
  Sign in to both consoles, change a work order in one and watch it arrive in the other.
  --work-orders N   work orders in depot A's demo (default: the small demo's ~2,000)
  --hub-port P      the hub's port (default: any free port; the depots' are always free ones)
  --keep            keep the depots' data dirs on Ctrl+C (printed); the cluster is always deleted`;

export function banner(demo: SyncDemo): string {
  const [a, b] = demo.depots;
  const depotLine = (d: (typeof demo.depots)[number]) => `  ${d.name}: ${d.url}/   sign in ${d.signIn.email} / ${d.signIn.password}`;
  return [
    '',
    'DepotDesk sync demo: one organization, two depots, one hub',
    depotLine(a),
    depotLine(b),
    `  Hub: ${demo.hub.url}/hub/v1/openapi.json   hub admin ${demo.hub.signIn.email} / ${demo.hub.signIn.password}`,
    `  Managers' view across both depots: ${demo.hub.url}/   (sign in as the hub admin)`,
    `  Set up in ${demo.steps.reduce((s, x) => s + x.seconds, 0).toFixed(1)} s: ${demo.steps.map((s) => `${s.short} ${s.seconds.toFixed(1)} s`).join(', ')}.`,
    "  Change a work order on one depot and open it on the other: the header shows each depot's sync state,",
    '  Settings → Sync shows refusals and conflicts. Ctrl+C stops everything.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'work-orders': { type: 'string' },
      'hub-port': { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const workOrders = values['work-orders'] === undefined ? undefined : Number(values['work-orders']);
  if (workOrders !== undefined && (!Number.isInteger(workOrders) || workOrders < 20 || workOrders > 100_000)) {
    throw new Error('--work-orders must be a whole number between 20 and 100,000.');
  }
  const hubPort = values['hub-port'] === undefined ? 0 : Number(values['hub-port']);
  if (!Number.isInteger(hubPort) || hubPort < 0 || hubPort > 65_535)
    throw new Error(`--hub-port must be a port number, not "${values['hub-port']}".`);
  const demo = await startSyncDemo({ workOrders, hubPort, keep: values.keep ?? false, say: (line) => console.error(line) });
  console.log(banner(demo));
  if (values.keep) console.log(`  Data dirs kept on stop: ${demo.depots.map((d) => d.dataDir).join('  ')}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.error('Stopping the depots, the hub and the cluster…');
    void demo.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Bundled, every module shares the bundle's import.meta.url: the build names the entry instead (hub/cli.ts).
const bundledAs = process.env.DEPOTDESK_BUNDLE_ENTRY;
const isEntry = bundledAs
  ? bundledAs === 'demo-sync'
  : Boolean(process.argv[1]) && import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isEntry) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.error(`\n${USAGE}`);
    process.exit(1);
  });
}
