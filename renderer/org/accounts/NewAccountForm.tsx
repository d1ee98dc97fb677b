import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CreateAccountRequest, HUB_ROLES } from '../../../server/hub/accounts/contract';
import { createAccount } from './queries';
import { fromError, fromZod, NO_ERRORS, type FormErrors } from './field-errors';

const EMPTY = { email: '', name: '', role: 'manager' as (typeof HUB_ROLES)[number], password: '' };

/** Adds an account; the admin tells the person their initial password. */
export function NewAccountForm() {
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: createAccount,
    onSuccess: (account) => {
      setAdded(`${account.name} (${account.email}) can now sign in as ${account.role}.`);
      setForm(EMPTY);
      setErrors(NO_ERRORS);
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
    onError: (err) => setErrors(fromError(err)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const parsed = CreateAccountRequest.safeParse({ ...form, email: form.email.trim() });
    if (!parsed.success) return setErrors(fromZod(parsed.error));
    setErrors(NO_ERRORS);
    create.mutate(parsed.data);
  };
  const field = (name: keyof typeof EMPTY) => ({
    id: `${id}-${name}`,
    'aria-invalid': errors.fields[name] ? true : undefined,
    'aria-describedby': errors.fields[name] ? `${id}-${name}-error` : undefined,
  });
  const fieldError = (name: keyof typeof EMPTY) =>
    errors.fields[name] && (
      <span className="org-field-error" id={`${id}-${name}-error`}>
        {errors.fields[name]}
      </span>
    );

  return (
    <form className="rep-panel org-form" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="new-account" noValidate>
      <h3 id={`${id}-title`}>Add an account</h3>
      <div className="org-form-grid">
        <label htmlFor={`${id}-email`}>E-mail</label>
        <div>
          <input
            {...field('email')}
            type="email"
            autoComplete="off"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
            data-testid="new-email"
          />
          {fieldError('email')}
        </div>
        <label htmlFor={`${id}-name`}>Name</label>
        <div>
          <input {...field('name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="new-name" />
          {fieldError('name')}
        </div>
        <label htmlFor={`${id}-role`}>Role</label>
        <div>
          <select
            {...field('role')}
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as typeof form.role })}
            data-testid="new-role"
          >
            <option value="manager">Manager: sees every depot's figures</option>
            <option value="admin">Admin: also manages accounts and the organization</option>
          </select>
        </div>
        <label htmlFor={`${id}-password`}>Initial password</label>
        <div>
          <input
            {...field('password')}
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            data-testid="new-password"
          />
          {fieldError('password') || <span className="muted small">At least 10 characters. Tell it to the person yourself.</span>}
        </div>
      </div>
      {errors.form && (
        <div className="form-error" role="alert" data-testid="new-account-error">
          {errors.form}
        </div>
      )}
      {added && (
        <div className="org-ok" role="status" data-testid="new-account-done">
          {added}
        </div>
      )}
      <div className="org-form-actions">
        <button className="primary" type="submit" disabled={create.isPending} data-testid="new-submit">
          {create.isPending ? 'Adding…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}
