import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { z } from 'zod';
import type { PositionsLatestResponse, VehiclePositionMessage } from '../../../server/telemetry/contract';
import type { Vehicle } from '../../../server/vehicles/contract';
import { api } from '../../shared/api/client';
import { onLiveMessage } from '../../shared/api/live';
import { useSession } from '../../shared/api/session';

type VehicleDto = z.infer<typeof Vehicle>;
type Fix = NonNullable<VehicleDto['lastFix']>;

const LIVE_APPLY_MS = 1000;

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
    // Fixes are gathered and applied at most once a second: every change rebuilds the map's sources,
    // and a fleet of GPS receivers at several fixes a second would keep the map from ever settling.
    let pending: Record<string, Fix> = {};
    let timer: ReturnType<typeof setTimeout> | null = null;
    const apply = () => {
      timer = null;
      const batch = pending;
      pending = {};
      setLive((prev) => ({ ...prev, ...batch }));
    };
    const stop = onLiveMessage((m) => {
      if (m.type !== 'vehicle_position') return;
      const p = m.data as unknown as VehiclePositionMessage;
      if (!p.vehicleId) return;
      pending[p.vehicleId] = { lat: p.lat, lon: p.lon, speedKmh: p.speedKmh, headingDeg: p.headingDeg, at: p.at };
      timer ??= setTimeout(apply, LIVE_APPLY_MS);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [allowed]);
  return useMemo(() => {
    if (!vehicles) return vehicles;
    const newest = (a: Fix | null | undefined, b: Fix | null | undefined) => (!a ? (b ?? null) : !b ? a : a.at >= b.at ? a : b);
    const fromHistory = new Map(
      (latest.data?.items ?? []).map((p) => [
        p.vehicleId,
        { lat: p.lat, lon: p.lon, speedKmh: p.speedKmh, headingDeg: p.headingDeg, at: p.at },
      ]),
    );
    return vehicles.map((v) => ({ ...v, lastFix: newest(newest(v.lastFix, fromHistory.get(v.id)), live[v.id]) }));
  }, [vehicles, latest.data, live]);
}
