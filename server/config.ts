import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { REPLAY_HORIZON_DAYS_DEFAULT } from './sync/contract.js';

const port = z.coerce.number().int().min(0).max(65535);

/** One validated config (STYLE 13): flags win over DEPOTDESK_* environment, which wins over defaults. */
export const ConfigSchema = z.object({
  dataDir: z.string().min(1),
  port: port.default(4400),
  host: z.string().default('127.0.0.1'),
  lanPort: port.default(4443),
  lan: z.boolean().default(true),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest JSON body accepted; anything bigger is refused with 413 before it is parsed. */
  bodyLimitBytes: z.coerce.number().int().positive().default(1_000_000),
  sessionTtlHours: z.coerce
    .number()
    .positive()
    .default(24 * 14),
  loginAttemptsPerMinute: z.coerce.number().int().positive().default(10),
  /** Failed sign-ins per client address per minute across all e-mails (password spraying). */
  loginFailuresPerAddressPerMinute: z.coerce.number().int().positive().default(30),
  /** Open serial ports for telemetry; off (--no-serial, DEPOTDESK_SERIAL=0) in tests and hub mode. */
  serial: z.boolean().default(true),
  /** Backup folder (a USB drive or network share works); unset = `<dataDir>/backups`. */
  backupDir: z.string().min(1).optional(),
  /** Nightly and on-quit backups (--no-backups, DEPOTDESK_BACKUPS=0 turn them off; manual ones still work). */
  backups: z.boolean().default(true),
  /**
   * How far ahead of this depot's clock another node's HLC stamp may be before it is refused
   * (server/core/hlc.ts): one bad clock must not drag every later local stamp into its future.
   */
  hlcMaxDriftMs: z.coerce.number().int().positive().default(60_000),
  /**
   * How long a crew phone may stay offline and still replay its actions safely: mutation headers
   * (whose id is the action's Idempotency-Key) are kept at least this long, and the crew outbox
   * expires older actions instead of sending them.
   */
  replayHorizonDays: z.coerce.number().int().min(1).max(3650).default(REPLAY_HORIZON_DAYS_DEFAULT),
});
export type Config = z.infer<typeof ConfigSchema>;

export function defaultDataDir(): string {
  return path.join(os.homedir(), '.depotdesk');
}

/** Where each setting comes from, as a person typed it: an error names these, not the config key. */
const SOURCES: Partial<Record<keyof Config, string>> = {
  dataDir: '--data-dir / DEPOTDESK_DATA_DIR',
  port: '--port / DEPOTDESK_PORT',
  host: '--host / DEPOTDESK_HOST',
  lanPort: '--lan-port / DEPOTDESK_LAN_PORT',
  logLevel: '--log-level / DEPOTDESK_LOG_LEVEL',
  bodyLimitBytes: 'DEPOTDESK_BODY_LIMIT_BYTES',
  sessionTtlHours: 'DEPOTDESK_SESSION_TTL_HOURS',
  loginAttemptsPerMinute: 'DEPOTDESK_LOGIN_ATTEMPTS_PER_MINUTE',
  loginFailuresPerAddressPerMinute: 'DEPOTDESK_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE',
  backupDir: '--backup-dir / DEPOTDESK_BACKUP_DIR',
  hlcMaxDriftMs: 'DEPOTDESK_HLC_MAX_DRIFT_MS',
  replayHorizonDays: 'DEPOTDESK_REPLAY_HORIZON_DAYS',
};

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'lan-port': { type: 'string' },
      'no-lan': { type: 'boolean' },
      'log-level': { type: 'string' },
      'no-serial': { type: 'boolean' },
      'backup-dir': { type: 'string' },
      'no-backups': { type: 'boolean' },
    },
  });
  const raw = {
    dataDir: values['data-dir'] ?? env.DEPOTDESK_DATA_DIR ?? defaultDataDir(),
    port: values.port ?? env.DEPOTDESK_PORT,
    host: values.host ?? env.DEPOTDESK_HOST,
    lanPort: values['lan-port'] ?? env.DEPOTDESK_LAN_PORT,
    lan: values['no-lan'] ? false : env.DEPOTDESK_LAN === '0' ? false : undefined,
    logLevel: values['log-level'] ?? env.DEPOTDESK_LOG_LEVEL,
    bodyLimitBytes: env.DEPOTDESK_BODY_LIMIT_BYTES,
    sessionTtlHours: env.DEPOTDESK_SESSION_TTL_HOURS,
    loginAttemptsPerMinute: env.DEPOTDESK_LOGIN_ATTEMPTS_PER_MINUTE,
    loginFailuresPerAddressPerMinute: env.DEPOTDESK_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE,
    serial: values['no-serial'] ? false : env.DEPOTDESK_SERIAL === '0' ? false : undefined,
    backupDir: values['backup-dir'] ?? (env.DEPOTDESK_BACKUP_DIR || undefined),
    backups: values['no-backups'] ? false : env.DEPOTDESK_BACKUPS === '0' ? false : undefined,
    hlcMaxDriftMs: env.DEPOTDESK_HLC_MAX_DRIFT_MS,
    replayHorizonDays: env.DEPOTDESK_REPLAY_HORIZON_DAYS,
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const given = (raw as Record<string, unknown>)[key];
      return `  ${SOURCES[key as keyof Config] ?? key}: ${i.message}${typeof given === 'string' ? ` (given "${given}")` : ''}`;
    });
    throw new Error(`Invalid DepotDesk configuration:\n${lines.join('\n')}`);
  }
  return {
    ...parsed.data,
    dataDir: path.resolve(parsed.data.dataDir),
    ...(parsed.data.backupDir ? { backupDir: path.resolve(parsed.data.backupDir) } : {}),
  };
}
