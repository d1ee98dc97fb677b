import type http from 'node:http';
import { benchAgent, request } from './http-client.js';

/** Status-transition load: sequential latency, then sustained throughput with several clients. */

export interface Candidate {
  id: string;
  status: string;
}

/** A move a dispatcher may make from each field status, chosen so an order can be cycled indefinitely. */
export const NEXT: Record<string, { to: string; reason?: string }> = {
  DISPATCHED: { to: 'EN_ROUTE' },
  EN_ROUTE: { to: 'ON_SITE' },
  ON_SITE: { to: 'ON_HOLD', reason: 'Waiting for parts (bench)' },
  ON_HOLD: { to: 'ON_SITE' },
};

export interface LoadResult {
  sequential: number[];
  count: number;
  seconds: number;
  perSecond: number;
  errors: Map<string, number>;
}

interface Order {
  id: string;
  status: string;
  dead: boolean;
}

async function step(agent: http.Agent, url: string, token: string, order: Order, errors: Map<string, number>): Promise<number | null> {
  const next = NEXT[order.status];
  if (!next) {
    order.dead = true;
    return null;
  }
  const t0 = performance.now();
  const res = await request(agent, `${url}/api/v1/work-orders/${order.id}/transitions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(next),
  });
  const body = JSON.parse(res.text) as { status?: string; code?: string };
  const elapsed = performance.now() - t0;
  if (res.status !== 200) {
    const key = `${res.status} ${body.code ?? ''}`.trim();
    errors.set(key, (errors.get(key) ?? 0) + 1);
    order.dead = true;
    return null;
  }
  order.status = body.status ?? next.to;
  return elapsed;
}

export async function transitionLoad(
  url: string,
  token: string,
  candidates: Candidate[],
  opts: { sequential: number; concurrency: number; durationS: number },
): Promise<LoadResult> {
  if (candidates.length < opts.concurrency)
    throw new Error(`only ${candidates.length} work orders are in the field; the bench needs at least ${opts.concurrency}`);
  const orders: Order[] = candidates.map((c) => ({ ...c, dead: false }));
  const errors = new Map<string, number>();
  const agent = benchAgent(opts.concurrency);

  const sequential: number[] = [];
  for (let i = 0; sequential.length < opts.sequential && i < opts.sequential * 2; i++) {
    const order = orders[i % orders.length] as Order;
    if (order.dead) continue;
    const t = await step(agent, url, token, order, errors);
    if (t !== null) sequential.push(t);
  }

  // Each client owns its own orders, so clients never race each other for a version (no 409s by design).
  let count = 0;
  const started = performance.now();
  const deadline = started + opts.durationS * 1000;
  const cap = 200_000;
  const clients = Array.from({ length: opts.concurrency }, async (_, k) => {
    const mine = orders.filter((_, i) => i % opts.concurrency === k);
    for (let i = 0; performance.now() < deadline && count < cap; i++) {
      const order = mine[i % mine.length] as Order;
      if (mine.every((o) => o.dead)) return;
      if (order.dead) continue;
      if ((await step(agent, url, token, order, errors)) !== null) count++;
    }
  });
  await Promise.all(clients);
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return { sequential, count, seconds, perSecond: count / seconds, errors };
}
