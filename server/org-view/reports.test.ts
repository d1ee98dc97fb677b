import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Host } from '../core/context.js';
import { AppError } from '../errors.js';
import { buildOrgReport, MAX_QUEUED_BUILDS } from './reports.js';

describe("the org's report builds", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-reports-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  // No database in the folder: each build fails in its worker, which is all the queue needs to settle.
  const host = { dataDir } as Host;
  const spec = { kind: 'kpi-pdf' as const, orgId: 'org', filters: {}, now: Date.parse('2026-12-01T00:00:00Z') };

  it('when a manager asks for more builds than the queue holds, then the extra ones are refused with 429 and the queue takes new ones once it drains', async () => {
    const accepted = Array.from({ length: MAX_QUEUED_BUILDS }, () => buildOrgReport(host, spec));
    const refused = buildOrgReport(host, spec);
    await expect(refused).rejects.toMatchObject({ status: 429, code: 'reports_busy' });
    await expect(refused).rejects.toBeInstanceOf(AppError);
    const settled = await Promise.allSettled(accepted);
    // They ran (and failed for want of a database), rather than being refused.
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).not.toBeInstanceOf(AppError);
    }
    await expect(buildOrgReport(host, spec)).rejects.not.toMatchObject({ code: 'reports_busy' });
  });
});
