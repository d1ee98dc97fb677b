import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { bulkWorkOrders } from '../reports/test-data.js';
import { csvCell, csvLine } from './csv-format.js';
import { drainedOrClosed } from './csv-stream.js';
import { EventEmitter } from 'node:events';

describe('csv back-pressure', () => {
  it('when a slow client makes an export wait many times, then no listener is left behind after each wait', async () => {
    const res = new EventEmitter();
    for (let i = 0; i < 50; i++) {
      const waited = drainedOrClosed(res);
      res.emit('drain');
      await waited;
    }
    const closed = drainedOrClosed(res);
    res.emit('close');
    await closed;
    expect(res.listenerCount('drain') + res.listenerCount('close') + res.listenerCount('error')).toBe(0);
  });
});

describe('csv cells', () => {
  it('when a value has commas, quotes or line breaks, then it is quoted per RFC 4180', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'x\r\ny', null, 3.5, true])).toBe('a,"b,c","say ""hi""","x\r\ny",,3.5,true\r\n');
  });
  it('when text starts like a formula, then it is defused with an apostrophe, but negative numbers stay numbers', () => {
    expect(['=1+1', '+1', '-cmd', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(["'=1+1", "'+1", "'-cmd", "'@SUM(A1)", "'\tx"]);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(['a', 1])).toBe('"[""a"",1]"');
  });
});

let t: TestHost;
let world: World;
const N = 100_000;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-20T12:00:00Z' });
  world = await seedWorld(t);
  workOrderAt(world, 'DISPATCHED', { title: 'Mine, "quoted"' });
  bulkWorkOrders(t.host, world.orgId, N, { start: Date.parse('2026-01-01T00:00:00Z'), teamId: world.teams.bravo });
  // Let overdue keep-alive timers close idle sockets after the blocking load (see jobs.test.ts).
  await new Promise((resolve) => setTimeout(resolve, 20));
});
afterAll(() => t.close());

/** The body as sent, byte-order mark included (fetch's text() would drop it). */
async function csvOf(url: string, token: string): Promise<string> {
  const res = await fetch(t.url + url, { headers: { accept: 'text/csv', authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
}

function parse(csv: string): string[][] {
  // Enough of RFC 4180 for these tests: quoted fields with doubled quotes and embedded CRLF.
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && csv[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('Accept: text/csv on lists', () => {
  it('when 100k work orders are exported, then rows stream page by page and the retained heap stays flat', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const started = performance.now();
    const res = await fetch(`${t.url}/api/v1/work-orders?sort=number`, {
      headers: { accept: 'text/csv', authorization: `Bearer ${world.tokens.dispatcher}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="work-orders.csv"');
    let lines = 0;
    let chunks = 0;
    let firstAt = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (chunks === 0) firstAt = performance.now() - started;
      chunks += 1;
      // Only CRLF row ends contain a CR (descriptions hold bare LFs), and a CR is one byte: count, keep nothing.
      for (const byte of chunk) if (byte === 13) lines += 1;
      if (chunks % 25 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    const total = performance.now() - started;
    expect(lines).toBe(1 + N + 1);
    expect(chunks).toBeGreaterThan(50);
    expect(firstAt).toBeLessThan(total / 4);
    // Buffering 100k DTOs would retain hundreds of MB; streaming retains one page.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
  }, 120_000);

  it('when exported, then columns follow the schema, nested values are JSON, formulas are defused and scope applies', async () => {
    const text = await csvOf('/api/v1/work-orders?sort=-number&limit=5', world.tokens.tech1);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(text.slice(1));
    const header = rows[0]!;
    expect(header.slice(0, 4)).toEqual(['id', 'number', 'title', 'description']);
    // tech1 is in team Alpha: the bulk rows (team Bravo) are not theirs, whatever the limit says.
    expect(rows.length).toBe(2);
    const row = Object.fromEntries(header.map((h, i) => [h, rows[1]![i]]));
    expect(row.title).toBe('Mine, "quoted"');
    expect(row.checklist).toBe('[]');

    const all = parse((await csvOf('/api/v1/work-orders?sort=number', world.tokens.dispatcher)).slice(1));
    const titles = all.slice(1).map((r) => r[2]);
    expect(titles).toContain('\'=HYPERLINK("x") job 0, "quoted"');
    expect(all.slice(1).find((r) => r[3] === 'line one\nline two')).toBeTruthy();
    expect(all.length).toBe(N + 2);
  }, 120_000);

  it('when a catalog list is asked for as CSV, then it streams too, and JSON is unchanged without the header', async () => {
    const rows = parse((await csvOf('/api/v1/teams', world.tokens.dispatcher)).slice(1));
    expect(rows[0]).toContain('name');
    expect(
      rows
        .slice(1)
        .map((r) => r[rows[0]!.indexOf('name')])
        .sort(),
    ).toEqual(['Alpha', 'Bravo']);
    const json = await t.api('GET', '/api/v1/teams', { token: world.tokens.dispatcher });
    expect(json.body.items).toHaveLength(2);
  });
});
