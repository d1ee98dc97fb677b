import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';
import { OptimiseJobs } from './jobs.js';
import type { WorkerInput, WorkerMessage } from './protocol.js';

let t: TestHost;
let world: World;
const RANGE = { from: '2026-11-17T00:00:00Z', to: '2026-11-18T00:00:00Z' };

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-16T07:00:00Z' });
  world = await seedWorld(t);
});
afterAll(() => t.close());

/** A worker that does nothing until told: the run's states can be driven one message at a time. */
class FakeWorker extends EventEmitter {
  terminated = false;
  constructor(readonly input: WorkerInput) {
    super();
  }
  send(m: WorkerMessage) {
    this.emit('message', m);
  }
  terminate() {
    this.terminated = true;
    this.emit('exit', 1);
    return Promise.resolve(1);
  }
}

function fakeJobs() {
  const workers: FakeWorker[] = [];
  // The fake stands in for a real thread; only the events and terminate() are used.
  const jobs = new OptimiseJobs((input) => {
    const w = new FakeWorker(input);
    workers.push(w);
    return w as unknown as Worker;
  });
  return { jobs, workers };
}

describe('optimiser runs', () => {
  it('when a run reports progress and is then cancelled mid-search, then the worker is stopped and the run reads cancelled', async () => {
    const { jobs, workers } = fakeJobs();
    const run = jobs.start(world.ctx, RANGE);
    workers[0]!.send({ type: 'progress', progress: 0.4, message: 'Searching' });
    expect([run.state, run.progress, run.message]).toEqual(['running', 0.4, 'Searching']);
    jobs.cancel(world.ctx, run.id);
    await run.settled;
    expect(workers[0]!.terminated).toBe(true);
    expect([run.state, run.proposal]).toEqual(['cancelled', null]);
    // A late message from the stopped thread changes nothing.
    workers[0]!.send({ type: 'progress', progress: 0.9, message: 'late' });
    expect(run.state).toBe('cancelled');
  });

  it('when a second run starts for the same org, then the first is cancelled; a worker that dies is a failed run', async () => {
    const { jobs, workers } = fakeJobs();
    const first = jobs.start(world.ctx, RANGE);
    const second = jobs.start(world.ctx, { ...RANGE, teamId: world.teams.alpha });
    await first.settled;
    expect([first.state, first.message, workers[0]!.terminated]).toEqual(['cancelled', 'Replaced by a newer run', true]);
    expect(workers[1]!.input.instance.crews.map((c) => c.id)).toEqual([world.people.tech1]);
    workers[1]!.emit('exit', 1);
    await second.settled;
    expect(second.state).toBe('failed');
  });
});
