import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CrewRoster } from '../../../server/people/contract-roster';
import type { Depot } from '../../../server/depots/contract';
import type { Skill } from '../../../server/skills/contract';
import { api, getAll, type Page } from '../../shared/api/client';
import type { WorkOrderDto } from '../../shared/work-orders/queries';

export type CrewRosterDto = z.infer<typeof CrewRoster>;
export type DepotDto = z.infer<typeof Depot>;
export type SkillDto = z.infer<typeof Skill>;

/** Everything but CANCELLED: finished work still occupied its crew's time. */
const SHOWN_STATUSES = 'NEW,SCHEDULED,DISPATCHED,EN_ROUTE,ON_SITE,ON_HOLD,COMPLETED,CLOSED';
/** Jobs that started up to this long before the range may still run into it. */
export const LOOKBACK_MS = 2 * 86_400_000;

/** Query keys start with the table they read (live.ts invalidates by table). */
export const planningQueries = {
  range: (from: number, to: number) =>
    queryOptions({
      queryKey: ['work_orders', 'planning', from, to],
      queryFn: () =>
        getAll<WorkOrderDto>(
          '/work-orders',
          {
            plannedFrom: new Date(from - LOOKBACK_MS).toISOString(),
            plannedTo: new Date(to).toISOString(),
            status: SHOWN_STATUSES,
            sort: 'plannedStart',
          },
          10_000,
        ),
      placeholderData: (previous) => previous,
    }),
  tray: () =>
    queryOptions({
      queryKey: ['work_orders', 'planning-tray'],
      queryFn: async () => {
        // NEW work with nobody on it, most urgent first; team work with a time already sits in its team's lane.
        const page = await api.get<Page<WorkOrderDto>>('/work-orders', { status: 'NEW', unassigned: true, sort: 'priority', limit: 300 });
        return page.items.filter((w) => !w.plannedStart || !w.teamId);
      },
    }),
  roster: () =>
    queryOptions({ queryKey: ['user_skills', 'roster'], queryFn: () => api.get<CrewRosterDto>('/crew-roster'), staleTime: 60_000 }),
  skills: () => queryOptions({ queryKey: ['skills', 'all'], queryFn: () => getAll<SkillDto>('/skills'), staleTime: 300_000 }),
  depots: () => queryOptions({ queryKey: ['depots', 'all'], queryFn: () => getAll<DepotDto>('/depots'), staleTime: 300_000 }),
};
