import { useMemo } from 'react';
import { useNow } from '../../ui/useNow';
import { useOrg } from '../shell/org-context';
import { dayIn, dayToInput } from './zoned';
import { resolvePeriod, type Period, type PeriodChoice } from './presets';

/**
 * The instants a period choice stands for now. Presets move at the organization's midnight, so the
 * result changes once a day (and only then: a new object would refetch every query that uses it).
 */
export function usePeriod(choice: PeriodChoice): Period {
  const { zone } = useOrg();
  const now = useNow(60_000);
  const today = dayToInput(dayIn(now, zone));
  const key = JSON.stringify(choice);
  // Keyed by `today` rather than `now`: the period only changes when the day does.
  return useMemo(() => resolvePeriod(JSON.parse(key) as PeriodChoice, zone, Date.now()), [key, zone, today]);
}
