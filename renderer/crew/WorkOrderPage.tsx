import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { STATUS_LABEL, SLA_LABEL, countdown, formatTime } from '../console/work-orders/labels';
import { crewQueries, crewWrites, type LocationDto, type WorkOrderDto } from './queries';
import { activeDue, directionsHref, distanceM, formatDistance, moveLabel } from './labels';
import { useNow } from './useNow';
import { Checklist } from './Checklist';

/** The phone's position, only if the browser grants it; otherwise no distance is shown. */
function usePosition(): { lat: number; lon: number } | null {
  const [pos, setPos] = useState<{ lat: number; lon: number } | null>(null);
  useEffect(() => {
    if (!('geolocation' in navigator)) return;
    const id = navigator.geolocation.watchPosition(
      (p) => setPos({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => setPos(null),
      { enableHighAccuracy: false, maximumAge: 60_000, timeout: 20_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);
  return pos;
}

function LocationBlock({ loc }: { loc: LocationDto }) {
  const pos = usePosition();
  return (
    <section className="crew-block" data-testid="crew-location">
      <div className="crew-card-row">
        <div>
          <div className="crew-strong">{loc.name}</div>
          {loc.address && <div className="small muted">{loc.address}</div>}
          {pos && <div className="small" data-testid="crew-distance">{formatDistance(distanceM(pos, loc))} away</div>}
        </div>
        <a className="crew-btn" data-testid="crew-directions" href={directionsHref(loc, navigator.userAgent)}>
          Directions
        </a>
      </div>
    </section>
  );
}

function StatusSteps({ wo }: { wo: WorkOrderDto }) {
  const queryClient = useQueryClient();
  const lifecycle = useQuery(crewQueries.lifecycle());
  const [holding, setHolding] = useState(false);
  const [reason, setReason] = useState('');
  const move = useMutation({
    mutationFn: (body: { to: string; reason?: string }) => crewWrites.transition(wo.id, wo.version, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(crewQueries.workOrder(wo.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: ['work_orders'] });
      void queryClient.invalidateQueries({ queryKey: ['work_order_events', wo.id] });
      setHolding(false);
      setReason('');
    },
  });
  const moves = (lifecycle.data?.moves ?? []).filter((m) => m.from === wo.status && m.allowed && m.via === 'transition' && m.to !== 'CANCELLED');
  if (!moves.length) return null;
  // Forward steps first and big; "on hold" last.
  moves.sort((a, b) => Number(a.to === 'ON_HOLD') - Number(b.to === 'ON_HOLD'));
  return (
    <section className="crew-steps" data-testid="crew-steps">
      {move.error && <p role="alert" className="crew-error">{move.error.message}</p>}
      {holding ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) move.mutate({ to: 'ON_HOLD', reason: reason.trim() });
          }}
        >
          <label className="crew-field">
            <span>Why is the work on hold?</span>
            <input data-testid="crew-hold-reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Waiting for parts, no access, …" autoFocus />
          </label>
          <div className="crew-row-buttons">
            <button type="button" className="crew-big" onClick={() => setHolding(false)}>Back</button>
            <button type="submit" className="crew-big primary" data-testid="crew-hold-confirm" disabled={!reason.trim() || move.isPending}>Put on hold</button>
          </div>
        </form>
      ) : (
        moves.map((m) => (
          <button
            key={m.to}
            type="button"
            className={`crew-big ${m.to === 'ON_HOLD' ? '' : 'primary'}`}
            data-testid={`crew-step-${m.to}`}
            disabled={move.isPending}
            onClick={() => (m.to === 'ON_HOLD' ? setHolding(true) : move.mutate({ to: m.to }))}
          >
            {moveLabel(m.from, m.to, STATUS_LABEL)}
          </button>
        ))
      )}
    </section>
  );
}

export function WorkOrderPage({ id }: { id: string }) {
  const wo = useQuery(crewQueries.workOrder(id));
  const locations = useQuery(crewQueries.locations());
  const asset = useQuery({ ...crewQueries.asset(wo.data?.assetId ?? ''), enabled: Boolean(wo.data?.assetId) });
  const events = useQuery(crewQueries.events(id));
  const now = useNow();

  if (wo.error) return <p role="alert" className="crew-error pad">{wo.error.message}</p>;
  if (!wo.data) return <div className="crew-loading">Loading…</div>;
  const w = wo.data;
  const loc = w.locationId ? locations.data?.find((l) => l.id === w.locationId) : undefined;
  const due = activeDue(w);
  const stamps = (events.data?.items ?? []).filter((e) => e.toStatus).slice(-6).reverse();
  return (
    <main className="crew-wo" data-testid="crew-work-order" data-state={locations.isPending ? 'loading' : 'ready'} data-status={w.status}>
      <section className="crew-block">
        <div className="crew-card-row">
          <span className="crew-num">{w.number}</span>
          <span className={`crew-status st-${w.status}`} data-testid="crew-status">{STATUS_LABEL[w.status] ?? w.status}</span>
        </div>
        <h1 className="crew-h1">{w.title}</h1>
        <div className="crew-card-row small">
          <span className="muted">
            {w.type} · {w.priority} priority
          </span>
          <span className="muted">{formatTime(w.plannedStart)}</span>
        </div>
        {due.due && (
          <div className={`crew-sla sla-${w.slaState ?? 'ok'}`} data-testid="crew-sla">
            {due.label} {countdown(due.due, now)}
            {w.slaState && <span> · {SLA_LABEL[w.slaState]}</span>}
          </div>
        )}
        {w.status === 'ON_HOLD' && w.holdReason && <div className="small">On hold: {w.holdReason}</div>}
      </section>

      <StatusSteps wo={w} />

      {loc && <LocationBlock loc={loc} />}
      {asset.data && (
        <section className="crew-block">
          <div className="crew-label">Asset</div>
          <div className="crew-strong">{asset.data.name}</div>
          <div className="small muted">{asset.data.tag}</div>
        </section>
      )}
      {w.description && (
        <section className="crew-block">
          <div className="crew-label">Description</div>
          <p className="crew-desc">{w.description}</p>
        </section>
      )}
      <Checklist workOrderId={w.id} />
      {stamps.length > 0 && (
        <section className="crew-block" data-testid="crew-stamps">
          <div className="crew-label">Status history</div>
          {stamps.map((e) => (
            <div key={e.id} className="crew-card-row small">
              <span>{STATUS_LABEL[e.toStatus!] ?? e.toStatus}</span>
              <span className="muted">{formatTime(e.at)}{e.actorName ? ` · ${e.actorName}` : ''}</span>
            </div>
          ))}
        </section>
      )}
    </main>
  );
}
