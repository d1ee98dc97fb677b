import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CreatedShareLink, ShareLink } from '../../../server/reports/contract-exports';
import { api, type Page } from '../../shared/api/client';

export type ShareLinkDto = z.infer<typeof ShareLink>;
export type CreatedShareLinkDto = z.infer<typeof CreatedShareLink>;

export const shareQueries = {
  list: (workOrderId: string) =>
    queryOptions({
      queryKey: ['share_links', workOrderId],
      queryFn: () => api.get<Page<ShareLinkDto>>(`/work-orders/${workOrderId}/share`).then((p) => p.items),
    }),
};

export const createShareLink = (workOrderId: string, body: { expiresAt: string; password?: string }) =>
  api.post<CreatedShareLinkDto>(`/work-orders/${workOrderId}/share`, body);
export const revokeShareLink = (id: string) => api.delete(`/share/${id}`);
