import { useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { workOrderQueries, type AttachmentDto } from '../shared/work-orders/queries';
import { crewActions } from './actions';
import type { OutboxAction } from './offline/types';
import { uploadsOf } from './pending';
import { formatBytes, PendingMark, Refused, Viewer } from './proof-ui';
import { LIMITS, tooBig } from './upload-limits';

/**
 * Documents (delivery notes, test certificates, a PDF from the customer). Sent as they are; the host
 * decides by content and its refusal (too big, wrong type) is shown with its own words.
 */
export function Documents({ workOrderId, pending, disabled }: { workOrderId: string; pending: OutboxAction[]; disabled: boolean }) {
  const attachments = useQuery(workOrderQueries.attachments(workOrderId));
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<AttachmentDto | null>(null);
  const stored = (attachments.data?.items ?? []).filter((a) => a.kind === 'document');
  const queued = uploadsOf(pending, 'document');

  const add = async (files: File[]) => {
    setError(null);
    for (const file of files) {
      const big = tooBig('document', file.size);
      if (big) {
        setError(`${file.name}: ${big}`);
        continue;
      }
      try {
        await crewActions.upload(workOrderId, 'document', file, file.name || 'document');
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    }
  };

  return (
    <section className="crew-block" data-testid="crew-documents">
      <div className="crew-label">Documents</div>
      <ul className="cp-files">
        {stored.map((a) => (
          <li key={a.id} data-testid="crew-document">
            <button type="button" className="cp-file" onClick={() => setOpen(a)}>
              <span className="cp-file-name">{a.fileName}</span>
              <span className="small muted">{formatBytes(a.sizeBytes)}</span>
            </button>
          </li>
        ))}
        {queued.map((a) => (
          <li key={a.id} data-testid="crew-document-pending" data-state={a.state}>
            <div className="cp-file">
              <span className="cp-file-name">{String(a.preview.fileName ?? 'document')}</span>
              <PendingMark action={a} />
            </div>
            <Refused action={a} />
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="crew-error" data-testid="crew-document-error">
          {error}
        </p>
      )}
      {!disabled && (
        <button type="button" className="crew-big" onClick={() => input.current?.click()} data-testid="crew-document-add">
          Add document
        </button>
      )}
      <div className="small muted cp-limits" data-testid="crew-document-limits">
        {LIMITS.document.types}, up to {LIMITS.document.maxBytes / 1024 / 1024} MB each.
      </div>
      <input
        ref={input}
        type="file"
        accept="application/pdf,image/jpeg,image/png,image/webp,text/plain,.pdf,.txt"
        multiple
        hidden
        data-testid="crew-document-input"
        onChange={(e) => {
          void add([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      {open && <Viewer a={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
