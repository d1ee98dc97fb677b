import type { z } from 'zod';
import type { ModbusSettingsSchema } from '../../../server/telemetry/contract';
import { Field } from '../admin/forms';

/**
 * The register map of a Modbus RTU device: which holding/input registers to poll and how each
 * becomes a metric (value = raw × scale + offset). Numbers stay as typed text until saved, so a
 * half-typed "-0." is not rewritten under the cursor; the host names any bad field.
 */

export type ModbusSettings = z.input<typeof ModbusSettingsSchema>;
type RegType = 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32';

export interface RegisterDraft {
  name: string;
  unit: string;
  function: '3' | '4';
  address: string;
  type: RegType;
  scale: string;
  offset: string;
  wordOrder: 'big' | 'little';
}

export interface ModbusDraft {
  unitId: string;
  pollIntervalMs: string;
  timeoutMs: string;
  registers: RegisterDraft[];
}

const TYPES: RegType[] = ['uint16', 'int16', 'uint32', 'int32', 'float32'];
const blankRegister = (address = 0): RegisterDraft => ({
  name: '',
  unit: '',
  function: '3',
  address: String(address),
  type: 'uint16',
  scale: '1',
  offset: '0',
  wordOrder: 'big',
});

export function toDraft(m: ModbusSettings | null | undefined): ModbusDraft {
  if (!m) return { unitId: '1', pollIntervalMs: '1000', timeoutMs: '500', registers: [blankRegister()] };
  return {
    unitId: String(m.unitId),
    pollIntervalMs: String(m.pollIntervalMs ?? 1000),
    timeoutMs: String(m.timeoutMs ?? 500),
    registers: m.registers.map((r) => ({
      name: r.name,
      unit: r.unit ?? '',
      function: String(r.function) as '3' | '4',
      address: String(r.address),
      type: r.type,
      scale: String(r.scale ?? 1),
      offset: String(r.offset ?? 0),
      wordOrder: r.wordOrder ?? 'big',
    })),
  };
}

const number = (s: string) => (s.trim() === '' ? NaN : Number(s));
const is32 = (t: RegType) => t !== 'uint16' && t !== 'int16';

export function fromDraft(d: ModbusDraft): ModbusSettings {
  return {
    unitId: number(d.unitId),
    pollIntervalMs: number(d.pollIntervalMs),
    timeoutMs: number(d.timeoutMs),
    registers: d.registers.map((r) => ({
      name: r.name.trim(),
      unit: r.unit.trim() === '' ? null : r.unit.trim(),
      function: r.function === '4' ? 4 : 3,
      address: number(r.address),
      type: r.type,
      scale: number(r.scale),
      offset: number(r.offset),
      ...(is32(r.type) ? { wordOrder: r.wordOrder } : {}),
    })),
  };
}

export function ModbusEditor({
  draft,
  onChange,
  errors,
}: {
  draft: ModbusDraft;
  onChange(d: ModbusDraft): void;
  errors: Record<string, string>;
}) {
  const set = (k: 'unitId' | 'pollIntervalMs' | 'timeoutMs') => (e: { target: { value: string } }) =>
    onChange({ ...draft, [k]: e.target.value });
  const setReg = (i: number, patch: Partial<RegisterDraft>) =>
    onChange({ ...draft, registers: draft.registers.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const remove = (i: number) => onChange({ ...draft, registers: draft.registers.filter((_, j) => j !== i) });
  const add = () => {
    const last = draft.registers.at(-1);
    // The next free address after the last register (32-bit types take two).
    const next = last ? number(last.address) + (is32(last.type) ? 2 : 1) : 0;
    onChange({ ...draft, registers: [...draft.registers, blankRegister(Number.isFinite(next) ? next : 0)] });
  };
  const regError = (i: number) =>
    Object.entries(errors)
      .filter(([k]) => k.startsWith(`modbus.registers.${i}.`))
      .map(([k, m]) => `${k.split('.').at(-1)}: ${m}`);
  return (
    <div className="tel-modbus" data-testid="modbus-editor">
      <h4>Modbus polling</h4>
      <fieldset className="adm-grid tel-modbus-head">
        <Field label="Unit id (slave address)" error={errors['modbus.unitId']}>
          <input value={draft.unitId} onChange={set('unitId')} inputMode="numeric" data-testid="modbus-unit" />
        </Field>
        <Field label="Poll every (ms)" error={errors['modbus.pollIntervalMs']}>
          <input value={draft.pollIntervalMs} onChange={set('pollIntervalMs')} inputMode="numeric" />
        </Field>
        <Field label="Answer timeout (ms)" error={errors['modbus.timeoutMs']}>
          <input value={draft.timeoutMs} onChange={set('timeoutMs')} inputMode="numeric" />
        </Field>
      </fieldset>
      <h4>Register map {errors['modbus.registers'] && <em className="adm-field-error">{errors['modbus.registers']}</em>}</h4>
      <div className="tel-regs" data-testid="modbus-registers">
        {draft.registers.map((r, i) => {
          const problems = regError(i);
          const bad = (field: string) => (errors[`modbus.registers.${i}.${field}`] ? 'bad' : undefined);
          return (
            <div key={i} className="tel-reg" title={problems.join('\n') || undefined} data-testid="modbus-register">
              <label className="tel-reg-name">
                <span>Metric {i + 1}</span>
                <input
                  value={r.name}
                  onChange={(e) => setReg(i, { name: e.target.value })}
                  placeholder="pump.pressure"
                  className={bad('name')}
                  data-testid="modbus-reg-name"
                />
              </label>
              <label>
                <span>Unit</span>
                <input value={r.unit} onChange={(e) => setReg(i, { unit: e.target.value })} placeholder="bar" className={bad('unit')} />
              </label>
              <button
                className="link tel-reg-remove"
                onClick={() => remove(i)}
                disabled={draft.registers.length === 1}
                aria-label={`remove register ${i + 1}`}
                title="Remove"
              >
                ✕
              </button>
              <label title="3 = holding registers, 4 = input registers">
                <span>Function</span>
                <select value={r.function} onChange={(e) => setReg(i, { function: e.target.value as '3' | '4' })}>
                  <option value="3">3</option>
                  <option value="4">4</option>
                </select>
              </label>
              <label>
                <span>Address</span>
                <input
                  value={r.address}
                  onChange={(e) => setReg(i, { address: e.target.value })}
                  inputMode="numeric"
                  className={bad('address')}
                  data-testid="modbus-reg-address"
                />
              </label>
              <label>
                <span>Type</span>
                <select value={r.type} onChange={(e) => setReg(i, { type: e.target.value as RegType })} aria-label="type">
                  {TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </label>
              <label title="value = raw × scale + offset">
                <span>× Scale</span>
                <input value={r.scale} onChange={(e) => setReg(i, { scale: e.target.value })} className={bad('scale')} />
              </label>
              <label>
                <span>+ Offset</span>
                <input value={r.offset} onChange={(e) => setReg(i, { offset: e.target.value })} className={bad('offset')} />
              </label>
              <label title="32-bit types: ABCD = first register holds the high word">
                <span>Words</span>
                <select
                  value={r.wordOrder}
                  onChange={(e) => setReg(i, { wordOrder: e.target.value as 'big' | 'little' })}
                  disabled={!is32(r.type)}
                >
                  <option value="big">ABCD</option>
                  <option value="little">CDAB</option>
                </select>
              </label>
            </div>
          );
        })}
      </div>
      {draft.registers.some((_, i) => regError(i).length > 0) && (
        <ul className="tel-reg-errors">
          {draft.registers.flatMap((_, i) =>
            regError(i).map((m) => (
              <li key={`${i}${m}`}>
                Register {i + 1}: {m}
              </li>
            )),
          )}
        </ul>
      )}
      <button onClick={add} disabled={draft.registers.length >= 125} data-testid="modbus-add-register">
        Add register
      </button>
    </div>
  );
}
