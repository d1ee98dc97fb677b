import type pg from 'pg';

/** What every hub route and service is handed (built once where the hub starts: cli.ts, or a test). */
export interface HubDeps {
  pool: pg.Pool;
  /** Epoch ms; tests set it (enrolment codes expire, sessions expire). */
  now: () => number;
  config: HubConfig;
  /** Where unexpected errors go (the request id is in the problem the client gets). */
  logError: (err: unknown, requestId: string) => void;
}

export interface HubConfig {
  /** JSON bodies larger than this are a 413. Push batches (server/hub/sync/) may set their own. */
  bodyLimitBytes: number;
  /** Sign-in and enrolment attempts per client address per minute (codes and passwords are guessable only slowly). */
  attemptsPerMinute: number;
  sessionTtlMs: number;
  enrolmentCodeTtlMs: number;
}

export const DEFAULT_HUB_CONFIG: HubConfig = {
  bodyLimitBytes: 1024 * 1024,
  attemptsPerMinute: 20,
  sessionTtlMs: 12 * 3600_000,
  enrolmentCodeTtlMs: 24 * 3600_000,
};
