import type { ReplicaStatus } from '../../../server/org-view/contract';
import { useNow } from '../../ui/useNow';
import { useOrg } from '../shell/org-context';

/**
 * How fresh the figures are: the hub computes them from its replica of the depots' data, which
 * lags the depots by their last sync and the replica by its last catch-up.
 */
export function Freshness({ replica, onRefresh, refreshing }: { replica: ReplicaStatus; onRefresh(): void; refreshing: boolean }) {
  const { fmt, zone } = useOrg();
  const now = useNow(30_000);
  const behind = replica.version < replica.hubVersion;
  return (
    <span className="org-fresh" data-testid="freshness" data-version={replica.version}>
      <span title={`${fmt.dateTime(replica.caughtUpAt)} (${zone})`}>
        Figures as of {fmt.time(replica.caughtUpAt)} ({fmt.ago(replica.caughtUpAt, now)})
      </span>
      <span className="muted"> · hub version {fmt.count(replica.version)}</span>
      {behind && (
        <span className="org-warn" title="The hub has newer changes than these figures include; they arrive with the next catch-up.">
          {' '}
          · catching up to {fmt.count(replica.hubVersion)}
        </span>
      )}
      <button
        className="link org-refresh"
        onClick={onRefresh}
        disabled={refreshing}
        aria-label="Refresh the figures"
        title="Refresh"
        data-testid="refresh"
      >
        ↻
      </button>
    </span>
  );
}
