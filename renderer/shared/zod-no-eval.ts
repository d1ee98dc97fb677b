import { z } from 'zod';

/**
 * The console and crew view run under a CSP without 'unsafe-eval'. Zod 4 probes for eval with
 * `Function('')` when it builds each object schema; the probe is caught, but Chromium still reports
 * a CSP violation. jitless skips the probe (and the compiled fast path a CSP forbids anyway). Each
 * entry imports this first, so it runs before any module builds a schema.
 */
z.config({ jitless: true });
