import { queryOptions, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { z } from 'zod';
import type { Location } from '../../../server/locations/contract';
import type { User } from '../../../server/people/contract';
import type { Team } from '../../../server/teams/contract';
import { getAll } from '../api/client';

export type LocationDto = z.infer<typeof Location>;
export type UserDto = z.infer<typeof User>;
export type TeamDto = z.infer<typeof Team>;

/** Small catalogs loaded whole and joined in the console (a depot has hundreds, not millions). */
export const catalogQueries = {
  locations: () => queryOptions({ queryKey: ['locations', 'all'], queryFn: () => getAll<LocationDto>('/locations'), staleTime: 300_000 }),
  users: () => queryOptions({ queryKey: ['users', 'all'], queryFn: () => getAll<UserDto>('/users'), staleTime: 300_000 }),
  teams: () => queryOptions({ queryKey: ['teams', 'all'], queryFn: () => getAll<TeamDto>('/teams'), staleTime: 300_000 }),
};

function byId<T extends { id: string }>(rows: T[] | undefined): Map<string, T> {
  return new Map((rows ?? []).map((r) => [r.id, r]));
}

/** Id → record maps for showing names instead of ids. */
export function useLookups() {
  const locations = useQuery(catalogQueries.locations());
  const users = useQuery(catalogQueries.users());
  const teams = useQuery(catalogQueries.teams());
  return useMemo(
    () => ({
      ready: locations.isSuccess && users.isSuccess && teams.isSuccess,
      locations: byId(locations.data),
      users: byId(users.data),
      teams: byId(teams.data),
      usersList: users.data ?? [],
      teamsList: teams.data ?? [],
    }),
    [locations.isSuccess, users.isSuccess, teams.isSuccess, locations.data, users.data, teams.data],
  );
}
