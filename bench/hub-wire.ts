import type { PullPage, PushBatch } from '../server/sync/contract-protocol.js';

/**
 * Where the bytes of one change go on the wire (issue 15: ≤ 150 B per field change). Pure: the
 * bench hands it the JSON bodies its counting proxy saw (bench/hub-proxy.ts).
 */

export interface Part {
  name: string;
  bytes: number;
}

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * A push of one mutation: the body, the same batch with no mutations (its envelope), and the
 * mutation split into its header (id, seq, hlc, action, actor, at), each change by table, and its
 * audit rows. The parts add up to body − envelope, less the separators between them.
 */
export function pushParts(body: string): { body: number; envelope: number; mutations: number; parts: Part[] } {
  const batch = JSON.parse(body) as PushBatch;
  const parts: Part[] = [];
  for (const m of batch.mutations) {
    parts.push({ name: 'mutation header (id, seq, hlc, action, actorId, at)', bytes: size({ ...m, changes: [], audit: [] }) });
    for (const c of m.changes) parts.push({ name: `change ${c.t} (${c.op}: ${Object.keys(c.f ?? {}).join(', ')})`, bytes: size(c) });
    for (const a of m.audit) parts.push({ name: `audit row (${a.action})`, bytes: size(a) });
  }
  return { body: Buffer.byteLength(body), envelope: size({ ...batch, mutations: [] }), mutations: batch.mutations.length, parts };
}

/** A pull page: the body, the same page empty, and each row and fact by table. */
export function pullParts(body: string): { body: number; envelope: number; parts: Part[] } {
  const page = JSON.parse(body) as PullPage;
  const parts: Part[] = [
    ...page.rows.map((r) => ({ name: `row ${r.t} (${Object.keys(r.f).join(', ')})`, bytes: size(r) })),
    ...page.facts.map((f) => ({ name: `fact ${f.t}`, bytes: size(f) })),
  ];
  return { body: Buffer.byteLength(body), envelope: size({ ...page, rows: [], facts: [] }), parts };
}

/** The same parts over many bodies, by name, as a median per body (names with their values stripped). */
export function medianParts(lists: Part[][]): Part[] {
  const byName = new Map<string, number[]>();
  for (const list of lists) {
    const seen = new Map<string, number>();
    for (const p of list) seen.set(p.name, (seen.get(p.name) ?? 0) + p.bytes);
    for (const [name, bytes] of seen) byName.set(name, [...(byName.get(name) ?? []), bytes]);
  }
  return [...byName.entries()].map(([name, xs]) => ({ name, bytes: [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]! }));
}
