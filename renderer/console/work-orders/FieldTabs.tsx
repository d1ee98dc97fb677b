import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../shared/api/session';
import { useLookups } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';

import { workOrderQueries, type ChecklistViewDto, type WorkOrderDto } from '../../shared/work-orders/queries';
import { formQueries, workOrderWrites } from './form-queries';
import { useDepotFormat } from '../../shared/locale/context';

type Row = ChecklistViewDto['items'][number];

function ChecklistRow({ wo, row, editable }: { wo: WorkOrderDto; row: Row; editable: boolean }) {
  const fmt = useDepotFormat();
  const toasts = useToasts();
  const lookups = useLookups();
  const queryClient = useQueryClient();
  const { item, answer } = row;
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = text ?? (answer?.value === null || answer?.value === undefined ? '' : String(answer.value));
  const save = async (value: boolean | number | string) => {
    setError(null);
    if (typeof value === 'number' && ((item.min !== undefined && value < item.min) || (item.max !== undefined && value > item.max))) {
      setError(`Outside ${item.min ?? '−∞'}–${item.max ?? '∞'}${item.unit ? ` ${item.unit}` : ''}`);
    }
    try {
      await workOrderWrites.answer(wo.id, item.id, value);
      setText(null);
      void queryClient.invalidateQueries({ queryKey: workOrderQueries.checklist(wo.id).queryKey });
    } catch (err) {
      toasts.error(err);
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const commitText = () => {
    const current = answer?.value === null || answer?.value === undefined ? '' : String(answer.value);
    if (text === null || text === current) return setText(null);
    if (item.kind === 'number') {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) return setError('A number, please');
      void save(n);
    } else if (text.trim()) void save(text.trim());
  };
  return (
    <li className={`wo-check ${answer ? 'answered' : ''}`} data-testid="wo-check-item" data-item={item.id}>
      <div className="wo-check-label">
        <span>{item.label}</span>
        {item.required && (
          <span className="wo-required" title="Required before completion">
            required
          </span>
        )}
        {item.kind === 'number' && (item.min !== undefined || item.max !== undefined) && (
          <span className="muted small">
            {item.min ?? '…'}–{item.max ?? '…'} {item.unit}
          </span>
        )}
      </div>
      <div className="wo-check-value">
        {item.kind === 'yesno' ? (
          <span className="wo-seg">
            {[true, false].map((v) => (
              <button
                key={String(v)}
                type="button"
                disabled={!editable}
                className={answer?.value === v ? 'on' : ''}
                onClick={() => void save(v)}
              >
                {v ? 'Yes' : 'No'}
              </button>
            ))}
          </span>
        ) : (
          <input
            type={item.kind === 'number' ? 'number' : 'text'}
            step="any"
            disabled={!editable}
            value={shown}
            placeholder={item.kind === 'number' ? (item.unit ?? 'value') : 'answer'}
            onChange={(e) => setText(e.target.value)}
            onBlur={commitText}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commitText())}
            className={item.kind === 'number' ? 'num' : ''}
          />
        )}
        {item.kind === 'number' && item.unit && <span className="muted small">{item.unit}</span>}
      </div>
      <div className="wo-check-meta muted small">
        {error ? (
          <span className="wo-field-error">{error}</span>
        ) : answer ? (
          `${answer.answeredBy ? (lookups.users.get(answer.answeredBy)?.name ?? '') : ''} ${fmt.dateTime(answer.answeredAt)}`
        ) : (
          ''
        )}
      </div>
    </li>
  );
}

export function ChecklistTab({ wo }: { wo: WorkOrderDto }) {
  const session = useSession();
  const checklist = useQuery(workOrderQueries.checklist(wo.id));
  const editable = session.can('workorder:field') && !['COMPLETED', 'CLOSED', 'CANCELLED'].includes(wo.status);
  if (!checklist.data) return <div className="wo-tab muted">Loading…</div>;
  if (!checklist.data.items.length) return <div className="wo-tab muted">No checklist on this work order.</div>;
  const done = checklist.data.items.filter((r) => r.answer).length;
  return (
    <div className="wo-tab" data-testid="wo-checklist">
      <div className="wo-tab-head">
        <span>
          {done} of {checklist.data.items.length} answered
        </span>
        <span className={`badge ${checklist.data.complete ? 'sla-ok' : 'sla-at_risk'}`}>
          {checklist.data.complete ? 'Required items done' : 'Required items open'}
        </span>
      </div>
      <ul className="wo-checklist">
        {checklist.data.items.map((row) => (
          <ChecklistRow key={row.item.id} wo={wo} row={row} editable={editable} />
        ))}
      </ul>
    </div>
  );
}

export function MaterialsTab({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const lookups = useLookups();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const materials = useQuery(workOrderQueries.materials(wo.id));
  const canUse = session.can('stock:use') && !['CLOSED', 'CANCELLED'].includes(wo.status);
  const items = useQuery({ ...formQueries.stockItems(), enabled: canUse });
  const depots = useQuery({ ...formQueries.depots(), enabled: canUse });
  const [itemId, setItemId] = useState('');
  const [depotId, setDepotId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [busy, setBusy] = useState(false);
  const depot = depotId || wo.depotId || depots.data?.[0]?.id || '';
  const add = async () => {
    setBusy(true);
    try {
      await workOrderWrites.useMaterial(wo.id, { itemId, depotId: depot, quantity: Number(quantity) });
      setItemId('');
      setQuantity('1');
      void queryClient.invalidateQueries({ queryKey: workOrderQueries.materials(wo.id).queryKey });
    } catch (err) {
      toasts.error(err);
    } finally {
      setBusy(false);
    }
  };
  const rows = materials.data?.items ?? [];
  return (
    <div className="wo-tab" data-testid="wo-materials">
      {rows.length ? (
        <table className="grid wo-mini">
          <thead>
            <tr>
              <th>Item</th>
              <th className="num">Qty</th>
              <th>Used by</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr key={m.id}>
                <td>
                  <b>{m.sku}</b> {m.name}
                </td>
                <td className="num">
                  {m.quantity} {m.unit}
                </td>
                <td>{m.usedBy ? (lookups.users.get(m.usedBy)?.name ?? '…') : '—'}</td>
                <td>{fmt.dateTime(m.usedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="muted">No materials recorded.</div>
      )}
      {canUse && (
        <form
          className="wo-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <select value={itemId} onChange={(e) => setItemId(e.target.value)} required aria-label="Item">
            <option value="">Material…</option>
            {items.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.sku} · {i.name}
              </option>
            ))}
          </select>
          <select value={depot} onChange={(e) => setDepotId(e.target.value)} aria-label="From depot">
            {depots.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          <input
            className="num"
            type="number"
            min="0"
            step="any"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
            aria-label="Quantity"
            style={{ width: 80 }}
          />
          <button type="submit" disabled={busy || !itemId}>
            Record use
          </button>
        </form>
      )}
    </div>
  );
}
