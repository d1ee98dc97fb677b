import type { Request } from 'express';
import type { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type { HandlerInput, AnyRoute } from './route.js';
import { parsePart } from './route.js';
import { columnsOf, csvLine, keysOf, pageItemSchema, pick } from './csv-format.js';

/**
 * `Accept: text/csv` on any list endpoint: the route's own handler is called page after page
 * (following nextCursor at the largest page size), and each page is written out as CSV before the
 * next is read, waiting for the socket to drain. So a 100k-row export holds one page in memory,
 * the client sees rows from the first page on, and scoping, filters and sort are exactly the JSON list's.
 */

/** Rows per internal page: the largest `limit` lists accept. */
const PAGE = 500;

export function wantsCsv(req: Request, route: AnyRoute): boolean {
  if (route.method !== 'get' || route.raw) return false;
  const accept = req.get('accept') ?? '';
  return /\btext\/csv\b/i.test(accept) && pageItemSchema(route.response) !== null;
}

type Input = Omit<HandlerInput<unknown, unknown, unknown>, 'query'> & { query: Record<string, unknown> };

export async function streamCsv(route: AnyRoute, input: Input, rawQuery: unknown): Promise<void> {
  const { req, res } = input;
  const item = pageItemSchema(route.response) as z.ZodType;
  // The client's own limit is for paging JSON; a CSV export is the whole list from its cursor on,
  // read in the largest pages the list accepts (a list with a lower maximum keeps the client's limit).
  const base = { ...(rawQuery as Record<string, unknown>) };
  if ('limit' in input.query) {
    const bigger = route.query ? (route.query as z.ZodType).safeParse({ ...base, limit: String(PAGE) }) : null;
    if (bigger?.success) base.limit = String(PAGE);
  }
  const name = (req.path.split('/').filter(Boolean).pop() ?? 'export').replace(/[^\w.-]/g, '') || 'export';
  let columns = columnsOf(item);
  let cursor = input.query.cursor as string | undefined;
  let started = false;
  let closed = false;
  res.once('close', () => (closed = true));
  do {
    // Re-validated each time so a cursor the handler produced is checked like a client's would be.
    const pageQuery = parsePart('query', route.query, cursor ? { ...base, cursor } : base);
    const page = (await route.handler({ ...input, query: pageQuery })) as { items: Record<string, unknown>[]; nextCursor: string | null };
    if (!started) {
      columns ??= page.items[0] ? keysOf(page.items[0]) : [];
      res.status(200).set({
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="${name}.csv"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-store',
      });
      // The byte-order mark makes Excel read the file as UTF-8 ("Łódź", not "Å�Ã³dÅº").
      res.write(`\uFEFF${csvLine(columns)}`);
      started = true;
    }
    let chunk = '';
    for (const row of page.items) chunk += csvLine(columns!.map((c) => pick(row, c)));
    if (chunk && !res.write(chunk) && !closed) await drainedOrClosed(res);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && !closed);
  res.end();
}

/**
 * Resolves when the socket can take more, or is gone; removes both listeners either way. (A race of
 * two `once` promises left the loser's listeners behind on every wait, so a slow client on a large
 * export piled them up to a MaxListenersExceededWarning.)
 */
export function drainedOrClosed(res: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
