import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- a test, not bundled: it feeds the board's rules the host's real lifecycle table, so the two cannot drift apart unnoticed.
import { lifecycleFor } from '../../../server/work-orders/lifecycle-routes.js';
import { clockOf, indexMoves, judgeDrop, shortCountdown } from './logic.js';
import type { WorkOrderDto } from '../../../server/work-orders/contract.js';

/** The board's pure rules (renderer/console/board/logic.ts), fed with the host's real lifecycle table. */

const NOW = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

function wo(patch: Partial<WorkOrderDto>): WorkOrderDto {
  return {
    id: '0190aaaa-0000-7000-8000-000000000001',
    number: 'AVM-000001',
    title: 'Leak',
    description: null,
    type: 'corrective',
    priority: 'high',
    status: 'NEW',
    depotId: null,
    locationId: null,
    assetId: null,
    projectId: null,
    phaseId: null,
    templateId: null,
    teamId: null,
    assigneeId: null,
    requiredSkills: [],
    checklist: [],
    requiresSignature: false,
    plannedStart: null,
    plannedEnd: null,
    durationMin: 60,
    slaPolicyId: null,
    slaState: 'ok',
    responseDueAt: at(90),
    responseAtRiskAt: at(30),
    resolutionDueAt: at(600),
    resolutionAtRiskAt: at(450),
    respondedAt: null,
    completedAt: null,
    closedAt: null,
    cancelledAt: null,
    onHoldSince: null,
    heldFromStatus: null,
    holdReason: null,
    slaPausedMs: 0,
    createdBy: null,
    createdAt: at(-60),
    updatedAt: at(-60),
    version: 1,
    ...patch,
  };
}

describe('board clock', () => {
  it('when nobody is on site yet, then the card counts down to the response target, and to resolution after', () => {
    expect(clockOf(wo({}), NOW, String)).toMatchObject({ label: 'Response', text: '1h 30m left', state: 'ok' });
    expect(clockOf(wo({ status: 'ON_SITE', respondedAt: at(-5) }), NOW, String)).toMatchObject({ label: 'Resolution', text: '10h left' });
  });

  it('when the clock passes the at-risk or due time between refreshes, then the card turns on its own', () => {
    expect(clockOf(wo({}), NOW + 31 * 60_000, String).state).toBe('at_risk');
    expect(clockOf(wo({}), NOW + 91 * 60_000, String)).toMatchObject({ state: 'breached', text: '1m over' });
    // The host's verdict is never softened by the local clock.
    expect(clockOf(wo({ slaState: 'breached' }), NOW, String).state).toBe('breached');
  });

  it('when work is on hold after arrival or finished, then no countdown runs', () => {
    expect(clockOf(wo({ status: 'ON_HOLD', respondedAt: at(-5), holdReason: 'parts' }), NOW, String)).toMatchObject({ text: 'Paused' });
    expect(clockOf(wo({ status: 'COMPLETED', slaState: 'met' }), NOW, String).text).toBe('Met');
    expect(clockOf(wo({ status: 'CLOSED', slaState: 'breached' }), NOW, String).text).toBe('Late');
  });

  it('formats short countdowns for narrow columns', () => {
    expect(shortCountdown(at(36), NOW)).toBe('36m left');
    expect(shortCountdown(at(-(12 * 60 + 28)), NOW)).toBe('12h over');
    expect(shortCountdown(at(4 * 1440 + 20 * 60 + 5), NOW)).toBe('4d 20h left');
  });
});

describe('board drops', () => {
  const dispatcher = indexMoves(lifecycleFor('dispatcher'));
  const technician = indexMoves(lifecycleFor('technician'));

  it('when the lifecycle has no such move, then the drop is refused with the way forward', () => {
    expect(judgeDrop(dispatcher, wo({}), 'COMPLETED')).toEqual({
      ok: false,
      reason: 'New work cannot go straight to Completed. From New it can go to Scheduled or Cancelled.',
    });
  });

  it('when the card lacks what the move needs, then the drop says what to do first', () => {
    expect(judgeDrop(dispatcher, wo({}), 'SCHEDULED')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('needs a planned start'),
    });
    expect(judgeDrop(dispatcher, wo({ plannedStart: at(60) }), 'SCHEDULED')).toMatchObject({ ok: true, ask: null });
    expect(judgeDrop(dispatcher, wo({ status: 'SCHEDULED' }), 'DISPATCHED')).toMatchObject({
      ok: false,
      reason: 'Dispatched needs an assignee first: assign someone in the work order.',
    });
    expect(judgeDrop(dispatcher, wo({ status: 'ON_HOLD', heldFromStatus: 'DISPATCHED' }), 'EN_ROUTE')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('goes back to Dispatched'),
    });
  });

  it('when the role may not, then the drop names who may; holds ask for a reason and closure goes through approval', () => {
    expect(judgeDrop(technician, wo({ status: 'DISPATCHED' }), 'CANCELLED')).toEqual({
      ok: false,
      reason: 'Technicians cannot cancel work orders: only admins, dispatchers or supervisors may.',
    });
    expect(judgeDrop(technician, wo({ status: 'DISPATCHED' }), 'ON_HOLD')).toMatchObject({ ok: true, ask: 'reason' });
    expect(judgeDrop(dispatcher, wo({ status: 'COMPLETED' }), 'CLOSED')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('only admins or supervisors'),
    });
    const supervisor = indexMoves(lifecycleFor('supervisor'));
    expect(judgeDrop(supervisor, wo({ status: 'COMPLETED' }), 'CLOSED')).toMatchObject({
      ok: true,
      ask: 'confirm',
      move: { via: 'closure' },
    });
    expect(judgeDrop(supervisor, wo({ status: 'COMPLETED' }), 'DISPATCHED')).toMatchObject({ ok: true, ask: 'comment' });
  });
});
