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
