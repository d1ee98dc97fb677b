import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { DepotFormat } from '../../shared/locale/format';
import { maintenanceQueries, type ForecastItemDto } from '../maintenance/queries';
import type { ChartBar } from './GanttChart';
import type { Lane } from './model';
import type { Range } from './timeline';

/**
 * Preventive maintenance still to come, on its own lane at the top of the Gantt: occurrences of the
 * plans that are not work orders yet (generated ones are work orders and show as such). Drawn as
 * dashed, hatched bars that cannot be moved or opened: they change by editing the plan.
 */

export const FORECAST_LANE_ID = 'forecast:maintenance';
const PREFIX = 'pm:';
export const isForecastBar = (id: string) => id.startsWith(PREFIX);

/** A team-kind lane with no team: dropping work on it does nothing (PlanningView asks for a crew). */
const LANE: Lane = { id: FORECAST_LANE_ID, kind: 'team', label: 'Maintenance forecast', teamId: null, userId: null, shift: null };

export function useForecastLane(range: Range | null, fmt: DepotFormat) {
  const query = useQuery({ ...maintenanceQueries.forecast(range?.from ?? 0, range?.to ?? 0), enabled: Boolean(range) });
  const items = useMemo(
    () => new Map((query.data?.items ?? []).filter((i) => i.state === 'forecast').map((i) => [barId(i), i])),
    [query.data],
  );
  return useMemo(
    () => ({
      // Loaded or failed: a host without the feature must not keep the planning view "loading".
      ready: !range || query.isSuccess || query.isError,
      lanes: items.size > 0 ? [LANE] : [],
      /** The forecast bars, drawn in window row `row` (undefined when the lane is scrolled out of view). */
      barsIn(row: number | undefined): ChartBar[] {
        if (row === undefined) return [];
        return [...items].map(([id, i]) => ({
          id,
          lane: row,
          start: Date.parse(i.dueAt),
          end: Date.parse(i.endAt),
          label: i.planName,
          className: `pm-forecast${i.projected ? ' pm-projected' : ''}`,
        }));
      },
      tooltip(id: string): string {
        const i = items.get(id);
        if (!i) return '';
        return [
          `${i.planName} · forecast, not yet a work order`,
          `${fmt.dateTime(Date.parse(i.dueAt))} · ${Math.round(i.durationMin / 6) / 10} h`,
          i.meterTarget !== null ? `at meter ${i.meterTarget}${i.projected ? ' (projected from the recent rate)' : ''}` : '',
        ]
          .filter(Boolean)
          .join('\n');
      },
    }),
    [items, range, query.isSuccess, query.isError, fmt],
  );
}

function barId(i: ForecastItemDto): string {
  return `${PREFIX}${i.planId}|${i.occurrenceKey}`;
}

/** The hatch the forecast bars are filled with (planning.css `url(#pm-hatch)`): SVG fills take patterns, not CSS gradients. */
export function ForecastPatterns() {
  return (
    <svg width="0" height="0" style={{ position: 'absolute' }} aria-hidden="true">
      <defs>
        <pattern id="pm-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="#eef4fb" />
          <rect width="3" height="6" fill="#c9dcf0" />
        </pattern>
      </defs>
    </svg>
  );
}
