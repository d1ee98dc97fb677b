import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { UpdateAccountRequest, type AccountView } from '../../../server/hub/accounts/contract';
import { useOrg } from '../shell/org-context';
import { fromError, fromZod } from './field-errors';
import { updateAccount } from './queries';

/**
 * One account: role, enabled or not, a new password. The hub decides what is allowed (an admin
 * cannot disable or demote the last admin, for one); its refusal is shown under the row.
 */
export function AccountRow({ account, self, now }: { account: AccountView; self: boolean; now: number }) {
  const { fmt } = useOrg();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [settingPassword, setSettingPassword] = useState(false);
  const update = useMutation({
    mutationFn: (body: UpdateAccountRequest) => updateAccount(account.id, body),
    onMutate: () => {
      setError(null);
      setDone(null);
    },
    onSuccess: (_a, body) => {
      if (body.password) {
        setSettingPassword(false);
        setDone(`New password set for ${account.name}.`);
      }
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
    onError: (err) => setError(fromError(err).form),
  });
  const who = `${account.name}${self ? ' (you)' : ''}`;
  return (
    <>
      <tr data-testid="account-row" data-email={account.email} data-role={account.role} data-active={account.active}>
        <th scope="row" className="org-account-name">
          {account.name}
          {self && <span className="muted small"> (you)</span>}
        </th>
        <td>{account.email}</td>
        <td>
          <select
            value={account.role}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ role: e.target.value as AccountView['role'] })}
            aria-label={`Role of ${who}`}
            data-testid="account-role"
          >
            <option value="manager">Manager</option>
            <option value="admin">Admin</option>
          </select>
        </td>
        <td>
          <span className={`badge ${account.active ? 'org-badge-on' : 'org-badge-off'}`}>{account.active ? 'Active' : 'Disabled'}</span>
        </td>
        <td title={account.lastSignInAt ? fmt.dateTime(account.lastSignInAt) : undefined}>{fmt.ago(account.lastSignInAt, now)}</td>
        <td className="org-actions-cell">
          <div className="org-row-actions">
            <button
              onClick={() => update.mutate({ active: !account.active })}
              disabled={update.isPending}
              title={account.active ? 'Signs them out everywhere; they cannot sign in until enabled again.' : undefined}
              aria-label={`${account.active ? 'Disable' : 'Enable'} ${who}`}
              data-testid="account-toggle"
            >
              {account.active ? 'Disable' : 'Enable'}
            </button>
            <button
              onClick={() => setSettingPassword((o) => !o)}
              aria-expanded={settingPassword}
              aria-label={`Set a new password for ${who}`}
              data-testid="account-password"
            >
              Set password…
            </button>
          </div>
        </td>
      </tr>
      {(settingPassword || error || done) && (
        <tr className="org-subrow">
          <td colSpan={6}>
            {settingPassword && (
              <PasswordForm
                who={who}
                pending={update.isPending}
                onSave={(password) => update.mutate({ password })}
                onCancel={() => setSettingPassword(false)}
              />
            )}
            {error && (
              <div className="form-error" role="alert" data-testid="account-error">
                {error}
              </div>
            )}
            {done && (
              <div className="org-ok" role="status">
                {done}
              </div>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function PasswordForm({ who, pending, onSave, onCancel }: { who: string; pending: boolean; onSave(p: string): void; onCancel(): void }) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = UpdateAccountRequest.safeParse({ password });
    if (!parsed.success) return setProblem(fromZod(parsed.error).fields.password ?? 'Check the password.');
    setProblem(null);
    onSave(password);
  };
  return (
    <form className="org-form-row" onSubmit={submit} aria-label={`New password for ${who}`}>
      <label htmlFor={`${id}-pw`}>New password for {who}</label>
      <input
        id={`${id}-pw`}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        aria-invalid={problem ? true : undefined}
        autoFocus
        data-testid="account-new-password"
      />
      <button className="primary" type="submit" disabled={pending} data-testid="account-password-save">
        Set password
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {problem && <span className="org-field-error">{problem}</span>}
    </form>
  );
}
