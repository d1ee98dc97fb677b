import { useQuery } from '@tanstack/react-query';
import type { LiveState } from '../../shared/api/live';

/** Two facts a dispatcher must trust at a glance: the host answers, and live updates are flowing. */
export function ConnectionIndicator({ live }: { live: LiveState }) {
  const health = useQuery({
    queryKey: ['health'],
    queryFn: async () => {
      const res = await fetch('/healthz');
      if (!res.ok) throw new Error(String(res.status));
      return (await res.json()) as { status: string };
    },
    refetchInterval: 10_000,
    retry: false,
  });
  const hostOk = health.isSuccess && health.data.status === 'ok';
  const state = !hostOk && !health.isPending ? 'offline' : live;
  const label = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Host unreachable';
  return (
    <div
      className={`conn conn-${state}`}
      data-testid="connection"
      data-state={state}
      title={`Host ${hostOk ? 'reachable' : 'not reachable'} · updates ${live}`}
    >
      <span className="dot" /> {label}
    </div>
  );
}
