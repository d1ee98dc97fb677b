import type { z } from 'zod';
import { ApiError } from '../../shared/api/errors';

/**
 * Per-field messages for a form, from the contract's own check before sending, or from the hub's
 * problem `errors` after; `form` holds what belongs to no field (the problem's detail).
 */
export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

export function fromZod(error: z.ZodError): FormErrors {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !fields[field]) fields[field] = issue.message;
  }
  return { fields, form: Object.keys(fields).length ? null : (error.issues[0]?.message ?? 'Check the form.') };
}

export function fromError(err: unknown): FormErrors {
  if (!(err instanceof ApiError)) return { fields: {}, form: (err as Error)?.message ?? 'Something went wrong.' };
  const fields: Record<string, string> = {};
  for (const e of err.errors) {
    // The hub names body fields with or without a "body." prefix; the form knows them by bare name.
    const field = e.field.replace(/^body\./, '');
    if (!fields[field]) fields[field] = e.message;
  }
  return { fields, form: err.message };
}
