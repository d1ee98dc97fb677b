import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  Device,
  LatestResponse,
  PipelineStats,
  PortsResponse,
  ReadingsResponse,
  TelemetryLiveMessage,
} from '../../../server/telemetry/contract';
import { api, getAll } from '../../shared/api/client';
import type { AssetDto } from '../admin/queries';

export type DeviceDto = z.infer<typeof Device>;
export type PortsDto = z.infer<typeof PortsResponse>;
export type LatestDto = z.infer<typeof LatestResponse>;
export type ReadingsDto = z.infer<typeof ReadingsResponse>;
export type { TelemetryLiveMessage };

/**
 * Keys start with the table they read (live.ts invalidates by table). Device states come from the
 * serial side, which sends no table changes, so the list also polls every two seconds (counters
 * change live; the request is cheap: a few dozen rows).
 */
export const telemetryQueries = {
  devices: () =>
    queryOptions({ queryKey: ['telemetry_devices', 'all'], queryFn: () => getAll<DeviceDto>('/telemetry/devices'), refetchInterval: 2000 }),
  status: () =>
    queryOptions({
      queryKey: ['telemetry_readings', 'status'],
      queryFn: () => api.get<{ serial: boolean; pipeline: z.infer<typeof PipelineStats> }>('/telemetry/status'),
      refetchInterval: 2000,
    }),
  ports: () => queryOptions({ queryKey: ['telemetry_ports'], queryFn: () => api.get<PortsDto>('/telemetry/ports'), staleTime: 0 }),
  latest: (assetId: string) =>
    queryOptions({
      queryKey: ['telemetry_readings', 'latest', assetId],
      queryFn: () => api.get<LatestDto>(`/assets/${assetId}/telemetry/latest`),
    }),
  history: (assetId: string, metric: string, rangeMs: number) =>
    queryOptions({
      queryKey: ['telemetry_readings', 'history', assetId, metric, rangeMs],
      queryFn: () => {
        const to = Date.now();
        return api.get<ReadingsDto>('/telemetry/readings', {
          assetId,
          metric,
          from: new Date(to - rangeMs).toISOString(),
          to: new Date(to).toISOString(),
        });
      },
      refetchInterval: 30_000,
    }),
};

export const assetsQuery = () =>
  queryOptions({ queryKey: ['assets', 'all'], queryFn: () => getAll<AssetDto>('/assets'), staleTime: 300_000 });
