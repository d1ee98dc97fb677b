import { describe, expect, it } from 'vitest';
import { orgFormat } from '../format/format';
import { summaryTiles } from './tiles';

const ratio = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator ? numerator / denominator : null });
const summary = {
  created: 1234,
  completed: 40,
  cancelled: 2,
  backlog: 17,
  backlogAgeMeanH: 30.26,
  backlogAgeMaxH: null,
  onTime: ratio(37, 40),
  slaResponse: ratio(0, 0),
  slaResolution: ratio(9, 12),
  mttrRespondH: 1.25,
  mttrRepairH: null,
  firstTimeFix: ratio(38, 40),
  overdue: 3,
  plannedMin: 600,
  actualMin: 750,
  utilisation: ratio(750, 2400),
};

describe('the summary tiles of a depot', () => {
  const tiles = summaryTiles(summary, orgFormat('Europe/London', 'en-GB'));
  const tile = (key: string) => tiles.find((t) => t.key === key)!;

  it('when a report comes in, then every summary figure has a tile in the depot Reports order', () => {
    expect(tiles.map((t) => t.key)).toEqual([
      'created',
      'completed',
      'cancelled',
      'backlog',
      'overdue',
      'onTime',
      'slaResponse',
      'slaResolution',
      'mttrRespondH',
      'mttrRepairH',
      'firstTimeFix',
      'plannedActual',
      'utilisation',
    ]);
  });

  it('when a ratio is shown, then its share and its counts are both there', () => {
    expect(tile('onTime')).toMatchObject({
      value: '92.5 %',
      sub: '37/40',
      raw: '37/40',
      title: 'Completed by the planned end: 37/40 (92.5 %)',
    });
    expect(tile('slaResponse')).toMatchObject({ value: '—', raw: '0/0' });
  });

  it('when there is overdue work, then its tile is marked; hours show one decimal or a dash', () => {
    expect(tile('overdue')).toMatchObject({ value: '3', bad: true });
    expect(tile('created').value).toBe('1,234');
    expect(tile('mttrRespondH')).toMatchObject({ value: '1.3 h', raw: '1.25' });
    expect(tile('mttrRepairH')).toMatchObject({ value: '—', raw: '' });
    expect(tile('backlog').sub).toBe('age avg 30.3 h · max —');
    expect(tile('plannedActual').value).toBe('10 / 13 h');
  });
});
