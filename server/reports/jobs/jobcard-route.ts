import type { Response } from 'express';
import type { Host } from '../../core/context.js';
import { NotFoundError } from '../../errors.js';
import { chainHead } from '../../../db/audit-chain.js';
import { chainHeadText, stamp, whereOf } from '../pdf/format.js';
import { loadJobcard } from '../pdf/jobcard-data.js';
import { renderJobcards } from '../pdf/jobcard.js';

/**
 * One jobcard, rendered on the request: a page or two with thumbnails takes tens of milliseconds,
 * less than handing it to a worker would. Batches go through POST /reports/jobs.
 */
export async function sendJobcard(
  host: Host,
  orgId: string,
  workOrderId: string,
  res: Response,
  opts: { forCustomer: boolean },
): Promise<void> {
  const card = loadJobcard(host.sqlite, host.dataDir, orgId, workOrderId);
  if (!card) throw new NotFoundError('work order', workOrderId);
  const now = host.clock.now();
  res.status(200).set({
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`jobcard-${card.wo.number}.pdf`)}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  const witness = chainHeadText(chainHead(host.sqlite, orgId), whereOf(card.wo));
  await renderJobcards(
    [card],
    res,
    { now, forCustomer: opts.forCustomer, witness },
    `${card.orgName} · Jobcard ${card.wo.number} · generated ${stamp(now, whereOf(card.wo))}`,
  );
}
