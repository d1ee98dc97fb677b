import { describe, expect, it } from 'vitest';
import type { SyncStatusDto } from '../../../server/sync/contract';
import {
  actionText,
  ago,
  driftText,
  enrolErrorText,
  heldText,
  inTime,
  issuesText,
  latest,
  retryOverdue,
  syncBadge,
  transportText,
} from './status-label';

/** Counts as an en-GB depot writes them. */
const enGB = (n: number) => n.toLocaleString('en-GB');

const now = Date.parse('2026-11-20T12:00:00Z');
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();

const online: SyncStatusDto = {
  enrolled: true,
  hubUrl: 'https://hub.example.org',
  hubOrgId: '0190c2a4-0000-7000-8000-000000000001',
  phase: 'online',
  live: true,
  paused: false,
  pending: 0,
  lastPushAt: at(300),
  lastPullAt: at(120),
  lastError: null,
  refusals: 0,
  conflicts: 0,
  pullCursor: 42,
  nextAttemptAt: null,
  held: { entries: 0, names: [] },
  drift: null,
};

describe('relative times', () => {
  it('when a time is seconds, minutes, hours or days ago, then it reads as people say it', () => {
    expect(ago(at(10), now)).toBe('just now');
    expect(ago(at(60), now)).toBe('1 min ago');
    expect(ago(at(120), now)).toBe('2 min ago');
    expect(ago(at(59 * 60), now)).toBe('59 min ago');
    expect(ago(at(3 * 3600 + 600), now)).toBe('3 h ago');
    expect(ago(at(2 * 86400 + 10), now)).toBe('2 d ago');
    expect(ago(null, now)).toBeNull();
  });

  it('when the host clock is a little ahead of the browser, then a fresh time is "just now", not negative', () => {
    expect(ago(at(-5), now)).toBe('just now');
  });

  it('when a retry is ahead, then it counts down in seconds, then minutes, and says "now" once due', () => {
    expect(inTime(at(-40), now)).toBe('in 40 s');
    expect(inTime(at(-0.2), now)).toBe('in 1 s');
    expect(inTime(at(-300), now)).toBe('in 5 min');
    expect(inTime(at(3), now)).toBe('now');
    expect(inTime(null, now)).toBe('soon');
  });

  it('when either push or pull is missing, then the latest is the other one', () => {
    expect(latest(null, at(5))).toBe(at(5));
    expect(latest(at(5), null)).toBe(at(5));
    expect(latest(at(500), at(5))).toBe(at(5));
    expect(latest(null, null)).toBeNull();
  });
});

describe('the header sync badge', () => {
  it('when the depot has not joined a hub, then it is a muted "Not synced" with no pending count', () => {
    const b = syncBadge({ ...online, enrolled: false, phase: 'off', hubUrl: null, pending: 12 }, now);
    expect(b).toEqual({ label: 'Not synced', short: 'Not synced', tone: 'muted', pending: 0, issues: 0 });
  });

  it('when online, then it says how long ago the hub last answered (push or pull, whichever is later)', () => {
    expect(syncBadge(online, now)).toMatchObject({ label: 'Synced 2 min ago', tone: 'ok' });
    expect(syncBadge({ ...online, lastPushAt: at(20) }, now).label).toBe('Synced just now');
  });

  it('when online but nothing has completed yet, then it reads "Syncing…"', () => {
    expect(syncBadge({ ...online, lastPushAt: null, lastPullAt: null }, now)).toMatchObject({ label: 'Syncing…', tone: 'busy' });
    expect(syncBadge({ ...online, phase: 'connecting' }, now)).toMatchObject({ label: 'Syncing…', tone: 'busy' });
  });

  it('when offline with a retry planned, then it counts down to the retry; when it is due, it says it is retrying', () => {
    const off = { ...online, phase: 'offline' as const, live: false, lastError: 'hub answered 503' };
    expect(syncBadge({ ...off, nextAttemptAt: at(-40) }, now)).toMatchObject({
      label: 'Offline — retrying in 40 s',
      short: 'Offline ↻ 40 s',
      tone: 'warn',
    });
    expect(syncBadge({ ...off, nextAttemptAt: at(1) }, now).label).toBe('Offline — retrying…');
    expect(syncBadge({ ...off, nextAttemptAt: null }, now).label).toBe('Offline — retrying…');
  });

  it('when paused or revoked, then it says so, the revoked one in red with what to do', () => {
    expect(syncBadge({ ...online, phase: 'paused', paused: true }, now)).toMatchObject({ label: 'Paused', tone: 'warn' });
    expect(syncBadge({ ...online, phase: 'revoked' }, now)).toMatchObject({
      label: 'Hub refused this depot — enrol again',
      short: 'Refused by hub',
      tone: 'error',
    });
  });

  it('when changes are pending and the hub refused or conflicted some, then both counts ride on the badge', () => {
    const b = syncBadge({ ...online, pending: 7, refusals: 1, conflicts: 2 }, now);
    expect(b).toMatchObject({ pending: 7, issues: 3 });
    expect(issuesText({ refusals: 1, conflicts: 2 })).toBe('1 refused · 2 conflicts');
    expect(issuesText({ refusals: 0, conflicts: 1 })).toBe('1 conflict');
    expect(issuesText({ refusals: 0, conflicts: 0 })).toBe('');
  });

  it('when an offline retry is a few seconds past due and nothing was announced, then the status is asked for again', () => {
    const off = { phase: 'offline' as const, nextAttemptAt: at(10) };
    expect(retryOverdue(off, now)).toBe(true);
    expect(retryOverdue({ ...off, nextAttemptAt: at(0.5) }, now)).toBe(false);
    expect(retryOverdue({ ...off, nextAttemptAt: at(-30) }, now)).toBe(false);
    expect(retryOverdue({ phase: 'online', nextAttemptAt: at(10) }, now)).toBe(false);
    expect(retryOverdue({ ...off, nextAttemptAt: null }, now)).toBe(false);
  });

  it('when the live socket is down while online, then the popover says it is polling', () => {
    expect(transportText(online)).toMatch(/^Live/);
    expect(transportText({ live: false, phase: 'online' })).toBe('Polling every 30 s (live connection down)');
    expect(transportText({ live: false, phase: 'offline' })).toBe('Not connected');
  });
});

describe('enrolment errors and refusal labels', () => {
  it('when the hub is unreachable or refuses, then the sentence says who said no around the host message', () => {
    expect(enrolErrorText('hub_unreachable', 'connect ECONNREFUSED 127.0.0.1:9.')).toMatch(
      /^The hub could not be reached: connect ECONNREFUSED/,
    );
    expect(enrolErrorText('enrolment_refused', 'That code has expired.')).toBe('The hub refused this depot: That code has expired.');
    expect(enrolErrorText(null, 'The depot host cannot be reached.')).toBe('The depot host cannot be reached.');
  });

  it('when a change log action is shown, then it reads as words', () => {
    expect(actionText('work_order.status_changed')).toBe('Work order status changed');
    expect(actionText(null)).toBe('A change');
  });
});

describe('held from a newer release', () => {
  it('when a newer hub sent columns this release lacks, then the page says what is kept and that an upgrade applies it', () => {
    expect(heldText({ entries: 1_204, names: ['work_orders.crew_size', 'work_order_tags'] }, enGB)).toBe(
      "The hub runs a newer release: 1,204 changes to data this depot's release does not have yet: work_orders.crew_size, work_order_tags. They are kept and applied when this depot is upgraded.",
    );
    expect(heldText({ entries: 1, names: [] }, enGB)).toBe(
      "The hub runs a newer release: 1 change to data this depot's release does not have yet. It is kept and applied when this depot is upgraded.",
    );
  });
});

describe('drift check', () => {
  it('when every table matched, or some differed and were repaired, then the sentence says what was found and done', () => {
    const base = { checkedAt: at(60), tables: 31, mismatched: [], fetched: 0, onlyHere: {}, compared: 0, repaired: 0 };
    expect(driftText(base, enGB)).toBe('All 31 tables hold the same rows as the hub.');
    expect(driftText({ ...base, mismatched: ['locations', 'work_orders'], fetched: 3, onlyHere: { locations: 1 } }, enGB)).toBe(
      '2 of 31 tables differed from the hub (locations, work_orders); 3 missing rows were fetched from the hub; 1 row is here but not at the hub (locations: 1); they are kept.',
    );
    expect(driftText({ ...base, compared: 12_400 }, enGB)).toBe(
      'All 31 tables hold the same rows as the hub; 12,400 rows compared field by field.',
    );
    expect(driftText({ ...base, mismatched: ['work_orders'], compared: 12_400, repaired: 2 }, enGB)).toBe(
      "1 of 31 tables differed from the hub (work_orders); 2 rows with other values than the hub's set back to the hub's.",
    );
  });
});
