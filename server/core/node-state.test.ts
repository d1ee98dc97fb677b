import { describe, expect, it } from 'vitest';
import { decideNodeState, hlcBefore, type DbFacts, type Fingerprint, type NodeState } from './node-state.js';

const here: Fingerprint = { host: 'depot-pc', dir: '/home/depot/.depotdesk', dev: '2049', ino: '131' };
const stamp = (wall: number, counter = 0, node = 'node-a') =>
  `${String(wall).padStart(15, '0')}:${String(counter).padStart(5, '0')}:${node}`;

function db(over: Partial<DbFacts> = {}): DbFacts {
  return {
    nodeId: 'node-a',
    epoch: 1,
    seqHigh: 120,
    hlcHigh: stamp(1_800_000_000_000),
    counters: {},
    fingerprint: here,
    epochRows: [1],
    restoredEpoch: null,
    ...over,
  };
}

function sidecar(over: Partial<NodeState> = {}): NodeState {
  return { nodeId: 'node-a', epoch: 1, seqHigh: 120, hlcHigh: stamp(1_800_000_000_000), fingerprint: here, ...over };
}

const decide = (d: DbFacts, s: NodeState | null, at: Fingerprint = here) =>
  decideNodeState({ db: d, sidecar: s, here: at, freshNodeId: 'node-new' });

describe('node identity and epochs', () => {
  it('when the database is new, then a new node starts epoch 1 for the first time', () => {
    const d = decide(db({ nodeId: null, epoch: 1, seqHigh: 0, hlcHigh: null, fingerprint: null, epochRows: [] }), null);
    expect(d).toMatchObject({ nodeId: 'node-new', epoch: 1, reason: 'first', newEpoch: true });
  });

  it('when the database and the sidecar agree, then the node carries on in its epoch and nothing is recorded', () => {
    const d = decide(db(), sidecar());
    expect(d).toMatchObject({ nodeId: 'node-a', epoch: 1, reason: null, newEpoch: false, seqHigh: 120 });
  });

  it('when the sidecar lags the database (a crash between two sidecar writes), then that is not a regression', () => {
    const d = decide(db({ seqHigh: 130, hlcHigh: stamp(1_800_000_000_500) }), sidecar());
    expect(d).toMatchObject({ epoch: 1, reason: null, seqHigh: 130 });
  });

  it('when a restore left its note, then the node continues in the epoch the restore chose and seq is raised past the replaced database', () => {
    const d = decide(
      db({ epoch: 3, seqHigh: 80, restoredEpoch: 3, epochRows: [1, 2], fingerprint: { ...here, ino: '999' } }),
      sidecar({ epoch: 3, seqHigh: 200 }),
    );
    expect(d).toMatchObject({ nodeId: 'node-a', epoch: 3, reason: 'restore', newEpoch: true, seqHigh: 200 });
  });

  it('when a backup from another machine is restored, then the node gets a new id', () => {
    const d = decide(db({ epoch: 2, restoredEpoch: 2, fingerprint: { ...here, host: 'old-pc' } }), sidecar({ epoch: 2 }));
    expect(d).toMatchObject({ nodeId: 'node-new', epoch: 2, reason: 'clone', newEpoch: true });
  });

  it('when the database is behind the sidecar on seq, then a regression starts a new epoch above every known one and seq resumes past the mark', () => {
    const d = decide(db({ seqHigh: 90, epochRows: [1, 2], epoch: 2 }), sidecar({ epoch: 2, seqHigh: 150 }));
    expect(d).toMatchObject({ nodeId: 'node-a', epoch: 3, reason: 'regression', newEpoch: true, seqHigh: 150 });
    expect(d.detail).toContain('seq 90 < 150');
  });

  it('when only the HLC mark is behind, then that is a regression too, and the clock resumes from the later mark', () => {
    const later = stamp(1_800_000_009_000, 4);
    const d = decide(db(), sidecar({ hlcHigh: later }));
    expect(d).toMatchObject({ epoch: 2, reason: 'regression', hlcHigh: later });
  });

  it('when work-order counters are behind the sidecar, then the higher values are kept for the new epoch', () => {
    const d = decide(
      db({ seqHigh: 10, counters: { 'org/work_order': 7 } }),
      sidecar({ woCounterHigh: { 'org/work_order': 12, 'org/work_order:AVM': 3 } }),
    );
    expect(d.counterHigh).toEqual({ 'org/work_order': 12, 'org/work_order:AVM': 3 });
  });

  it('when the database file is not where it was recorded (a copied data dir), then a new node id and a new epoch', () => {
    const copy: Fingerprint = { ...here, dir: '/media/usb/.depotdesk', ino: '77' };
    const d = decide(db({ epochRows: [1] }), sidecar(), copy);
    expect(d).toMatchObject({ nodeId: 'node-new', epoch: 2, reason: 'clone', newEpoch: true, seqHigh: 120 });
  });

  it('when the same folder holds a new inode (the file was moved aside and back), then it counts as a clone: only a node id is lost', () => {
    expect(decide(db(), sidecar(), { ...here, ino: '132' })).toMatchObject({ nodeId: 'node-new', reason: 'clone' });
  });

  it('when the database recorded no fingerprint yet (an upgrade), then the sidecar is the reference, and without either nothing is a clone', () => {
    expect(decide(db({ fingerprint: null }), sidecar({ fingerprint: { ...here, host: 'elsewhere' } }))).toMatchObject({ reason: 'clone' });
    expect(decide(db({ fingerprint: null }), null)).toMatchObject({ nodeId: 'node-a', reason: null });
  });

  it('when the sidecar is the legacy epoch file, then an older epoch in the database is a regression and an equal one is not', () => {
    const legacy = (epoch: number): NodeState => ({ nodeId: null, epoch, seqHigh: 0, hlcHigh: null, fingerprint: null });
    expect(decide(db({ epoch: 2, epochRows: [2] }), legacy(3))).toMatchObject({ epoch: 4, reason: 'regression' });
    expect(decide(db({ epoch: 2, epochRows: [2] }), legacy(2))).toMatchObject({ epoch: 2, reason: null });
  });

  it('when the sidecar names another node, then its marks do not count against this database', () => {
    const d = decide(db({ seqHigh: 5 }), sidecar({ nodeId: 'node-b', seqHigh: 900 }));
    expect(d).toMatchObject({ nodeId: 'node-a', reason: null, seqHigh: 5 });
  });

  it('when the current epoch has no node_epochs row (a database from before them), then it is recorded without starting a new one', () => {
    expect(decide(db({ epoch: 3, epochRows: [] }), null)).toMatchObject({ epoch: 3, reason: 'first', newEpoch: false });
  });

  it('when HLC stamps are compared, then only time and counter count, not the node', () => {
    expect(hlcBefore(stamp(5, 1, 'zzz'), stamp(5, 2, 'aaa'))).toBe(true);
    expect(hlcBefore(stamp(5, 2, 'aaa'), stamp(5, 2, 'zzz'))).toBe(false);
    expect(hlcBefore(null, stamp(1))).toBe(true);
    expect(hlcBefore(stamp(1), null)).toBe(false);
  });
});
