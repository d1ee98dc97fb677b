import type { JobKind } from './kind.js';
import { reportBuildJob } from '../reports/jobs/durable.js';

/**
 * Every job kind this host runs. A kind's file declares it (server/jobs/kind.ts); listing it here is
 * what lets the runner claim its jobs. Jobs of a kind not listed (written by a newer version) wait.
 */
export const JOB_KINDS: readonly JobKind[] = [reportBuildJob];
