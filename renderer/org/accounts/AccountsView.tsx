import { useQuery } from '@tanstack/react-query';
import { useNow } from '../../ui/useNow';
import { useMe } from '../session/session';
import { AccountRow } from './AccountRow';
import { NewAccountForm } from './NewAccountForm';
import { OrgNameForm } from './OrgNameForm';
import { accountQueries } from './queries';
import './accounts.css';

/** Admins only: who may sign in to the managers' console, and the organization's name. */
export function AccountsView() {
  const me = useMe();
  const now = useNow(60_000);
  const accounts = useQuery(accountQueries.list());
  const items = accounts.data?.items ?? [];
  const sorted = [...items].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
  return (
    <div className="org-page" data-testid="accounts-view" data-state={accounts.data && !accounts.isFetching ? 'ready' : 'loading'}>
      <div className="toolbar">
        <h2>Accounts</h2>
        <span className="muted small">
          Who may sign in to this console. Managers see every depot's figures; admins also manage accounts.
        </span>
      </div>
      <div className="org-body org-accounts">
        <section className="rep-panel" aria-labelledby="accounts-title">
          <h3 id="accounts-title">
            Accounts <span className="muted small">{items.length ? `${items.length}` : ''}</span>
          </h3>
          {accounts.isError && (
            <div className="form-error" role="alert">
              {accounts.error.message}
            </div>
          )}
          {accounts.data && (
            <div className="org-table-wrap">
              <table className="grid org-table" data-testid="accounts-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">E-mail</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last sign-in</th>
                    <th scope="col">
                      <span className="org-visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((a) => (
                    <AccountRow key={a.id} account={a} self={a.id === me.accountId} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {!accounts.data && !accounts.isError && <p className="pad muted">Loading accounts…</p>}
        </section>
        <div className="org-grid2">
          <NewAccountForm />
          <OrgNameForm />
        </div>
      </div>
    </div>
  );
}
