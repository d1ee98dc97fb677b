import { AppError } from '../../errors.js';
import { defineHubRoute, type HubFeature } from '../http/route.js';
import { attemptsLimiter } from '../http/rate-limit.js';
import {
  AccountIdParams,
  AccountList,
  AccountView,
  CreateAccountRequest,
  LoginAnswer,
  LoginRequest,
  MeAnswer,
  RenameOrgRequest,
  UpdateAccountRequest,
} from './contract.js';
import { createAccount, listAccounts, login, logout, me, renameOrg, updateAccount } from './service.js';

const loginRoute = defineHubRoute({
  method: 'post',
  path: '/auth/login',
  summary: 'Sign in with a hub account (e-mail and password) for a bearer token',
  tag: 'accounts',
  access: 'public',
  body: LoginRequest,
  status: 200,
  response: LoginAnswer,
  errors: [429],
  before: attemptsLimiter('sign-in'),
  handler: async ({ deps, body }) => {
    const done = await login(deps.pool, deps.config, deps.now(), body.email, body.password);
    if (!done) throw new AppError(401, 'invalid_credentials', 'The e-mail or password is wrong, or the account is disabled.');
    return { ...done, expiresAt: new Date(done.expiresAt).toISOString() };
  },
});

const meRoute = defineHubRoute({
  method: 'get',
  path: '/auth/me',
  summary: 'The signed-in hub account, its role and its organization',
  tag: 'accounts',
  access: 'account',
  response: MeAnswer,
  handler: ({ deps, auth }) => me(deps.pool, auth),
});

const logoutRoute = defineHubRoute({
  method: 'post',
  path: '/auth/logout',
  summary: 'Sign out: this token is refused from now on',
  tag: 'accounts',
  access: 'account',
  response: null,
  handler: ({ deps, auth }) => logout(deps.pool, deps.now(), auth),
});

const listRoute = defineHubRoute({
  method: 'get',
  path: '/accounts',
  summary: "The org's hub accounts (admins only)",
  tag: 'accounts',
  access: 'admin',
  response: AccountList,
  handler: async ({ deps, auth }) => ({ items: await listAccounts(deps.pool, auth.orgId) }),
});

const createRoute = defineHubRoute({
  method: 'post',
  path: '/accounts',
  summary: 'Add a hub account (admin or manager) to the org (admins only)',
  tag: 'accounts',
  access: 'admin',
  body: CreateAccountRequest,
  response: AccountView,
  errors: [409],
  handler: ({ deps, auth, body }) => createAccount(deps.pool, auth.orgId, deps.now(), body),
});

const updateRoute = defineHubRoute({
  method: 'patch',
  path: '/accounts/:id',
  summary:
    'Rename, change the role of, disable or enable an account, or set its password (admins only); ends its sessions when it loses access',
  tag: 'accounts',
  access: 'admin',
  params: AccountIdParams,
  body: UpdateAccountRequest,
  response: AccountView,
  errors: [409],
  handler: ({ deps, auth, params, body }) => updateAccount(deps.pool, auth.orgId, deps.now(), params.id, body),
});

const renameOrgRoute = defineHubRoute({
  method: 'patch',
  path: '/org',
  summary: 'Rename the organization (admins only)',
  tag: 'accounts',
  access: 'admin',
  body: RenameOrgRequest,
  response: null,
  handler: ({ deps, auth, body }) => renameOrg(deps.pool, auth.orgId, body.name),
});

export const accountsFeature: HubFeature = {
  name: 'accounts',
  routes: [loginRoute, meRoute, logoutRoute, listRoute, createRoute, updateRoute, renameOrgRoute],
};
