import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatTime } from '../console/work-orders/labels';
import { crewQueries, crewWrites, type ChecklistViewDto } from './queries';

type Row = ChecklistViewDto['items'][number];

function ItemRow({ workOrderId, row }: { workOrderId: string; row: Row }) {
  const queryClient = useQueryClient();
  const { item, answer } = row;
  const [draft, setDraft] = useState(answer?.value === undefined || answer?.value === null ? '' : String(answer.value));
  const save = useMutation({
    mutationFn: (value: boolean | number | string) => crewWrites.answer(workOrderId, item.id, value),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['checklist_results', workOrderId] }),
  });
  const unit = item.unit ? ` ${item.unit}` : '';
  return (
    <li className="crew-check" data-testid={`crew-check-${item.id}`} data-answered={answer ? 'yes' : 'no'}>
      <div className="crew-check-label">
        {item.label}
        {item.required && <span className="crew-req" title="required">*</span>}
        {item.kind === 'number' && (item.min !== undefined || item.max !== undefined) && (
          <span className="small muted"> ({item.min ?? '…'}–{item.max ?? '…'}{unit})</span>
        )}
      </div>
      {item.kind === 'yesno' ? (
        <div className="crew-row-buttons">
          {[true, false].map((v) => (
            <button key={String(v)} type="button" className={`crew-btn ${answer?.value === v ? 'on' : ''}`} disabled={save.isPending} onClick={() => save.mutate(v)}>
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
            save.mutate(item.kind === 'number' ? Number(draft) : draft.trim());
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
          <button type="submit" className="crew-btn" disabled={save.isPending || !draft.trim() || draft === String(answer?.value ?? '')}>
            Save
          </button>
        </form>
      )}
      {save.error && <div role="alert" className="crew-error small">{save.error.message}</div>}
      {answer && <div className="small muted">Answered {formatTime(answer.answeredAt)}</div>}
    </li>
  );
}

export function Checklist({ workOrderId }: { workOrderId: string }) {
  const list = useQuery(crewQueries.checklist(workOrderId));
  if (!list.data?.items.length) return null;
  const done = list.data.items.filter((r) => r.answer).length;
  return (
    <section className="crew-block" data-testid="crew-checklist">
      <div className="crew-label">
        Checklist <span className="muted">{done}/{list.data.items.length}</span>
      </div>
      <ul className="crew-checks">
        {list.data.items.map((row) => (
          <ItemRow key={`${row.item.id}:${row.answer?.version ?? 0}`} workOrderId={workOrderId} row={row} />
        ))}
      </ul>
    </section>
  );
}
