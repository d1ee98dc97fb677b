import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { workOrderQueries, type AttachmentDto } from '../shared/work-orders/queries';
import { outbox } from './offline/outbox';
import type { OutboxAction } from './offline/types';

/** Small pieces shared by the proof sections of the work-order page. */

/** An object URL for a local Blob, revoked when it is no longer shown. */
export function useObjectUrl(blob: Blob | null | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return setUrl(null);
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}

export function blobOf(action: OutboxAction): Blob | null {
  return 'blob' in action.request ? action.request.blob : null;
}

/** "waiting to send" / "sending…" under something the host does not have yet. */
export function PendingMark({ action }: { action: OutboxAction }) {
  if (action.state === 'refused') return null;
  return (
    <span className="cp-pending" data-testid="crew-pending-mark">
      {action.state === 'sending' ? 'sending…' : 'waiting to send'}
    </span>
  );
}

/** The host refused it: its words, and what the crew can do about it. */
export function Refused({ action }: { action: OutboxAction }) {
  if (action.state !== 'refused') return null;
  return (
    <div role="alert" className="crew-error cp-refused" data-testid="crew-refused">
      <div>
        <b>{action.label}</b> was not accepted: {action.lastError ?? 'refused by the host'}
      </div>
      <div className="crew-row-buttons">
        <button type="button" className="crew-btn" onClick={() => void outbox.discard(action.id)}>
          Discard
        </button>
        <button type="button" className="crew-btn" onClick={() => void outbox.retry(action.id)}>
          Try again
        </button>
      </div>
    </div>
  );
}

/** A photo still on the phone: shown from its own bytes. */
export function LocalThumb({ action }: { action: OutboxAction }) {
  const url = useObjectUrl(blobOf(action));
  return (
    <figure className={`cp-thumb cp-local ${action.state}`} data-testid="crew-photo-pending" data-state={action.state}>
      {url && <img src={url} alt={String(action.preview.fileName ?? 'photo')} />}
      <figcaption>{action.state === 'refused' ? 'not sent' : action.state === 'sending' ? 'sending…' : 'waiting to send'}</figcaption>
    </figure>
  );
}

/** A stored attachment's thumbnail, fetched with the Bearer header (an <img src> cannot carry it). */
export function HostThumb({ a, onOpen }: { a: AttachmentDto; onOpen(): void }) {
  const thumb = useQuery({ ...workOrderQueries.file(a.id, 'thumbnail'), enabled: a.hasThumbnail });
  return (
    <button type="button" className="cp-thumb" onClick={onOpen} data-testid="crew-photo" data-id={a.id} aria-label={`Open ${a.fileName}`}>
      {thumb.data ? (
        <img src={thumb.data} alt={a.fileName} />
      ) : (
        <span className="cp-thumb-empty">{a.kind === 'signature' ? '✍' : '…'}</span>
      )}
    </button>
  );
}

/** Full-screen view of the stored (watermarked) copy. */
export function Viewer({ a, onClose }: { a: AttachmentDto; onClose(): void }) {
  const file = useQuery(workOrderQueries.file(a.id, 'content'));
  return (
    <div className="cp-viewer" role="dialog" aria-label={a.fileName} onClick={onClose} data-testid="crew-viewer">
      {file.data && a.mimeType.startsWith('image/') ? (
        <img src={file.data} alt={a.fileName} />
      ) : file.data ? (
        <a href={file.data} download={a.fileName}>
          Download {a.fileName}
        </a>
      ) : (
        <span>Loading…</span>
      )}
      <button type="button" className="crew-big" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

export function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
