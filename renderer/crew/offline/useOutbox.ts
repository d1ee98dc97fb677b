import { useMemo, useSyncExternalStore } from 'react';
import { outbox } from './outbox';
import type { OutboxAction } from './types';

/**
 * React's view of the outbox: one module-level snapshot (a new array only when the list changes),
 * fed by outbox.subscribe, read through useSyncExternalStore so every component sees the same list.
 */
let snapshot: OutboxAction[] = [];
const notify = new Set<() => void>();

outbox.subscribe((list) => {
  snapshot = list;
  for (const n of notify) n();
});
void outbox.list();

function subscribe(onChange: () => void): () => void {
  notify.add(onChange);
  return () => notify.delete(onChange);
}
const getSnapshot = () => snapshot;

/** Every action not yet accepted by the host (pending, sending, refused, held), oldest first. */
export function useOutbox(): OutboxAction[] {
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/**
 * The signed-in user's actions on one work order not yet accepted by the host, oldest first.
 * Someone else's (`held`) are left out: they are not this user's steps and will not be sent as theirs.
 */
export function usePending(workOrderId: string): OutboxAction[] {
  const all = useOutbox();
  return useMemo(() => all.filter((a) => a.workOrderId === workOrderId && a.state !== 'held'), [all, workOrderId]);
}

/** The browser's idea of the network (false = certainly offline; true = maybe reachable). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      window.addEventListener('online', onChange);
      window.addEventListener('offline', onChange);
      return () => {
        window.removeEventListener('online', onChange);
        window.removeEventListener('offline', onChange);
      };
    },
    () => navigator.onLine,
    () => true,
  );
}
