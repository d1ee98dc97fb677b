import type { DeviceDto } from './queries';

/** "Never silent about bad input": what a device sent that was refused, by reason, with the last sample. */

type Status = NonNullable<DeviceDto['status']>;

export const REASONS: Record<string, string> = {
  checksum: 'bad checksum',
  overlong: 'line too long',
  malformed: 'malformed',
  binary: 'binary noise',
  unsupported: 'unsupported',
  timeout: 'no answer',
  exception: 'device exception',
  nofix: 'no GPS fix',
  overflow: 'flood dropped',
};

export function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : new Date(iso).toLocaleString();
}

/** Reason → count, largest first; 'nofix' is information, not an error, and sorts last. */
export function rejectionCounts(status: Status | null): [string, number][] {
  return Object.entries(status?.rejected ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => (a === 'nofix' ? 1 : 0) - (b === 'nofix' ? 1 : 0) || y - x);
}

/** The table cell: one chip per reason. */
export function RejectionChips({ status, invalid }: { status: Status | null; invalid: number }) {
  const counts = rejectionCounts(status);
  if (counts.length === 0 && invalid === 0) return <span className="muted">none</span>;
  return (
    <span className="tel-chips" data-testid="device-rejected">
      {counts.map(([reason, n]) => (
        <span
          key={reason}
          className={`tel-chip${reason === 'nofix' ? ' info' : ''}`}
          data-reason={reason}
          title={REASONS[reason] ?? reason}
        >
          {REASONS[reason] ?? reason} <b>{n.toLocaleString()}</b>
        </span>
      ))}
      {invalid > 0 && (
        <span className="tel-chip" data-reason="invalid" title="Decoded but refused by the host's checks (bad value, clock far ahead)">
          invalid <b>{invalid.toLocaleString()}</b>
        </span>
      )}
    </span>
  );
}

/** The last refused input, as a printable sample. */
export function LastRejection({ status }: { status: Status | null }) {
  const last = status?.lastRejection;
  if (!last) return <span className="muted">—</span>;
  return (
    <span
      className="tel-sample"
      title={`${REASONS[last.reason] ?? last.reason} ${ago(last.at)}:\n${last.detail}`}
      data-testid="device-last-rejection"
    >
      <b>{REASONS[last.reason] ?? last.reason}</b> <code>{last.detail}</code> <small className="muted">{ago(last.at)}</small>
    </span>
  );
}

/** The device panel's summary block: every counter, every reason, the last sample in full. */
export function RejectionSummary({ status, pipeline }: { status: Status; pipeline: DeviceDto['pipeline'] }) {
  const counts = rejectionCounts(status);
  return (
    <section className="tel-summary" data-testid="device-summary">
      <dl>
        <div>
          <dt>State</dt>
          <dd>
            <span className={`badge tel-${status.state}`}>{status.state}</span>
          </dd>
        </div>
        <div>
          <dt>Last frame</dt>
          <dd>{ago(status.lastFrameAt)}</dd>
        </div>
        <div>
          <dt>Frames</dt>
          <dd>{status.frames.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Bytes</dt>
          <dd>{status.bytes.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Stored</dt>
          <dd>{pipeline.stored.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Dropped (overload)</dt>
          <dd>{pipeline.dropped.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{status.errors.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Reconnects</dt>
          <dd>{status.reconnects.toLocaleString()}</dd>
        </div>
      </dl>
      {status.lastError && <p className="tel-error-line">Last port error: {status.lastError}</p>}
      {counts.length > 0 && (
        <table className="tel-reasons">
          <tbody>
            {counts.map(([reason, n]) => (
              <tr key={reason}>
                <td>{REASONS[reason] ?? reason}</td>
                <td className="num">{n.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status.lastRejection && (
        <p className="tel-last">
          Last refused ({REASONS[status.lastRejection.reason] ?? status.lastRejection.reason}, {ago(status.lastRejection.at)}):
          <code>{status.lastRejection.detail}</code>
        </p>
      )}
    </section>
  );
}
