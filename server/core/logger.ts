import pino, { type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from './redact.js';

/**
 * The host's logger. Every line passes through redactSecrets just before it is written, whatever
 * logged it (pino-http's request lines, error middleware, services): one place that no new log call
 * can bypass. `destination` lets tests capture the log text.
 */
export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  const options = { level: opts.level, base: { app: 'depotdesk-host' }, hooks: { streamWrite: redactSecrets } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
