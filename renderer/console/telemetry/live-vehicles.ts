import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { z } from 'zod';
import type { PositionsLatestResponse, VehiclePositionMessage } from '../../../server/telemetry/contract';
import type { Vehicle } from '../../../server/vehicles/contract';
import { api } from '../api/client';
import { onLiveMessage } from '../api/live';
import { useSession } from '../api/session';

type VehicleDto = z.infer<typeof Vehicle>;
type Fix = NonNullable<VehicleDto['lastFix']>;

/**
 * Vehicles with their newest GPS fix: the stored one, the telemetry history's latest, and then
 * every `vehicle_position` message as it arrives, so vans move on the map without refetching.
 */
export function useLiveVehicles(vehicles: VehicleDto[] | undefined): VehicleDto[] | undefined {
  const session = useSession();
  const allowed = session.can('telemetry:read');
  const latest = useQuery({
    queryKey: ['vehicle_positions', 'latest'],
    queryFn: () => api.get<z.infer<typeof PositionsLatestResponse>>('/vehicles/positions/latest'),
    enabled: allowed,
  });
  const [live, setLive] = useState<Record<string, Fix>>({});
  useEffect(() => {
    if (!allowed) return;
    return onLiveMessage((m) => {
      if (m.type !== 'vehicle_position') return;
      const p = m.data as unknown as VehiclePositionMessage;
      if (!p.vehicleId) return;
      const id = p.vehicleId;
      setLive((prev) => ({ ...prev, [id]: { lat: p.lat, lon: p.lon, speedKmh: p.speedKmh, headingDeg: p.headingDeg, at: p.at } }));
    });
  }, [allowed]);
  return useMemo(() => {
    if (!vehicles) return vehicles;
    const newest = (a: Fix | null | undefined, b: Fix | null | undefined) => (!a ? (b ?? null) : !b ? a : a.at >= b.at ? a : b);
    const fromHistory = new Map((latest.data?.items ?? []).map((p) => [p.vehicleId, { lat: p.lat, lon: p.lon, speedKmh: p.speedKmh, headingDeg: p.headingDeg, at: p.at }]));
    return vehicles.map((v) => ({ ...v, lastFix: newest(newest(v.lastFix, fromHistory.get(v.id)), live[v.id]) }));
  }, [vehicles, latest.data, live]);
}
