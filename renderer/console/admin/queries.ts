import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Asset } from '../../../server/assets/contract';
import type { Depot } from '../../../server/depots/contract';
import type { ChecklistItem, RequiredSkill } from '../../../server/work-orders/contract-domain';
import type { UserDetail } from '../../../server/people/contract';
import type { Skill } from '../../../server/skills/contract';
import type { Holiday, SlaCalendarDto, SlaMatrixDto, SlaPolicyDto, WorkingHours } from '../../../server/sla/contract';
import type { TeamMember } from '../../../server/teams/contract';
import type { TaskTemplate } from '../../../server/templates/contract';
import type { Vehicle } from '../../../server/vehicles/contract';
import { api, ApiError, getAll } from '../../shared/api/client';

export type { LocationDto, TeamDto, UserDto } from '../../shared/catalog/queries';
export type AssetDto = z.infer<typeof Asset>;
export type DepotDto = z.infer<typeof Depot>;
export type SkillDto = z.infer<typeof Skill>;
export type TeamMemberDto = z.infer<typeof TeamMember>;
export type UserDetailDto = z.infer<typeof UserDetail>;
export type TaskTemplateDto = z.infer<typeof TaskTemplate>;
export type VehicleDto = z.infer<typeof Vehicle>;
export type { ChecklistItem, Holiday, RequiredSkill, SlaCalendarDto, SlaMatrixDto, SlaPolicyDto, WorkingHours };

/**
 * Every key starts with the table it reads (live.ts invalidates by table), so a change made in
 * another console refreshes these lists.
 */
export const adminQueries = {
  locationKinds: () =>
    queryOptions({
      queryKey: ['locations', 'kinds'],
      queryFn: async () =>
        [
          ...new Set((await getAll<{ kind: string | null }>('/locations')).map((l) => l.kind).filter((k): k is string => Boolean(k))),
        ].sort(),
      staleTime: 300_000,
    }),
  assetCategories: () =>
    queryOptions({
      queryKey: ['assets', 'categories'],
      queryFn: async () => [...new Set((await getAll<AssetDto>('/assets')).map((a) => a.category))].sort(),
      staleTime: 300_000,
    }),
  teamMembers: (teamId: string) =>
    queryOptions({
      queryKey: ['team_members', teamId],
      queryFn: async () => (await api.get<{ items: TeamMemberDto[] }>(`/teams/${teamId}/members`)).items,
    }),
  /** The user's detail, keyed by user_skills so a skill change anywhere refreshes it. */
  userDetail: (userId: string) =>
    queryOptions({ queryKey: ['user_skills', userId], queryFn: () => api.get<UserDetailDto>(`/users/${userId}`) }),
  assets: () => queryOptions({ queryKey: ['assets', 'all'], queryFn: () => getAll<AssetDto>('/assets'), staleTime: 300_000 }),
  skills: () => queryOptions({ queryKey: ['skills', 'all'], queryFn: () => getAll<SkillDto>('/skills'), staleTime: 300_000 }),
  templates: () => queryOptions({ queryKey: ['task_templates', 'all'], queryFn: () => getAll<TaskTemplateDto>('/task-templates') }),
  slaMatrix: () => queryOptions({ queryKey: ['sla_policies', 'matrix'], queryFn: () => api.get<SlaMatrixDto>('/sla/matrix') }),
  calendars: () => queryOptions({ queryKey: ['sla_calendars', 'all'], queryFn: () => getAll<SlaCalendarDto>('/sla/calendars') }),
  depots: () => queryOptions({ queryKey: ['depots', 'all'], queryFn: () => getAll<DepotDto>('/depots') }),
  vehicles: () => queryOptions({ queryKey: ['vehicles', 'all'], queryFn: () => getAll<VehicleDto>('/vehicles') }),
};

/** A record with an id and a version goes back as PATCH + If-Match; without an id it is created. */
export function saveRecord<T>(path: string, id: string | undefined, version: number | undefined, body: unknown): Promise<T> {
  return id ? api.patch<T>(`${path}/${id}`, body, { ifMatch: version }) : api.post<T>(path, body);
}

/**
 * A write that refreshes the given tables' queries at once (the socket would too, a moment later).
 * Errors stay on the mutation so forms can show field messages next to the fields.
 */
export function useWrite<V, R = unknown>(tables: string[], fn: (v: V) => Promise<R>, onDone?: (r: R) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (r) => {
      for (const t of tables) void qc.invalidateQueries({ queryKey: [t] });
      onDone?.(r);
    },
  });
}

/** Field messages of a problem+json error, keyed by field name without the "body." prefix. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) {
    for (const e of err.errors) {
      const key = e.field.replace(/^body\./, '');
      if (!(key in out)) out[key] = e.message;
    }
  }
  return out;
}
