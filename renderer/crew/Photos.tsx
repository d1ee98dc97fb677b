import { useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { workOrderQueries, type AttachmentDto } from '../shared/work-orders/queries';
import { crewActions } from './actions';
import { currentPosition, freshPosition } from './geo';
import type { OutboxAction } from './offline/types';
import { uploadsOf } from './pending';
import { HostThumb, LocalThumb, Refused, Viewer } from './proof-ui';
import { resizePhoto } from './resizeImage';
import { tooBig } from './upload-limits';

/** When the photo was taken: the file's own time if it is plausible (gallery), else now (camera). */
function takenAt(file: File): string {
  const t = file.lastModified;
  const now = Date.now();
  return t > now - 7 * 86_400_000 && t <= now + 60_000 ? new Date(t).toISOString() : new Date(now).toISOString();
}

/**
 * Photos from the camera (capture) or the gallery. Each is resized on the phone (≤ 2048 px, JPEG
 * 0.85), stamped with time and position, and queued; it shows from its own bytes until the host has
 * it, then from the host's thumbnail.
 */
export function Photos({ workOrderId, pending, disabled }: { workOrderId: string; pending: OutboxAction[]; disabled: boolean }) {
  const attachments = useQuery(workOrderQueries.attachments(workOrderId));
  const camera = useRef<HTMLInputElement>(null);
  const gallery = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<AttachmentDto | null>(null);
  const stored = (attachments.data?.items ?? []).filter((a) => a.kind === 'photo');
  const queued = uploadsOf(pending, 'photo');

  const add = async (list: File[]) => {
    if (!list.length) return;
    setError(null);
    setBusy((n) => n + list.length);
    const position = freshPosition() ?? (await currentPosition(5000));
    for (const file of list) {
      try {
        const resized = await resizePhoto(file, file.name || 'photo.jpg');
        const blob = resized?.blob ?? file;
        const big = tooBig('photo', blob.size);
        if (big) {
          setError(big);
          continue;
        }
        await crewActions.upload(workOrderId, 'photo', blob, resized?.fileName ?? (file.name || 'photo'), {
          takenAt: takenAt(file),
          position,
        });
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        setBusy((n) => n - 1);
      }
    }
  };

  return (
    <section className="crew-block" data-testid="crew-photos">
      <div className="crew-label">
        Photos <span className="muted">{stored.length + queued.filter((a) => a.state !== 'refused').length}</span>
      </div>
      {(stored.length > 0 || queued.length > 0) && (
        <div className="cp-thumbs">
          {stored.map((a) => (
            <HostThumb key={a.id} a={a} onOpen={() => setOpen(a)} />
          ))}
          {queued.map((a) => (
            <LocalThumb key={a.id} action={a} />
          ))}
        </div>
      )}
      {queued.map((a) => (
        <Refused key={a.id} action={a} />
      ))}
      {error && (
        <p role="alert" className="crew-error">
          {error}
        </p>
      )}
      {busy > 0 && (
        <div className="small muted" data-testid="crew-photo-busy">
          Preparing {busy} photo{busy > 1 ? 's' : ''}…
        </div>
      )}
      {!disabled && (
        <div className="crew-row-buttons">
          <button type="button" className="crew-big primary" onClick={() => camera.current?.click()} data-testid="crew-photo-camera">
            Take photo
          </button>
          <button type="button" className="crew-big" onClick={() => gallery.current?.click()} data-testid="crew-photo-gallery">
            From gallery
          </button>
        </div>
      )}
      {/* The inputs are hidden behind big buttons; `capture` opens the rear camera directly. */}
      <input
        ref={camera}
        type="file"
        accept="image/*"
        capture="environment"
        hidden
        data-testid="crew-photo-input"
        onChange={(e) => {
          void add([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <input
        ref={gallery}
        type="file"
        accept="image/*"
        multiple
        hidden
        data-testid="crew-gallery-input"
        onChange={(e) => {
          void add([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      {open && <Viewer a={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
