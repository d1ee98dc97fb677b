import fs from 'node:fs';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { and, desc, eq } from 'drizzle-orm';
import { reportRuns } from '../../../db/schema/index.js';
import type { Ctx } from '../../core/context.js';
import { iso } from '../../http/contract-common.js';
import type { ReportFileDto } from '../contract-exports.js';
import { reportsDir } from './manager.js';
import path from 'node:path';

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Sends a finished report as a download. */
export async function sendReport(res: Response, file: string, fileName: string): Promise<void> {
  const ext = path.extname(fileName).slice(1);
  res.status(200).set({
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Content-Length': String(fs.statSync(file).size),
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  await pipeline(fs.createReadStream(file), res);
}

/**
 * The org's finished report files, newest first. Listed from report_runs (not by reading the folder)
 * so a host serving several organizations never shows one org's files to another.
 */
export function listReportFiles(ctx: Ctx, limit = 100): ReportFileDto[] {
  const rows = ctx.host.db
    .select()
    .from(reportRuns)
    .where(and(eq(reportRuns.orgId, ctx.orgId), eq(reportRuns.state, 'done')))
    .orderBy(desc(reportRuns.createdAt), desc(reportRuns.id))
    .limit(limit * 2)
    .all();
  const dir = reportsDir(ctx.host.dataDir);
  const seen = new Set<string>();
  const out: ReportFileDto[] = [];
  for (const r of rows) {
    // A scheduled file rebuilt for the same period replaces the older one: list each name once.
    if (!r.fileName || seen.has(r.fileName) || !fs.existsSync(path.join(dir, r.fileName))) continue;
    seen.add(r.fileName);
    out.push({
      runId: r.id,
      kind: r.kind,
      fileName: r.fileName,
      sizeBytes: r.sizeBytes,
      scheduleId: r.scheduleId,
      createdAt: iso(r.createdAt),
      url: `/api/v1/reports/jobs/${r.id}/file`,
    });
    if (out.length >= limit) break;
  }
  return out;
}
