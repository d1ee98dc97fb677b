import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useEscapeToClose } from '../../ui/useEscape';
import { originalFile } from '../../shared/work-orders/field-queries';

import { workOrderQueries, type AttachmentDto, type WorkOrderDto } from '../../shared/work-orders/queries';
import './field.css';
import { useDepotFormat } from '../../shared/locale/context';
import type { DepotFormat } from '../../shared/locale/format';

interface Meta {
  takenAt?: string | null;
  lat?: number | null;
  lon?: number | null;
  signerName?: string | null;
  width?: number | null;
  height?: number | null;
  watermarked?: boolean;
  hasOriginal?: boolean;
}
const metaOf = (a: AttachmentDto) => (a.meta ?? {}) as Meta;

const KIND_LABEL = { photo: 'Photos', signature: 'Signatures', document: 'Documents' } as const;

function caption(a: AttachmentDto, fmt: DepotFormat): string {
  const m = metaOf(a);
  if (a.kind === 'signature') return m.signerName ? `Signed by ${m.signerName}` : a.fileName;
  if (a.kind === 'photo') return fmt.dateTime(m.takenAt ?? a.createdAt);
  return a.fileName;
}

function Thumb({ a, onOpen }: { a: AttachmentDto; onOpen(): void }) {
  const fmt = useDepotFormat();
  const thumb = useQuery({ ...workOrderQueries.file(a.id, 'thumbnail'), enabled: a.hasThumbnail });
  const m = metaOf(a);
  return (
    <button
      type="button"
      className={`wo-thumb fx-thumb fx-${a.kind}`}
      onClick={onOpen}
      title={`${a.fileName} · ${(a.sizeBytes / 1024).toFixed(0)} KB`}
      data-testid="wo-attachment"
      data-kind={a.kind}
      data-id={a.id}
    >
      {a.hasThumbnail && thumb.data ? (
        <img src={thumb.data} alt={a.fileName} data-testid="wo-attachment-img" />
      ) : (
        <span className="wo-file-icon">
          {a.kind === 'signature' ? '✍' : (a.mimeType.split('/')[1]?.slice(0, 4).toUpperCase() ?? 'FILE')}
        </span>
      )}
      <span className="wo-thumb-name">{caption(a, fmt)}</span>
      <span className="fx-thumb-sub muted">
        {a.uploadedByName ?? ''}
        {a.kind === 'photo' && (m.lat == null ? ' · no location' : '')}
      </span>
    </button>
  );
}

/** The stored (watermarked, for photos) copy; a link to the untouched original beside it. */
function Lightbox({ a, onClose }: { a: AttachmentDto; onClose(): void }) {
  const fmt = useDepotFormat();
  const file = useQuery(workOrderQueries.file(a.id, 'content'));
  const m = metaOf(a);
  const hasOriginal = a.kind === 'photo' && m.hasOriginal !== false;
  const original = useQuery({ ...originalFile(a.id), enabled: false });
  useEscapeToClose(onClose);
  const image = a.kind !== 'document' || a.mimeType.startsWith('image/');
  const openOriginal = async () => {
    const url = original.data ?? (await original.refetch()).data;
    if (url) window.open(url, '_blank', 'noopener');
  };
  return (
    <div className="wo-lightbox" role="dialog" aria-label={a.fileName} onClick={onClose} data-testid="wo-lightbox">
      <div className="wo-lightbox-body" onClick={(e) => e.stopPropagation()}>
        {file.isError && <div className="form-error">{file.error.message}</div>}
        {file.data && image && <img src={file.data} alt={a.fileName} data-testid="wo-lightbox-img" />}
        {file.data && !image && (
          <a href={file.data} download={a.fileName}>
            Download {a.fileName}
          </a>
        )}
        <div className="wo-lightbox-cap">
          <span>
            {caption(a, fmt)}
            {m.lat != null && m.lon != null && (
              <span className="muted">
                {' '}
                · {m.lat.toFixed(5)}, {m.lon.toFixed(5)}
              </span>
            )}
            {m.width && m.height ? (
              <span className="muted">
                {' '}
                · {m.width}×{m.height}
              </span>
            ) : null}
          </span>
          <span className="muted">
            {a.uploadedByName ?? ''} · received {fmt.dateTime(a.createdAt)}
          </span>
          {hasOriginal && (
            <span>
              {original.data ? (
                <a href={original.data} download={a.fileName} data-testid="wo-original-link">
                  Original (no watermark)
                </a>
              ) : (
                <button type="button" className="link" onClick={() => void openOriginal()} data-testid="wo-original-link">
                  Original (no watermark)
                </button>
              )}
            </span>
          )}
          <button onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}

/** Photos, signatures and documents from the field, grouped; click opens the stored copy. */
export function Gallery({ wo }: { wo: WorkOrderDto }) {
  const attachments = useQuery(workOrderQueries.attachments(wo.id));
  const [open, setOpen] = useState<AttachmentDto | null>(null);
  const items = attachments.data?.items ?? [];
  return (
    <div className="wo-tab" data-testid="wo-attachments" data-state={attachments.isSuccess ? 'ready' : 'loading'}>
      {attachments.data && !items.length && <div className="muted">No photos or documents yet. Crews add them from the field.</div>}
      {(['photo', 'signature', 'document'] as const).map((kind) => {
        const group = items.filter((a) => a.kind === kind);
        if (!group.length) return null;
        return (
          <section key={kind} className="fx-group">
            <h4 className="fx-h">
              {KIND_LABEL[kind]} <span className="muted">{group.length}</span>
            </h4>
            <div className="wo-thumbs">
              {group.map((a) => (
                <Thumb key={a.id} a={a} onOpen={() => setOpen(a)} />
              ))}
            </div>
          </section>
        );
      })}
      {open && <Lightbox a={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
