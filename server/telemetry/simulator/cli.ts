import { parseArgs } from 'node:util';
import { FAULTS, PROFILES, runSimulator, type Fault, type Profile } from './runner.js';

/**
 * `npm run simulate -- --port PATH --profile gps|temperature|modbus [--rate HZ] [--baud N]
 *  [--duration S] [--fault garbage|flood|badchecksum] [--format kv|json] [--drift-after S] [--unit ID]`
 *
 * Pair it with a virtual port: `socat -d -d pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB`,
 * then `npm run simulate -- --port /tmp/ttyA --profile gps` and point a device at /tmp/ttyB.
 */

const USAGE =
  'usage: npm run simulate -- --port PATH --profile gps|temperature|modbus [--rate HZ] [--baud N] [--duration S] [--fault garbage|flood|badchecksum] [--format kv|json] [--drift-after S] [--unit ID]';

function fail(message: string): never {
  console.error(`simulate: ${message}\n${USAGE}`);
  process.exit(2);
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got ${raw}`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      port: { type: 'string' },
      profile: { type: 'string' },
      rate: { type: 'string' },
      baud: { type: 'string' },
      duration: { type: 'string' },
      fault: { type: 'string' },
      format: { type: 'string' },
      'drift-after': { type: 'string' },
      unit: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const v = parsed.values;
if (v.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!v.port) fail('--port is required');
if (!PROFILES.includes(v.profile as Profile)) fail(`--profile must be one of ${PROFILES.join(', ')}`);
if (v.fault !== undefined && !FAULTS.includes(v.fault as Fault)) fail(`--fault must be one of ${FAULTS.join(', ')}`);
if (v.format !== undefined && v.format !== 'kv' && v.format !== 'json') fail('--format must be kv or json');

const sim = runSimulator({
  path: v.port,
  profile: v.profile as Profile,
  rate: positive('rate', v.rate),
  baudRate: positive('baud', v.baud),
  durationS: positive('duration', v.duration),
  fault: (v.fault as Fault | undefined) ?? null,
  format: v.format as 'kv' | 'json' | undefined,
  driftAfterS: v['drift-after'] === undefined ? undefined : Number(v['drift-after']),
  unitId: positive('unit', v.unit),
  log: (line) => console.error(line),
});
const report = setInterval(
  () => console.error(`simulate: ${sim.stats.lines} lines, ${sim.stats.bytes} bytes, ${sim.stats.requests} requests answered`),
  10_000,
);
report.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void sim.stop());
await sim.done;
console.error(`simulate: done — ${sim.stats.lines} lines, ${sim.stats.bytes} bytes, ${sim.stats.requests} requests answered`);
process.exit(0);
