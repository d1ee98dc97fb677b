import { useState, type FormEvent } from 'react';
import { STATUS_LABEL } from '../../shared/work-orders/labels';
import type { WorkOrderDto } from '../../shared/work-orders/queries';

export interface PendingDrop {
  wo: WorkOrderDto;
  to: string;
  ask: 'reason' | 'comment' | 'confirm';
  via: 'transition' | 'closure';
}

function wording(p: PendingDrop): { title: string; field: string | null; action: string; required: boolean } {
  if (p.ask === 'reason')
    return {
      title: `Put ${p.wo.number} on hold`,
      field: 'Reason (the crew and the SLA report see it)',
      action: 'Put on hold',
      required: true,
    };
  if (p.ask === 'comment')
    return {
      title: `Reject closure of ${p.wo.number}`,
      field: 'What is still wrong? (sent back to the crew)',
      action: 'Reject, back to Dispatched',
      required: true,
    };
  if (p.via === 'closure') return { title: `Approve closure of ${p.wo.number}`, field: null, action: 'Approve and close', required: false };
  if (p.to === 'CANCELLED')
    return { title: `Cancel ${p.wo.number}`, field: 'Note (optional)', action: 'Cancel work order', required: false };
  return { title: `Move ${p.wo.number} to ${STATUS_LABEL[p.to]}`, field: 'Note (optional)', action: 'Move', required: false };
}

/** The small question a drop sometimes needs (a hold reason, a rejection comment, a confirmation), shown in the target column. */
export function DropDialog({ pending, onSubmit, onCancel }: { pending: PendingDrop; onSubmit(text: string): void; onCancel(): void }) {
  const [text, setText] = useState('');
  const w = wording(pending);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (w.required && !text.trim()) return;
    onSubmit(text.trim());
  };
  return (
    <form
      className="drop-dialog"
      role="dialog"
      aria-label={w.title}
      onSubmit={submit}
      data-testid="board-drop-dialog"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <div className="dd-title">{w.title}</div>
      <div className="dd-sub muted small" title={pending.wo.title}>
        {pending.wo.title}
      </div>
      {w.field && (
        <label className="small">
          {w.field}
          <textarea
            autoFocus
            rows={3}
            maxLength={500}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="board-drop-text"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) submit(e);
            }}
          />
        </label>
      )}
      <div className="dd-actions">
        <button type="button" onClick={onCancel}>
          Keep as is
        </button>
        <button
          type="submit"
          className="primary"
          disabled={w.required && !text.trim()}
          autoFocus={!w.field}
          data-testid="board-drop-confirm"
        >
          {w.action}
        </button>
      </div>
    </form>
  );
}
