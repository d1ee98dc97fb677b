import { queryOptions } from '@tanstack/react-query';
import { AccountList, AccountView, type CreateAccountRequest, type UpdateAccountRequest } from '../../../server/hub/accounts/contract';
import { hub } from '../api/client';

/** The organization's hub accounts (admins only: the hub answers 403 to a manager). */
export const accountQueries = {
  list: () => queryOptions({ queryKey: ['accounts'], queryFn: () => hub.get('/accounts', AccountList) }),
};

export const createAccount = (body: CreateAccountRequest) => hub.post('/accounts', body, AccountView);
export const updateAccount = (id: string, body: UpdateAccountRequest) =>
  hub.patch(`/accounts/${encodeURIComponent(id)}`, body, AccountView);
export const renameOrg = (name: string) => hub.run('PATCH', '/org', { name });
