import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../shared/api/session';
import { STATUS_LABEL, SLA_LABEL, countdown } from '../shared/work-orders/labels';
import { workOrderQueries } from '../shared/work-orders/queries';
import { crewQueries, type LocationDto } from './queries';
import { slaLine, directionsHref, distanceM, formatDistance } from './labels';
import { useNow } from '../ui/useNow';
import { Checklist } from './Checklist';
import { usePending } from './offline/useOutbox';
import type { OutboxAction } from './offline/types';
import { ofKind, pendingStatus, uploadsOf } from './pending';
import { watchPosition } from './geo';
import { StatusSteps } from './StatusSteps';
import { Attendance } from './Attendance';
import { Photos } from './Photos';
import { SignaturePad } from './SignaturePad';
import { Documents } from './Documents';
import { Messages } from './Messages';
import { Notes } from './Notes';
import './crew-proof.css';
import { useDepotFormat } from '../shared/locale/context';

/** The phone's position, only if the browser grants it; otherwise no distance is shown. */
function usePosition(): { lat: number; lon: number } | null {
  const [pos, setPos] = useState<{ lat: number; lon: number } | null>(null);
  useEffect(() => {
    // Also keeps the last fix warm for stamping steps, photos and check-ins (geo.ts).
    return watchPosition((p) => setPos({ lat: p.lat, lon: p.lon }));
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
          {pos && (
            <div className="small" data-testid="crew-distance">
              {formatDistance(distanceM(pos, loc))} away
            </div>
          )}
        </div>
        <a className="crew-btn" data-testid="crew-directions" href={directionsHref(loc, navigator.userAgent)}>
          Directions
        </a>
      </div>
    </section>
  );
}

/**
 * The status to show: the last step the crew queued; else one just sent whose answer the work
 * order does not reflect yet (no flicker back to the old status between "sent" and the refetch).
 */
function useShownStatus(status: string, version: number, pending: OutboxAction[]): { shown: string; tapped(to: string | null): void } {
  const [tapped, setTapped] = useState<string | null>(null);
  const [sent, setSent] = useState<{ to: string; version: number } | null>(null);
  const previous = useRef<OutboxAction[]>([]);
  useEffect(() => {
    const ids = new Set(pending.map((a) => a.id));
    const gone = previous.current.filter((a) => a.kind === 'transition' && a.state !== 'refused' && !ids.has(a.id));
    previous.current = pending;
    const last = gone.at(-1);
    if (last && typeof last.preview.to === 'string') setSent({ to: last.preview.to, version });
    // `version` is read at the moment the action left the outbox, on purpose (not a dependency).
  }, [pending]);
  const shown = pendingStatus(pending) ?? tapped ?? (sent && sent.version === version ? sent.to : null) ?? status;
  return { shown, tapped: setTapped };
}

const DONE = ['COMPLETED', 'CLOSED', 'CANCELLED'];

export function WorkOrderPage({ id }: { id: string }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const wo = useQuery(crewQueries.workOrder(id));
  const locations = useQuery(crewQueries.locations());
  const asset = useQuery({ ...crewQueries.asset(wo.data?.assetId ?? ''), enabled: Boolean(wo.data?.assetId) });
  const events = useQuery(crewQueries.events(id));
  const checklist = useQuery(crewQueries.checklist(id));
  const attachments = useQuery(workOrderQueries.attachments(id));
  const pending = usePending(id);
  const status = useShownStatus(wo.data?.status ?? '', wo.data?.version ?? 0, pending);
  const now = useNow(30_000);

  // A saved copy (offline, or the host unreachable) is still worth showing; only no data at all is an error.
  if (wo.error && !wo.data)
    return (
      <p role="alert" className="crew-error pad">
        {wo.error.message}
      </p>
    );
  if (!wo.data) return <div className="crew-loading">Loading…</div>;
  const w = wo.data;
  const loc = w.locationId ? locations.data?.find((l) => l.id === w.locationId) : undefined;
  const sla = slaLine(w, now, countdown);
  const stamps = (events.data?.items ?? [])
    .filter((e) => e.toStatus)
    .slice(-6)
    .reverse();
  const shown = status.shown;
  const waiting = pending.filter((a) => a.state !== 'refused');
  const signatureReady =
    (attachments.data?.items ?? []).some((a) => a.kind === 'signature') ||
    uploadsOf(pending, 'signature').some((a) => a.state !== 'refused');
  const checklistOpen = checklist.data?.complete === false && !ofKind(pending, 'checklist').some((a) => a.state !== 'refused');
  const done = DONE.includes(shown);
  return (
    <main
      className="crew-wo"
      data-testid="crew-work-order"
      data-state={locations.isPending ? 'loading' : 'ready'}
      data-status={shown}
      data-host-status={w.status}
      data-pending={waiting.length}
    >
      <section className="crew-block">
        <div className="crew-card-row">
          <span className="crew-num">{w.number}</span>
          <span className={`crew-status st-${shown}`} data-testid="crew-status">
            {STATUS_LABEL[shown] ?? shown}
          </span>
        </div>
        {shown !== w.status && (
          <div className="cp-waiting cp-right" data-testid="crew-status-waiting">
            waiting to send
          </div>
        )}
        <h1 className="crew-h1">{w.title}</h1>
        <div className="crew-card-row small">
          <span className="muted">
            {w.type} · {w.priority} priority
          </span>
          <span className="muted">{fmt.dateTime(w.plannedStart)}</span>
        </div>
        {sla && (
          <div
            className={`crew-sla ${sla.paused ? 'sla-paused' : `sla-${w.slaState ?? 'ok'}`}`}
            data-testid="crew-sla"
            data-paused={sla.paused ? 'yes' : 'no'}
          >
            {sla.label} {sla.text}
            {w.slaState && !sla.paused && <span> · {SLA_LABEL[w.slaState]}</span>}
          </div>
        )}
        {w.status === 'ON_HOLD' && w.holdReason && <div className="small">On hold: {w.holdReason}</div>}
        {waiting.length > 0 && (
          <div className="cp-outbox" data-testid="crew-outbox-count">
            {waiting.length} change{waiting.length > 1 ? 's' : ''} waiting to send
          </div>
        )}
      </section>

      <StatusSteps
        wo={w}
        shownStatus={shown}
        pending={pending}
        signatureReady={signatureReady}
        checklistOpen={checklistOpen}
        onTapped={status.tapped}
      />

      {loc && <LocationBlock loc={loc} />}
      <Attendance workOrderId={w.id} userId={session.user?.id ?? ''} pending={pending} disabled={done} />
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
      <Photos workOrderId={w.id} pending={pending} disabled={done} />
      <SignaturePad workOrderId={w.id} required={w.requiresSignature} pending={pending} disabled={done} />
      <Messages workOrderId={w.id} pending={pending} />
      <Notes workOrderId={w.id} pending={pending} />
      <Documents workOrderId={w.id} pending={pending} disabled={done} />
      {stamps.length > 0 && (
        <section className="crew-block" data-testid="crew-stamps">
          <div className="crew-label">Status history</div>
          {stamps.map((e) => (
            <div key={e.id} className="crew-card-row small">
              <span>{STATUS_LABEL[e.toStatus!] ?? e.toStatus}</span>
              <span className="muted">
                {fmt.dateTime(e.at)}
                {e.actorName ? ` · ${e.actorName}` : ''}
              </span>
            </div>
          ))}
        </section>
      )}
    </main>
  );
}
