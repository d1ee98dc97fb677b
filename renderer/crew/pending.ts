import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { OutboxAction } from './offline/types';

/**
 * Reading the outbox for the work-order page: what the crew did that the host has not confirmed
 * yet, per kind, so each section shows it at once (marked "waiting to send").
 */

type UploadKind = 'photo' | 'document' | 'signature';

export const ofKind = (actions: OutboxAction[], kind: OutboxAction['kind']) => actions.filter((a) => a.kind === kind);

export function uploadsOf(actions: OutboxAction[], kind: UploadKind): OutboxAction[] {
  return actions.filter((a) => a.kind === 'upload' && a.preview.kind === kind);
}

/** The status the crew last asked for and the host has not confirmed (refused moves do not count). */
export function pendingStatus(actions: OutboxAction[]): string | null {
  const moves = actions.filter((a) => a.kind === 'transition' && a.state !== 'refused');
  const last = moves.at(-1);
  return typeof last?.preview.to === 'string' ? last.preview.to : null;
}

/** Which queries show the result of a sent action (the socket refreshes them too, when it is up). */
const KEYS_BY_KIND: Record<OutboxAction['kind'], (id: string) => unknown[][]> = {
  transition: (id) => [['work_orders'], ['work_order_events', id]],
  note: (id) => [['work_order_events', id]],
  message: (id) => [['work_order_messages', id]],
  checklist: (id) => [['checklist_results', id]],
  upload: (id) => [['attachments', id]],
  attendance: (id) => [['attendance', id]],
};

/**
 * When an action leaves the outbox (sent), refetch what it changed right away instead of waiting
 * for the socket's message: the pending mark disappears and the host's version replaces it with
 * as little flicker as possible. Returns the statuses sent but not yet seen in the work order.
 */
export function useRefreshOnSent(workOrderId: string, actions: OutboxAction[]): void {
  const queryClient = useQueryClient();
  const previous = useRef<OutboxAction[]>([]);
  useEffect(() => {
    const now = new Set(actions.map((a) => a.id));
    const gone = previous.current.filter((a) => !now.has(a.id) && a.state !== 'refused');
    previous.current = actions;
    const kinds = new Set(gone.map((a) => a.kind));
    for (const kind of kinds) for (const key of KEYS_BY_KIND[kind](workOrderId)) void queryClient.invalidateQueries({ queryKey: key });
  }, [actions, workOrderId, queryClient]);
}
