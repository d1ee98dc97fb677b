import type { DeviceDto } from './queries';
import { useDepotFormat } from '../../shared/locale/context';
import type { DepotFormat } from '../../shared/locale/format';

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

/** "3 minutes ago" in the depot's language; past an hour, the depot's date and time. */
export function ago(iso: string | null, fmt: DepotFormat): string {
  if (!iso) return 'never';
  const now = Date.now();
  return now - Date.parse(iso) < 3_600_000 ? fmt.relative(Math.min(Date.parse(iso), now), now) : fmt.dateTime(iso);
}

/** Reason → count, largest first; 'nofix' is information, not an error, and sorts last. */
export function rejectionCounts(status: Status | null): [string, number][] {
  return Object.entries(status?.rejected ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => (a === 'nofix' ? 1 : 0) - (b === 'nofix' ? 1 : 0) || y - x);
}

/** The table cell: one chip per reason. */
export function RejectionChips({ status, invalid }: { status: Status | null; invalid: number }) {
  const fmt = useDepotFormat();
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
          {REASONS[reason] ?? reason} <b>{fmt.number(n)}</b>
        </span>
      ))}
      {invalid > 0 && (
        <span className="tel-chip" data-reason="invalid" title="Decoded but refused by the host's checks (bad value, clock far ahead)">
          invalid <b>{fmt.number(invalid)}</b>
        </span>
      )}
    </span>
  );
}

/** The last refused input, as a printable sample. */
export function LastRejection({ status }: { status: Status | null }) {
  const fmt = useDepotFormat();
  const last = status?.lastRejection;
  if (!last) return <span className="muted">—</span>;
  return (
    <span
      className="tel-sample"
      title={`${REASONS[last.reason] ?? last.reason} ${ago(last.at, fmt)}:\n${last.detail}`}
      data-testid="device-last-rejection"
    >
      <b>{REASONS[last.reason] ?? last.reason}</b> <code>{last.detail}</code> <small className="muted">{ago(last.at, fmt)}</small>
    </span>
  );
}

/** The device panel's summary block: every counter, every reason, the last sample in full. */
export function RejectionSummary({ status, pipeline }: { status: Status; pipeline: DeviceDto['pipeline'] }) {
  const fmt = useDepotFormat();
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
          <dd>{ago(status.lastFrameAt, fmt)}</dd>
        </div>
        <div>
          <dt>Frames</dt>
          <dd>{fmt.number(status.frames)}</dd>
        </div>
        <div>
          <dt>Bytes</dt>
          <dd>{fmt.number(status.bytes)}</dd>
        </div>
        <div>
          <dt>Stored</dt>
          <dd>{fmt.number(pipeline.stored)}</dd>
        </div>
        <div>
          <dt>Dropped (overload)</dt>
          <dd>{fmt.number(pipeline.dropped)}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{fmt.number(status.errors)}</dd>
        </div>
        <div>
          <dt>Reconnects</dt>
          <dd>{fmt.number(status.reconnects)}</dd>
        </div>
      </dl>
      {status.lastError && <p className="tel-error-line">Last port error: {status.lastError}</p>}
      {counts.length > 0 && (
        <table className="tel-reasons">
          <tbody>
            {counts.map(([reason, n]) => (
              <tr key={reason}>
                <td>{REASONS[reason] ?? reason}</td>
                <td className="num">{fmt.number(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status.lastRejection && (
        <p className="tel-last">
          Last refused ({REASONS[status.lastRejection.reason] ?? status.lastRejection.reason}, {ago(status.lastRejection.at, fmt)}):
          <code>{status.lastRejection.detail}</code>
        </p>
      )}
    </section>
  );
}
