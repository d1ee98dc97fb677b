import type { ReactNode } from 'react';
import { ApiError } from '../../shared/api/client';
import { fieldErrors } from './queries';

/** A labelled input with the host's field message under it (problem+json `errors[]`). */
export function Field({ label, error, children, wide }: { label: string; error?: string; children: ReactNode; wide?: boolean }) {
  return (
    <label className={`adm-field${wide ? ' wide' : ''}${error ? ' has-error' : ''}`}>
      <span>{label}</span>
      {children}
      {error && (
        <em className="adm-field-error" data-testid="field-error">
          {error}
        </em>
      )}
    </label>
  );
}

/** The message of a failed save, plus any field messages that no field on the form shows. */
export function FormError({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const rest = Object.entries(fieldErrors(error)).filter(([k]) => !shown.some((s) => k === s || k.startsWith(`${s}.`)));
  // The host's detail repeats every field message; when they are shown beside the fields, say so briefly.
  const hasFields = error instanceof ApiError && error.errors.length > 0;
  const message = hasFields ? 'Not saved: see the messages marked in red.' : error instanceof Error ? error.message : String(error);
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      {message}
      {error instanceof ApiError && error.code === 'version_conflict' && ' Close the form and open it again to see the latest version.'}
      {rest.length > 0 && (
        <ul>
          {rest.map(([k, m]) => (
            <li key={k}>
              <b>{k}</b>: {m}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The side form used for create/edit across the admin views. */
export function SidePanel({
  title,
  onClose,
  children,
  footer,
  testId,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
}) {
  return (
    <aside className="adm-panel" data-testid={testId}>
      <header>
        <h3>{title}</h3>
        <button className="link" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <div className="adm-panel-body">{children}</div>
      {footer && <footer>{footer}</footer>}
    </aside>
  );
}

/** Empty text → null, so optional fields can be cleared. */
export const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/** A number input's text → number (NaN for garbage, which the host then names as the bad field). */
export const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

export function Tabs<T extends string>({ tabs, value, onChange }: { tabs: [T, string][]; value: T; onChange(v: T): void }) {
  return (
    <div className="adm-tabs" role="tablist">
      {tabs.map(([id, label]) => (
        <button
          key={id}
          role="tab"
          aria-selected={value === id}
          className={value === id ? 'active' : ''}
          onClick={() => onChange(id)}
          data-testid={`tab-${id}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
