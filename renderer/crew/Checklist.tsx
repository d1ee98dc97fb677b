import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';

import { crewQueries, type ChecklistViewDto } from './queries';
import { crewActions } from './actions';
import { usePending } from './offline/useOutbox';
import type { OutboxAction } from './offline/types';
import { useDepotFormat } from '../shared/locale/context';

type Row = ChecklistViewDto['items'][number];
type Value = boolean | number | string;

const show = (v: Value) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

/**
 * One item. An answer goes to the outbox (crewActions.answer) and shows at once, marked
 * "waiting to send" until the host has it; a refused answer shows the host's reason.
 */
function ItemRow({ workOrderId, row, pending }: { workOrderId: string; row: Row; pending: OutboxAction[] }) {
  const fmt = useDepotFormat();
  const { item, answer } = row;
  const waiting = pending.filter((a) => a.state !== 'refused').at(-1);
  const refused = pending.filter((a) => a.state === 'refused').at(-1);
  const shown: Value | null | undefined = waiting ? (waiting.preview.value as Value) : (answer?.value as Value | null | undefined);
  const [draft, setDraft] = useState(shown === undefined || shown === null ? '' : String(shown));
  const [error, setError] = useState<string | null>(null);
  const save = (value: Value) => {
    setError(null);
    crewActions
      .answer(workOrderId, item.id, item.label, value)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  };
  const unit = item.unit ? ` ${item.unit}` : '';
  return (
    <li
      className="crew-check"
      data-testid={`crew-check-${item.id}`}
      data-answered={answer || waiting ? 'yes' : 'no'}
      data-pending={waiting ? 'yes' : 'no'}
    >
      <div className="crew-check-label">
        {item.label}
        {item.required && (
          <span className="crew-req" title="required">
            *
          </span>
        )}
        {item.kind === 'number' && (item.min !== undefined || item.max !== undefined) && (
          <span className="small muted">
            {' '}
            ({item.min ?? '…'}–{item.max ?? '…'}
            {unit})
          </span>
        )}
      </div>
      {item.kind === 'yesno' ? (
        <div className="crew-row-buttons">
          {[true, false].map((v) => (
            <button
              key={String(v)}
              type="button"
              className={`crew-btn ${shown === v ? 'on' : ''}`}
              aria-pressed={shown === v}
              onClick={() => shown !== v && save(v)}
            >
              {v ? 'Yes' : 'No'}
            </button>
          ))}
        </div>
      ) : (
        <form
          className="crew-row-buttons"
          onSubmit={(e) => {
            e.preventDefault();
            if (!draft.trim()) return;
            save(item.kind === 'number' ? Number(draft) : draft.trim());
          }}
        >
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            inputMode={item.kind === 'number' ? 'decimal' : 'text'}
            type={item.kind === 'number' ? 'number' : 'text'}
            step="any"
            aria-label={item.label}
          />
          <button type="submit" className="crew-btn" disabled={!draft.trim() || draft.trim() === String(shown ?? '')}>
            Save
          </button>
        </form>
      )}
      {error && (
        <div role="alert" className="crew-error small">
          {error}
        </div>
      )}
      {refused && !waiting && (
        <div role="alert" className="crew-error small" data-testid="crew-check-refused">
          Not accepted ({show(refused.preview.value as Value)}): {refused.lastError}
        </div>
      )}
      {waiting ? (
        <div className="crew-waiting" data-testid="crew-check-waiting">
          {waiting.state === 'sending' ? 'Sending…' : 'Waiting to send'}
        </div>
      ) : (
        answer && <div className="small muted">Answered {fmt.dateTime(answer.answeredAt)}</div>
      )}
    </li>
  );
}

export function Checklist({ workOrderId }: { workOrderId: string }) {
  const list = useQuery(crewQueries.checklist(workOrderId));
  const pending = usePending(workOrderId);
  if (!list.data?.items.length) return null;
  const answers = pending.filter((a) => a.kind === 'checklist');
  const pendingFor = (itemId: string) => answers.filter((a) => a.preview.itemId === itemId);
  const done = list.data.items.filter((r) => r.answer || pendingFor(r.item.id).some((a) => a.state !== 'refused')).length;
  return (
    <section className="crew-block" data-testid="crew-checklist">
      <div className="crew-label">
        Checklist{' '}
        <span className="muted">
          {done}/{list.data.items.length}
        </span>
      </div>
      <ul className="crew-checks">
        {list.data.items.map((row) => (
          <ItemRow
            key={`${row.item.id}:${row.answer?.version ?? 0}`}
            workOrderId={workOrderId}
            row={row}
            pending={pendingFor(row.item.id)}
          />
        ))}
      </ul>
    </section>
  );
}
