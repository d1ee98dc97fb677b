import { outbox } from './offline/outbox';
import type { OutboxAction } from './offline/types';

/**
 * Everything a crew does on a work order, as outbox actions (see offline/types.ts). Components call
 * these and never the API directly: online or not, each action is stored first, replayed in order
 * and applied once. Components show the action as pending until the outbox reports it sent.
 */

export interface Position {
  lat: number;
  lon: number;
  accuracyM?: number;
}

const now = () => new Date().toISOString();

export const crewActions = {
  transition(
    workOrderId: string,
    to: string,
    label: string,
    opts: { reason?: string; position?: Position | null } = {},
  ): Promise<OutboxAction> {
    const occurredAt = now();
    return outbox.enqueue({
      kind: 'transition',
      workOrderId,
      label,
      preview: { to, reason: opts.reason ?? null },
      request: {
        method: 'POST',
        path: `/work-orders/${workOrderId}/transitions`,
        json: { to, occurredAt, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.position ? { position: opts.position } : {}) },
      },
    });
  },

  answer(workOrderId: string, itemId: string, itemLabel: string, value: boolean | number | string): Promise<OutboxAction> {
    const shown = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    return outbox.enqueue({
      kind: 'checklist',
      workOrderId,
      label: `${itemLabel}: ${shown}`,
      preview: { itemId, value },
      request: { method: 'PUT', path: `/work-orders/${workOrderId}/checklist/${itemId}`, json: { value } },
    });
  },

  note(workOrderId: string, body: string): Promise<OutboxAction> {
    return outbox.enqueue({
      kind: 'note',
      workOrderId,
      label: 'Note',
      preview: { body },
      request: { method: 'POST', path: `/work-orders/${workOrderId}/notes`, json: { body, occurredAt: now() } },
    });
  },

  message(workOrderId: string, body: string): Promise<OutboxAction> {
    return outbox.enqueue({
      kind: 'message',
      workOrderId,
      label: 'Message',
      preview: { body },
      request: { method: 'POST', path: `/work-orders/${workOrderId}/messages`, json: { body, occurredAt: now() } },
    });
  },

  attendance(workOrderId: string, kind: 'check_in' | 'check_out', position: Position | null): Promise<OutboxAction> {
    return outbox.enqueue({
      kind: 'attendance',
      workOrderId,
      label: kind === 'check_in' ? 'Check in' : 'Check out',
      preview: { kind },
      request: {
        method: 'POST',
        path: `/work-orders/${workOrderId}/attendance`,
        json: { kind, occurredAt: now(), ...(position ? { position } : {}) },
      },
    });
  },

  /** Photo, document or signature: the bytes go as the raw body, the facts in the query string. */
  upload(
    workOrderId: string,
    kind: 'photo' | 'document' | 'signature',
    file: Blob,
    fileName: string,
    meta: { takenAt?: string; position?: Position | null; signerName?: string } = {},
  ): Promise<OutboxAction> {
    const query: Record<string, string> = { kind, fileName };
    if (meta.takenAt) query.takenAt = meta.takenAt;
    if (meta.position) {
      query.lat = String(meta.position.lat);
      query.lon = String(meta.position.lon);
      if (meta.position.accuracyM !== undefined) query.accuracyM = String(Math.round(meta.position.accuracyM));
    }
    if (meta.signerName) query.signerName = meta.signerName;
    const label = kind === 'photo' ? 'Photo' : kind === 'signature' ? `Signature (${meta.signerName ?? ''})` : `Document ${fileName}`;
    return outbox.enqueue({
      kind: 'upload',
      workOrderId,
      label,
      preview: { kind, fileName },
      request: {
        method: 'POST',
        path: `/work-orders/${workOrderId}/attachments`,
        blob: file,
        contentType: file.type || 'application/octet-stream',
        query,
      },
    });
  },
};
