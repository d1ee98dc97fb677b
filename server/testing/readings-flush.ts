import { systemCtx } from '../core/context.js';
import { IdRanges, writeMutation } from '../core/mutation-log.js';
import type { TestHost } from './harness.js';

/** `n` telemetry readings logged as one id range, as the telemetry pipeline logs a flush (values 20, 21, … at 1000, 1001, …). */
export function flushReadings(t: TestHost, orgId: string, n = 3): void {
  const ctx = systemCtx(t.host, orgId, 'telemetry');
  t.host.commits.run(() => {
    const ids = new IdRanges();
    const insert = t.host.sqlite.prepare(
      "INSERT INTO telemetry_readings (org_id, device_id, metric, value, unit, at, received_at) VALUES (?, 'dev-1', 'temp', ?, 'C', ?, ?)",
    );
    for (let i = 0; i < n; i++) ids.add(Number(insert.run(orgId, 20 + i, 1_000 + i, 1_000 + i).lastInsertRowid));
    writeMutation(ctx, {
      action: 'telemetry.batch',
      at: t.clock.now(),
      auditFrom: null,
      auditTo: null,
      changes: ids.changes('telemetry_readings'),
    });
  });
}
