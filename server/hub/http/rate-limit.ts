import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../errors.js';
import type { HubDeps } from '../deps.js';

/**
 * Guessing a password or an enrolment code is slowed per client address: `attemptsPerMinute`
 * requests to the endpoint a minute, then 429 problem+json until the window moves on.
 */
export function attemptsLimiter(what: string): (deps: HubDeps) => RequestHandler {
  return (deps) =>
    rateLimit({
      windowMs: 60_000,
      limit: deps.config.attemptsPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next) =>
        next(new AppError(429, 'too_many_requests', `Too many ${what} attempts from this address; wait a minute.`)),
    });
}
