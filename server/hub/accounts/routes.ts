import { AppError } from '../../errors.js';
import { defineHubRoute, type HubFeature } from '../http/route.js';
import { attemptsLimiter } from '../http/rate-limit.js';
import { LoginAnswer, LoginRequest } from './contract.js';
import { login } from './service.js';

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

export const accountsFeature: HubFeature = { name: 'accounts', routes: [loginRoute] };
