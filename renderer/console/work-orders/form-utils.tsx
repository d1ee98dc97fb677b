import { ApiError } from '../../shared/api/client';
import type { DepotFormat } from '../../shared/locale/format';

/** "2026-11-16T13:00" on the depot's clock (a DateTimeField's value) from an ISO time. */
export function toLocalInput(iso: string | null | undefined, fmt: DepotFormat): string {
  return iso ? `${fmt.dayKey(iso)}T${fmt.clock(iso)}` : '';
}

/** ISO time from a depot wall-clock value; '' is "not set". */
export function fromLocalInput(value: string, fmt: DepotFormat): string | null {
  const [day = '', time = ''] = value.split('T');
  const ms = value ? fmt.instant(day, time) : null;
  return ms === null ? null : new Date(ms).toISOString();
}

/** The host's field messages keyed by field name ("body.title" → "title"), to show next to inputs. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) for (const e of err.errors) out[e.field.replace(/^body\./, '')] ??= e.message;
  return out;
}

/** The message to show for a failed write: the host's own words. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when a key press is aimed at a text field (shortcuts must not steal typing). */
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export function durationText(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function FieldError({ text }: { text: string | undefined }) {
  return text ? (
    <span className="wo-field-error" role="alert">
      {text}
    </span>
  ) : null;
}
